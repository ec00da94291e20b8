"""The pass keeps the live view's read model: a row per open request, one per closure."""

from __future__ import annotations

import sqlite3

from sla.instant import to_us
from sync.adapters.live_store import SqliteLiveStore
from sync.composition import App
from tests.helpers import msk


def live(world) -> SqliteLiveStore:
    return SqliteLiveStore(world.app.settings.state_path)


def test_a_pass_records_open_requests_with_assignee_and_closures(world):
    t = world.tracker
    t.add("M-1", msk(2026, 11, 16, 9), priority="P1", customer="Магнит", assignee="anna")
    t.change("M-1", msk(2026, 11, 16, 9, 30), status="Work")
    t.add("M-2", msk(2026, 11, 13, 9), priority="P2")
    t.change("M-2", msk(2026, 11, 13, 12), status="Closed", resolution="Fixed")
    world.runner().sync_since()
    store = live(world)
    (row,) = store.open_requests()
    assert (row.tracker, row.key, row.state, row.priority, row.customer, row.assignee) == (
        "mem", "M-1", "running", "critical", "Магнит", "Anna",
    )  # fmt: skip
    assert row.computed_us == to_us(msk(2026, 11, 16, 10)) and row.elapsed_us == 3600 * 10**6
    (closed,) = store.closures(0)
    assert (closed.key, closed.outcome, closed.closed_us) == (
        "M-2", "met", to_us(msk(2026, 11, 13, 12)),
    )  # fmt: skip


def test_a_request_closed_later_leaves_the_open_rows(world):
    t = world.tracker
    t.add("M-1", msk(2026, 11, 16, 9), priority="P1")
    world.runner().sync_since()
    world.at(msk(2026, 11, 16, 17))
    t.change("M-1", msk(2026, 11, 16, 17), status="Closed", resolution="Fixed")
    world.runner().sync_since()
    store = live(world)
    assert store.open_requests() == []
    (closed,) = store.closures(0)
    assert closed.outcome == "breached"  # 8 h counted, 6 h allowed


def test_a_dry_run_records_nothing(world):
    world.tracker.add("M-1", msk(2026, 11, 16, 9), priority="P1")
    world.runner().sync_since(dry_run=True)
    assert live(world).open_requests() == []


def test_after_an_upgrade_the_sweep_records_requests_nobody_touches(world):
    t = world.tracker
    t.add("M-1", msk(2026, 11, 16, 9), priority="P3")
    t.change("M-1", msk(2026, 11, 16, 9, 30), status="Ask")  # waiting for the user: no check
    world.runner().sync_since()
    world.at(msk(2026, 11, 16, 10, 1))
    world.runner().sync_since()  # our own write, seen: from now on the issue is untouched
    world.app.close()
    # The state file as an earlier version left it: no read model yet. A new process:
    path = world.app.settings.state_path
    db = sqlite3.connect(path)
    db.executescript(  # schema version 3: before the read model (migration 4)
        "DROP TABLE live_open; DROP TABLE live_closed; "
        "DELETE FROM schema_version WHERE version = 4;"
    )
    db.close()
    world.at(msk(2026, 11, 16, 11))
    app = App(world.app.settings, clock=lambda: world.clock[0])
    try:
        runner = app.runner()
        assert live(world).open_requests() == []  # the read model appears, empty
        runner.sweep()  # the upgrade made every open request due: the sweep records them
        assert [r.key for r in live(world).open_requests()] == ["M-1"]
    finally:
        app.close()
