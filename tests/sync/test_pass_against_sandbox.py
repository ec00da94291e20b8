"""The pass end to end: real jira client over HTTP, sandbox Jira, SQLite state store."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from sandbox import start_sandbox
from tests.sync.sandbox_app import make_app, sla_state


@pytest.fixture(params=["cloud", "datacenter"])
def demo(request):
    with start_sandbox(scenario="demo", mode=request.param) as sb:
        yield sb


def test_first_pass_writes_sla_fields_and_second_pass_writes_nothing(demo, tmp_path):
    app = make_app(demo, tmp_path / "state.sqlite3")
    runner = app.runner()
    first = runner.sync_since()
    assert len(first.issues) == 50 and not first.failed
    assert first.writes == 50
    state = sla_state(demo)
    assert state["SUP-1"]["SLA state"] == "running"
    assert state["SUP-2"]["SLA breached"] == "Yes" and "sla-breached" in state["SUP-2"]["labels"]
    demo.reset_requests()
    second = runner.sync_since()
    assert second.writes == 0
    assert demo.count("PUT", "/rest/api/{v}/issue/{key}") == 0
    assert sla_state(demo) == state
    app.close()


def _scenario_notes() -> dict[str, tuple[str, str]]:
    text = resources.files("sandbox").joinpath("scenarios/demo.yaml").read_text("utf-8")
    notes = {}
    for key, state, verdict in re.findall(
        r"# (SUP-\d+):.*\n\s*#\s+at now: (running|paused|stopped), .*-> ([A-Za-z ]+)", text
    ):
        notes[key] = (state, verdict.strip().lower())
    return notes


def test_engine_agrees_with_the_scenario_notes_worked_out_by_hand(tmp_path):
    """Each demo issue carries an independently worked-out expectation in its comment."""
    notes = _scenario_notes()
    assert len(notes) >= 45
    with start_sandbox(scenario="demo") as sb:
        app = make_app(sb, tmp_path / "state.sqlite3")
        results = {
            o.key: o.result for o in app.runner().sync_since(dry_run=True, keep_results=True).issues
        }
        app.close()
    for key, (state, verdict) in notes.items():
        r = results[key]
        assert r.state.value == state, key
        if "breached" in verdict or "late" in verdict:
            assert r.breached, key
        elif "at risk" in verdict:
            assert r.at_risk and not r.breached, key
        else:
            assert not r.breached, (key, verdict)


def test_pass_under_injected_429_and_500_converges_to_the_clean_state(tmp_path):
    with start_sandbox(scenario="demo") as clean:
        make_app(clean, tmp_path / "clean.sqlite3").runner().sync_since()
        expected = sla_state(clean)
    with start_sandbox(scenario="demo", seed=7) as sb:
        sb.set_faults(
            [
                {"kind": "429", "probability": 0.15, "retry_after": 0},
                {"kind": "500", "probability": 0.1},
                {"kind": "503", "method": "PUT", "probability": 0.2, "after": True},
            ]
        )
        app = make_app(sb, tmp_path / "faulty.sqlite3")
        report = app.runner().sync_since()
        sb.set_faults([])
        assert not report.failed
        assert sla_state(sb) == expected
        assert any(s in (429, 500, 503) for (_m, _r, s) in sb.server.counts)
        app.close()


def test_human_change_is_recomputed_and_our_own_writes_cause_no_work(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        # Real time: the human's change below happens now, after the scenario's fixed `now`.
        app = make_app(sb, tmp_path / "state.sqlite3", clock=lambda: datetime.now(UTC))
        runner = app.runner()
        runner.sync_since()
        before = sla_state(sb)["SUP-50"]  # Low, line 1-2: 75 h
        sb.human_change("SUP-50", {"Линия поддержки": "3"})  # escalation doubles the target
        report = runner.sync_since()
        written = [o.key for o in report.issues if o.outcome == "written"]
        assert written == ["SUP-50"]
        after = sla_state(sb)["SUP-50"]
        assert after["SLA remaining h"] > before["SLA remaining h"]
        assert after["SLA elapsed h"] + after["SLA remaining h"] == pytest.approx(150.0)
        again = runner.sync_since()
        assert again.writes == 0
        assert {o.outcome for o in again.issues} <= {"own-write", "duplicate", "unchanged"}
        app.close()


def test_sweep_flags_a_breach_within_one_sweep_of_the_deadline(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        now = [sb.now]
        app = make_app(sb, tmp_path / "state.sqlite3", clock=lambda: now[0])
        runner = app.runner()
        runner.sync_since()
        assert sla_state(sb)["SUP-1"]["SLA breached"] == "No"  # due 16:00, now 15:00
        now[0] = sb.now + timedelta(hours=1, minutes=1)
        swept = runner.sweep()
        assert "SUP-1" in {o.key for o in swept.issues}
        assert sla_state(sb)["SUP-1"]["SLA breached"] == "Yes"
        assert "sla-breached" in sla_state(sb)["SUP-1"]["labels"]
        assert runner.sweep().writes == 0  # nothing else came due in the same minute
        app.close()


def test_dry_run_writes_nothing_and_keeps_the_cursor(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        app = make_app(sb, tmp_path / "state.sqlite3")
        report = app.runner().sync_since(dry_run=True)
        assert sum(1 for o in report.issues if o.outcome == "would-write") == 50
        assert any("SLA state: — → running" in line for o in report.issues for line in o.changes)
        assert sb.count("PUT", "/rest/api/{v}/issue/{key}") == 0
        assert app.store.cursor("sandbox", "project = SUP") is None
        app.close()


def test_an_unmapped_status_fails_that_issue_only(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        sb.app.cat.statuses.append({"id": "20000", "name": "Ждёт релиза", "category": "undefined"})
        sb.human_change("SUP-7", {"status": "Ждёт релиза"})
        app = make_app(sb, tmp_path / "state.sqlite3")
        report = app.runner().sync_since()
        assert [o.key for o in report.failed] == ["SUP-7"]
        assert "Ждёт релиза" in report.failed[0].error
        assert "jira.yaml" in report.failed[0].error
        assert sum(1 for o in report.issues if o.outcome == "written") == 49
        assert app.store.failures("sandbox").keys() == {"SUP-7"}
        app.close()


def test_explain_against_the_sandbox_matches_the_pass(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        app = make_app(sb, tmp_path / "state.sqlite3")
        runner = app.runner()
        result = runner.explain("SUP-2")
        assert result.line.value == "3" and result.breached
        assert result.elapsed_seconds == pytest.approx(
            sum(s.counted_seconds for s in result.segments)
        )
        app.close()
