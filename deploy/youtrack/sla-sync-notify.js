/**
 * sla-sync: tell the sla-sync service that an issue changed (YouTrack workflow rule).
 *
 * YouTrack has no core webhooks. This on-change rule posts {"issueId": "<ID>"} to
 * sla-sync's /webhooks/youtrack endpoint with the shared secret; sla-sync then re-reads the
 * issue itself (the event only says "look at issue X"), and its scheduled pass stays the
 * source of truth, so a missed or failed post is repaired at the next pass.
 *
 * Install: see "YouTrack: workflow rule" in sla-sync's README. Set the three constants below.
 */
const entities = require('@jetbrains/youtrack-scripting-api/entities');
const http = require('@jetbrains/youtrack-scripting-api/http');

const SLA_SYNC_URL = 'https://sla-sync.example.internal:8080';   // the service's base URL
const SHARED_SECRET = 'change-me';                                 // = SLA_SYNC_SERVICE__YOUTRACK_WEBHOOK_SECRET
const SERVICE_LOGIN = 'sla-bot';                                   // sla-sync's own account

exports.rule = entities.Issue.onChange({
  title: 'sla-sync: notify on change',
  guard: (ctx) => {
    // Changes sla-sync makes itself need no round trip (it would write nothing anyway).
    return ctx.issue.isReported && ctx.currentUser.login !== SERVICE_LOGIN;
  },
  action: (ctx) => {
    const connection = new http.Connection(SLA_SYNC_URL, null, 5000);
    connection.addHeader('Content-Type', 'application/json');
    connection.addHeader('X-Sla-Sync-Secret', SHARED_SECRET);
    const body = JSON.stringify({issueId: ctx.issue.id});
    const response = connection.postSync('/webhooks/youtrack', [], body);
    if (!response || response.code >= 300) {
      console.warn('sla-sync: notification for ' + ctx.issue.id + ' failed: ' +
                   (response ? response.code : 'no response'));
    }
  },
  requirements: {}
});
