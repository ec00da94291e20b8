"""The host clock runs ahead and comes back: the jump is logged and the figures heal.

Before: after a 30-day jump and back, 300 running issues kept the jumped hours (234.7 h
instead of 45.7 h, remaining 0 while not breached): their rows were dated in the future, so
they were never due for a check, and their own-write re-reads were "duplicates".
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

from sandbox import start_sandbox
from sync.logs import configure_logging
from tests.sync.sandbox_app import make_app, sla_state


def test_figures_written_while_the_clock_ran_30_days_ahead_heal_when_it_comes_back(tmp_path):
    with start_sandbox(scenario="demo") as clean:
        app = make_app(clean, tmp_path / "clean.sqlite3")
        app.runner().sync_since()
        app.close()
        expected = sla_state(clean)

    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    with start_sandbox(scenario="demo") as sb:
        now = [sb.now + timedelta(days=30)]
        app = make_app(sb, tmp_path / "jumped.sqlite3", clock=lambda: now[0])
        runner = app.runner()
        runner.sync_since()
        runner.sweep()
        jumped = sla_state(sb)
        running = [k for k, v in expected.items() if v["SLA state"] == "running"]
        assert running and all(jumped[k] != expected[k] for k in running), "the jump shows"

        assert "clock.backwards" not in stream.getvalue()
        now[0] = sb.now  # the clock is put right
        runner.sync_since()  # what a cron pass or the service's schedule runs
        runner.sweep()
        app.close()
        assert sla_state(sb) == expected
        events = [json.loads(line) for line in stream.getvalue().splitlines()]
        [warning] = [e for e in events if e["event"] == "clock.backwards"]
        assert warning["seconds"] == 30 * 86400 and warning["level"] == "warning"
