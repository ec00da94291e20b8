"""Over HTTP: issues the overlap lists again, unchanged since they were processed, cost no
changelog request; a person's change among them is read and written as before.

The sandbox and sla-sync share one simulated clock (`Sandbox.set_clock`), so the passes run
minutes apart without waiting. Cloud: histories come from `POST changelog/bulkfetch`.
"""

from __future__ import annotations

from datetime import timedelta

from sandbox import start_sandbox, synthetic_scenario
from tests.sync.sandbox_app import make_app

BULKFETCH = ("POST", "/rest/api/{v}/changelog/bulkfetch")


def test_overlap_re_reads_send_no_bulkfetch_and_a_change_among_them_is_written(tmp_path):
    scenario = synthetic_scenario(30, 4, seed=3)
    sim = [scenario.now]
    with start_sandbox(scenario=scenario, mode="cloud") as sb:
        sb.set_clock(lambda: sim[0])
        app = make_app(sb, tmp_path / "state.sqlite3", clock=lambda: sim[0])
        runner = app.runner()
        assert runner.sync_since().writes == 30
        sim[0] += timedelta(minutes=1)
        absorbed = runner.sync_since()  # our writes bumped `updated`: read, recognised
        assert {o.outcome for o in absorbed.issues} == {"own-write"}

        sim[0] += timedelta(minutes=1)
        sb.reset_requests()
        third = runner.sync_since()  # the 5-minute overlap lists all 30 again
        assert len(third.issues) == 30 and {o.outcome for o in third.issues} == {"duplicate"}
        assert sb.count(*BULKFETCH) == 0

        sim[0] += timedelta(seconds=30)
        changed = sb.human_change("SUP-7", {"priority": "Критический"})["history"]
        changed = changed or sb.human_change("SUP-7", {"priority": "Низкий"})["history"]
        assert changed  # one of the two is a change of priority
        sim[0] += timedelta(seconds=30)
        sb.reset_requests()
        fourth = runner.sync_since()
        outcomes = {o.key: o.outcome for o in fourth.issues}
        assert outcomes.pop("SUP-7") == "written"
        assert set(outcomes.values()) == {"duplicate"}
        assert sb.count(*BULKFETCH) == 1
        app.close()
