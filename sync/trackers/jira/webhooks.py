"""Register the Jira admin webhook that feeds `sla-sync run` (`sla-sync webhook register`).

Admin webhooks: `POST /rest/webhooks/1.0/webhook` with name, url, events, a JQL filter under
`issue-related-events-section` and, for signed deliveries, a `secret` (Jira then sends
`X-Hub-Signature: sha256=<HMAC of the body>`). Needs the Administer Jira permission.
https://developer.atlassian.com/cloud/jira/platform/webhooks/#registering-a-webhook-using-the-jira-rest-api--other-integrations-
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sync.errors import FatalTrackerError
from sync.trackers.jira.adapter import JiraTracker

EVENTS = ("jira:issue_created", "jira:issue_updated")


class WebhookNotAllowed(Exception):
    """The account may not register admin webhooks (403/404); carries the manual steps."""

    def __init__(self, status: int | None, steps: str) -> None:
        super().__init__(steps)
        self.status, self.steps = status, steps


def webhook_body(
    name: str, url: str, scope: str, secret: str | None, events: Sequence[str] = EVENTS
) -> dict[str, Any]:
    """The registration body (pure; the secret is only ever sent, never logged)."""
    body: dict[str, Any] = {
        "name": name,
        "url": url,
        "events": list(events),
        "filters": {"issue-related-events-section": scope},
        "excludeBody": False,
    }
    if secret:
        body["secret"] = secret
    return body


def manual_steps(name: str, url: str, scope: str) -> str:
    """What an administrator does by hand when the service account may not register."""
    return "\n".join(
        [
            "Ask a Jira administrator to create the webhook by hand:",
            "  Jira settings -> System -> WebHooks -> Create a WebHook",
            f"  Name:   {name}",
            f"  URL:    {url}",
            f"  JQL:    {scope}",
            "  Events: Issue created, Issue updated",
            "  Secret: the value of SLA_SYNC_SERVICE__JIRA_WEBHOOK_SECRET",
            "Then check delivery with the service's /metrics (sla_sync_webhook_events).",
        ]
    )


def register_webhook(
    tracker: JiraTracker,
    *,
    name: str,
    url: str,
    scope: str,
    secret: str | None,
    events: Sequence[str] = EVENTS,
) -> Mapping[str, Any]:
    """Create the admin webhook; `WebhookNotAllowed` with manual steps on 403/404."""
    body = webhook_body(name, url, scope, secret, events)
    try:
        created = tracker._http.request("POST", tracker._url("webhooks/1.0/webhook"), json=body)
    except FatalTrackerError as exc:
        if exc.status in (403, 404):
            raise WebhookNotAllowed(exc.status, manual_steps(name, url, scope)) from None
        raise
    return created or {}
