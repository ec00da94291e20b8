"""`sla-sync run` with YouTrack: the workflow rule's post leads to a write-back."""

from __future__ import annotations

from sandbox import start_sandbox
from sync.trackers.youtrack.adapter import YouTrackTracker
from tests.service.helpers import SECRET, ServiceProcess, settings_yaml, wait_until
from tests.service.test_service_e2e import frozen_now


def _remaining(yt: YouTrackTracker, key: str):
    raw = yt.fetch(key, ())
    for field in raw.fields.get("customFields") or []:
        if field.get("name") == "SLA remaining h":
            return field.get("value")
    return None


def test_youtrack_change_is_written_back_after_the_workflow_rule_posts(tmp_path):
    with start_sandbox(tracker="youtrack", scenario="demo") as sb:
        config = settings_yaml(sb, tmp_path / "state.sqlite3", youtrack_webhook_secret=SECRET)
        config["trackers"] = [
            {
                "name": "sandbox",
                "kind": "youtrack",
                "url": sb.url,
                "token": sb.token,
                "scope": "project: SUP",
            }
        ]
        config["service"].pop("jira_webhook_secret")
        yt = YouTrackTracker.connect(sb.url, sb.token)
        with ServiceProcess(config, tmp_path, now=frozen_now()) as svc:
            sb.set_webhook(svc.url + "/webhooks/youtrack", SECRET)
            wait_until(lambda: _remaining(yt, "SUP-50") is not None, 60, "the first pass")
            before = _remaining(yt, "SUP-50")
            sb.human_change("SUP-50", {"Линия поддержки": "3"})  # the target doubles
            wait_until(lambda: _remaining(yt, "SUP-50") != before, 60, "SUP-50's write-back")
            assert _remaining(yt, "SUP-50") > before
            accepted = svc.metric(
                "sla_sync_webhook_events_total", source="youtrack", outcome="accepted"
            )
            assert accepted >= 1
            assert svc.terminate() == 0
