"""Two `sla-sync run` instances on one PostgreSQL behind a load balancer, over the sandbox: a
stream of changes, kill -9 of the instance holding the scheduler lease halfway, and at the end
the tracker equals a clean run's, no notice went out twice, nothing was lost, and the other
instance took the lease within one sweep interval."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime

from sandbox import start_sandbox
from tests.service.balancer import Balancer
from tests.service.helpers import SECRET, ServiceProcess, as_json, settings_yaml, wait_until
from tests.service.test_service_e2e import all_written, frozen_now
from tests.sync.sandbox_app import make_app, sla_state
from tests.sync.test_overlapping_runs import _create

SWEEP_INTERVAL = 20.0  # "one interval": the shortest schedule of the service


def role(svc: ServiceProcess) -> str | None:
    _, text = svc.get("/healthz")
    return as_json(text).get("scheduler") if text.startswith("{") else None


def test_killing_the_leader_mid_stream_loses_nothing_and_sends_nothing_twice(pg_url, tmp_path):
    now = frozen_now()
    with start_sandbox(scenario="demo") as sb, Balancer() as lb:
        config = settings_yaml(sb, tmp_path / "unused.sqlite3", workers=2,
                               lease_check_seconds=0.5, claim_seconds=5,
                               sweep_interval_seconds=SWEEP_INTERVAL)  # fmt: skip
        config.update(state_url=pg_url, breach_comment=True)
        sb.set_webhook(lb.url + "/webhooks/jira", SECRET)
        with ServiceProcess(config, tmp_path, now=now) as a:
            lb.backends = [a.url]
            wait_until(lambda: role(a) == "leader", 60, "the first instance to lead")
            wait_until(lambda: all_written(sb), 60, "the first pass to write every issue")
            with ServiceProcess(config, tmp_path, now=now) as b:
                lb.backends = [a.url, b.url]
                assert role(b) == "standby"
                keys = sorted(sla_state(sb))[:24]
                new = _create(sb, 3)  # each gets one acknowledgement comment
                for i, key in enumerate(keys):
                    sb.human_change(key, {"Линия поддержки": "3" if i % 2 else "2"})
                    if i == len(keys) // 2:
                        a.kill()  # SIGKILL: no shutdown code, its claims and lease just end
                        killed = time.monotonic()
                wait_until(lambda: role(b) == "leader", SWEEP_INTERVAL, "the standby to lead")
                took_over = time.monotonic() - killed
                print(f"\nlease taken over {took_over:.1f} s after kill -9 of the leader")
                wait_until(lambda: sb.sender.idle(), 60, "every webhook to be delivered")
                wait_until(lambda: b.metric("sla_sync_queue_depth") == 0, 60, "the queue")
                wait_until(
                    lambda: b.metric("sla_sync_passes_total", kind="Sweep", result="ok") >= 1,
                    60,
                    "the new leader's catch-up pass and sweep",
                )
                assert b.terminate() == 0
            assert lb.forwarded.get(b.url, 0) > 0, "the second instance accepted webhooks"
        final = sla_state(sb)
        clean = make_app(sb, tmp_path / "clean.sqlite3", clock=lambda: datetime.fromisoformat(now))
        report = clean.runner().sync_since(full=True, dry_run=True)
        clean.close()
    assert [o.key for o in report.issues if o.outcome == "would-write"] == [], "lost changes"
    for key, v in final.items():
        dupes = [c for c, n in Counter(v["comments"]).items() if n > 1]
        assert not dupes, (key, dupes)
    for key in new:
        acks = [c for c in final[key]["comments"] if c.startswith(f"Заявка {key}")]
        assert len(acks) == 1, (key, final[key]["comments"])
