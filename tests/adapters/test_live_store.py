"""The live view's read model in the state file: rows move between open and closed."""

from __future__ import annotations

import sqlite3
import time

from sync.adapters.live_store import SqliteLiveStore
from sync.adapters.store import StateStore
from sync.report.snapshot import Closure, OpenRequest


def open_row(key="SUP-1", tracker="jira", **over) -> OpenRequest:
    base = dict(
        tracker=tracker, key=key, status="in_progress", state="running", at_risk=False,
        breached=False, priority="high", line="1-2", customer="Лента", assignee="Анна",
        policy="regulation", due_us=2_000, at_risk_at_us=1_500, elapsed_us=100,
        target_us=1_000, computed_us=1_000_000,
    )  # fmt: skip
    return OpenRequest(**{**base, **over})


def closed_row(key="SUP-1", tracker="jira", closed_us=5_000, outcome="met") -> Closure:
    return Closure(tracker, key, closed_us, outcome, "high", "1-2", "Лента", "Анна",
                   "regulation", 900, 1_000, 6_000)  # fmt: skip


def test_a_request_moves_between_open_and_closed_as_it_closes_and_reopens(tmp_path):
    live = SqliteLiveStore(tmp_path / "state.sqlite3")
    live.record(open_row())
    assert live.open_requests() == [open_row()] and live.closures(0) == []
    live.record(closed_row())
    assert live.open_requests() == [] and live.closures(0) == [closed_row()]
    live.record(open_row(state="paused"))  # reopened
    assert live.open_requests() == [open_row(state="paused")] and live.closures(0) == []
    assert live.knows("jira", "SUP-1") and not live.knows("youtrack", "SUP-1")


def test_rows_are_kept_per_tracker_and_closures_read_from_an_instant(tmp_path):
    live = SqliteLiveStore(tmp_path / "state.sqlite3")
    live.record(open_row("SUP-1", "jira"))
    live.record(open_row("SUP-1", "youtrack", assignee=None, customer=None))
    live.record(closed_row("SUP-2", "jira", closed_us=10))
    live.record(closed_row("SUP-3", "jira", closed_us=20))
    assert [r.tracker for r in live.open_requests()] == ["jira", "youtrack"]
    assert [r.tracker for r in live.open_requests({"youtrack"})] == ["youtrack"]
    assert [c.key for c in live.closures(15)] == ["SUP-3"]
    assert live.closures(0, {"youtrack"}) == []


def test_the_read_model_lives_beside_the_state_store_and_survives_a_reopen(tmp_path):
    path = tmp_path / "state.sqlite3"
    store = StateStore(path)
    live = SqliteLiveStore(path)
    live.record(open_row())
    store.advance_cursor("jira", "project = SUP", 42)
    live.close()
    store.close()
    again = SqliteLiveStore(path)  # the schema steps are not applied twice
    assert again.open_requests() == [open_row()]
    assert StateStore(path).cursor("jira", "project = SUP") == 42
    db = sqlite3.connect(path)
    # The read model is a numbered migration of the state store, applied once.
    assert db.execute("SELECT count(*) FROM schema_version WHERE version = 4").fetchone() == (1,)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"live_open", "live_closed", "issues", "cursors"} <= tables


def test_a_state_file_from_before_the_read_model_asks_the_sweep_to_fill_it(tmp_path):
    path = tmp_path / "state.sqlite3"
    store = StateStore(path)
    now_us = int(time.time() * 1_000_000)
    day = 86_400 * 1_000_000
    rows = {
        "SUP-1": ("running", now_us - 3 * day),
        "SUP-2": ("paused", now_us - 300 * day),  # waiting for the user for months: still open
        "SUP-3": ("stopped", now_us - 5 * day),  # closed lately: this or last month's figures
        "SUP-4": ("stopped", now_us - 100 * day),  # closed long ago: not on the page
    }
    for key, (state, recorded) in rows.items():
        store.record_issue("jira", key, seen_updated_us=1, check_us=None, state=state,
                           breached=False, due_us=None, recorded_us=recorded)  # fmt: skip
    assert store.due_for_check("jira", now_us) == []
    store.close()
    _as_before_the_read_model(path)
    store = StateStore(path)  # the first open since the upgrade applies migration 4
    assert sorted(store.due_for_check("jira", now_us)) == ["SUP-1", "SUP-2", "SUP-3"]
    store.record_issue("jira", "SUP-1", seen_updated_us=1, check_us=None, state="running",
                       breached=False, due_us=None, recorded_us=now_us)  # fmt: skip
    store.close()
    store = StateStore(path)  # opened again: nothing is asked twice
    assert sorted(store.due_for_check("jira", now_us)) == ["SUP-2", "SUP-3"]


def _as_before_the_read_model(path) -> None:
    """The state file as the version before the live view left it (schema version 3)."""
    db = sqlite3.connect(path)
    db.executescript(
        "DROP TABLE live_open; DROP TABLE live_closed; "
        "DELETE FROM schema_version WHERE version = 4;"
    )
    db.close()
