"""`sla-sync run` as a subprocess against the sandbox: write-back, own writes, crash, SIGTERM."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

from sandbox import start_sandbox
from tests.service.helpers import (
    SECRET,
    ServiceProcess,
    free_port,
    queued_rows,
    settings_yaml,
    wait_until,
)
from tests.sync.sandbox_app import make_app, sla_state


def frozen_now() -> str:
    """A fixed clock an hour ahead: human changes made during the test count, runs compare."""
    return (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0).isoformat()


def all_written(sb) -> bool:
    return all(v["SLA state"] for v in sla_state(sb).values())


def settled(svc: ServiceProcess) -> bool:
    return svc.metric("sla_sync_queue_depth") == 0


def test_human_change_is_written_back_and_own_writes_write_nothing(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        # Webhooks on before the service starts: every write of its first pass sends one.
        port = free_port()
        sb.set_webhook(f"http://127.0.0.1:{port}/webhooks/jira", SECRET)
        config = settings_yaml(sb, tmp_path / "state.sqlite3", port=port)
        with ServiceProcess(config, tmp_path, now=frozen_now()) as svc:
            wait_until(lambda: all_written(sb), 60, "the first pass to write every issue")
            # Every webhook of the first pass's writes is delivered and processed before the
            # human acts.
            wait_until(lambda: sb.sender.idle() and settled(svc), 60, "our own webhooks to drain")
            before = sla_state(sb)["SUP-50"]
            puts = sb.count("PUT", "/rest/api/{v}/issue/{key}")
            ignored = svc.metric("sla_sync_webhook_events_total", outcome="ignored")
            sb.human_change("SUP-50", {"Линия поддержки": "3"})  # escalation doubles the target
            wait_until(lambda: sla_state(sb)["SUP-50"] != before, 60, "SUP-50's write-back", 0.02)
            after = sla_state(sb)["SUP-50"]
            assert after["SLA remaining h"] > before["SLA remaining h"]
            # Our write comes back as a webhook: the service sees from its author and items that
            # it is its own, and answers "ignored" without queueing a recompute.
            wait_until(
                lambda: svc.metric("sla_sync_webhook_events_total", outcome="ignored") > ignored,
                60,
                "the webhook of our own write to be answered",
            )
            wait_until(lambda: settled(svc), 60, "the queue to drain")
            assert sb.count("PUT", "/rest/api/{v}/issue/{key}") == puts + 1
            status, health = svc.get("/healthz")
            assert status == 200, health
            assert svc.terminate() == 0


def test_killed_with_events_queued_the_restart_processes_every_accepted_event(tmp_path):
    now = frozen_now()
    state = tmp_path / "state.sqlite3"
    with start_sandbox(scenario="demo") as sb:
        config = settings_yaml(sb, state)
        with ServiceProcess(config, tmp_path, now=now) as svc:
            sb.set_webhook(svc.url + "/webhooks/jira", SECRET)
            wait_until(lambda: all_written(sb), 60, "the first pass")
            wait_until(lambda: settled(svc), 60, "our own writes' webhooks to drain")
            before = sla_state(sb)
            running = [k for k, v in before.items() if v["SLA state"] == "running"][:8]
            sent = sb.sender.sent
            # A slow tracker: every issue fetch takes 0.5 s, so the events pile up in the queue.
            sb.set_faults(
                [
                    {
                        "kind": "latency",
                        "method": "GET",
                        "route": "/rest/api/{v}/issue/{key}",
                        "delay_ms": 500,
                    }
                ]
            )
            for key in running:
                sb.human_change(key, {"Линия поддержки": "3"})
            wait_until(lambda: sb.sender.sent >= sent + len(running), 60, "every event accepted")
            svc.kill()
        assert queued_rows(state) > 0, "the test meant to kill the service with events queued"
        sb.set_faults([])
        sb.set_webhook(None)
        with ServiceProcess(config, tmp_path, now=now) as svc:
            wait_until(lambda: settled(svc), 60, "the restarted service to drain the queue")
            assert queued_rows(state) == 0
            assert svc.metric("sla_sync_pass_duration_seconds_count", kind="RecomputeIssue") >= 1
            assert svc.terminate() == 0
        final = sla_state(sb)
        # A clean run from scratch over the same tracker would change nothing.
        clean = make_app(sb, tmp_path / "clean.sqlite3", clock=lambda: datetime.fromisoformat(now))
        report = clean.runner().sync_since(full=True, dry_run=True)
        clean.close()
        assert [o.key for o in report.issues if o.outcome == "would-write"] == []
        assert any(final[k] != before[k] for k in running), "the queued changes were applied"
        for key, v in final.items():
            dupes = [c for c, n in Counter(v["comments"]).items() if n > 1]
            assert not dupes, (key, dupes)


def _sign(body: bytes) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature": f"sha256={digest}", "Content-Type": "application/json"}


def test_bad_requests_get_their_status_and_the_service_keeps_serving(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        config = settings_yaml(sb, tmp_path / "state.sqlite3", max_body_bytes=2048)
        with ServiceProcess(config, tmp_path, now=frozen_now()) as svc:
            good = json.dumps({"webhookEvent": "jira:issue_updated", "issue": {"key": "SUP-1"}})
            unknown = json.dumps(
                {"webhookEvent": "jira:issue_updated", "issue": {"key": "SUP-999"}}
            )
            big = b'{"x": "' + b"a" * 4096 + b'"}'
            cases = [
                (good.encode(), {}, 401),
                (good.encode(), {"X-Hub-Signature": "sha256=" + "f" * 64}, 401),
                (big, _sign(big), 413),
                (b"<xml/>", _sign(b"<xml/>"), 400),
                (b'{"issue": {"id": 1}}', _sign(b'{"issue": {"id": 1}}'), 400),
                (unknown.encode(), _sign(unknown.encode()), 202),
                (good.encode(), _sign(good.encode()), 202),
            ]
            for body, headers, expected in cases:
                status, text = svc.post("/webhooks/jira", body, headers)
                assert status == expected, (expected, status, text)
                assert svc.get("/healthz")[0] == 200, "the service must keep serving"
            # The unknown issue is a 404 from the tracker: logged, dropped, nothing else breaks.
            wait_until(lambda: settled(svc), 60, "the queue to drain")
            assert svc.proc.poll() is None
            assert "SUP-999" in svc.stderr()
            assert SECRET not in svc.stderr(), "secrets never reach the logs"
            assert svc.terminate() == 0


def test_sigterm_exits_0_and_says_it_stopped(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        config = settings_yaml(sb, tmp_path / "state.sqlite3")
        with ServiceProcess(config, tmp_path, now=frozen_now()) as svc:
            wait_until(lambda: svc.get("/healthz")[0] == 200, 60, "the service to be healthy")
            assert svc.terminate(timeout=60) == 0
            assert "service.stopped" in svc.stderr()
