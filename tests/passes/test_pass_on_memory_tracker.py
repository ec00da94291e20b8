"""The pass end to end over a tracker that exists only in memory: fast, no HTTP.

The "memory" tracker is a third kind added through the registry alone (an adapter and a
mapping in tests/fakes): if the pass needed anything tracker-specific, these tests could
not run.
"""

from __future__ import annotations

import pytest

from sync.errors import RetriableTrackerError
from tests.helpers import msk


def seed(tracker, n: int) -> None:
    for i in range(1, n + 1):
        tracker.add(f"M-{i}", msk(2026, 11, 16, 9, i % 60), priority="P2")


def test_a_third_tracker_plugs_in_through_the_registry_and_a_pass_writes_its_sla(world):
    world.tracker.add("M-1", msk(2026, 11, 16, 9), priority="P1")
    world.tracker.change("M-1", msk(2026, 11, 16, 9, 30), status="Work")
    report = world.runner().sync_since()
    assert [o.outcome for o in report.issues] == ["written"]
    sla = world.tracker.issues["M-1"]["fields"]["sla"]
    # Critical, lines 1-2: 6 business hours from 09:00 -> due 15:00 the same day.
    assert sla["due"] == msk(2026, 11, 16, 15) and sla["state"] == "running"
    assert sla["breached"] == "No" and sla["elapsed"] == 1.0 and sla["remaining"] == 5.0
    assert world.tracker.issues["M-1"]["fields"]["labels"] == []


def test_a_second_pass_over_our_own_writes_writes_nothing(world):
    seed(world.tracker, 5)
    assert world.runner().sync_since().writes == 5
    world.at(msk(2026, 11, 16, 10, 1))
    second = world.runner().sync_since()
    assert second.writes == 0
    assert {o.outcome for o in second.issues} <= {"own-write", "duplicate", "unchanged"}


def test_a_human_change_after_the_cursor_is_recomputed_and_written(world):
    seed(world.tracker, 3)
    world.runner().sync_since()
    world.at(msk(2026, 11, 16, 10, 30))  # within the hours refresh: others stay untouched
    world.tracker.change("M-2", msk(2026, 11, 16, 10, 30), status="Ask")  # waiting for the user
    report = world.runner().sync_since()
    written = {o.key for o in report.issues if o.outcome == "written"}
    assert written == {"M-2"}
    assert world.tracker.issues["M-2"]["fields"]["sla"]["state"] == "paused"


def test_a_failure_in_the_second_chunk_keeps_the_first_chunks_cursor(world):
    seed(world.tracker, 250)
    runner = world.runner()
    world.tracker.fail_updates_after = 150  # chunk 1 (100) goes through, chunk 2 breaks
    with pytest.raises(RetriableTrackerError):
        runner.sync_since()
    store = world.app.store
    cursor = store.cursor("mem", "all")
    assert cursor is not None
    written = [k for k, i in world.tracker.issues.items() if i["fields"]["sla"]]
    assert len(written) == 150
    world.tracker.fail_updates_after = None
    world.tracker.calls.clear()
    report = runner.sync_since()
    assert not report.failed
    assert all(i["fields"]["sla"] for i in world.tracker.issues.values())
    # Only the 100 the broken pass never wrote are written now; nothing is written twice.
    assert world.tracker.calls["update"] == 100
    assert store.cursor("mem", "all") >= cursor


def test_an_issue_the_tracker_refuses_fails_alone_and_once(world):
    seed(world.tracker, 3)
    world.tracker.reject.add("M-2")
    report = world.runner().sync_since()
    assert [o.key for o in report.failed] == ["M-2"]
    assert report.writes == 2
    world.tracker.reject.clear()
    world.at(msk(2026, 11, 16, 10, 5))
    again = world.runner().sync_since()
    assert [o.key for o in again.issues if o.outcome == "written"] == ["M-2"]


def test_the_sweep_flags_a_breach_without_any_event(world):
    world.tracker.add("M-1", msk(2026, 11, 16, 9), priority="P1")  # due 15:00
    world.runner().sync_since()
    world.at(msk(2026, 11, 16, 15, 30))
    report = world.runner().sweep()
    assert [o.key for o in report.issues] == ["M-1"]
    issue = world.tracker.issues["M-1"]
    assert issue["fields"]["sla"]["breached"] == "Yes"
    assert issue["fields"]["labels"] == ["sla-breached"]


def test_the_breach_comment_is_posted_once_across_passes_and_sweeps(world):
    world.tracker.add("M-1", msk(2026, 11, 16, 9), priority="P1")
    world.runner().sync_since()
    world.at(msk(2026, 11, 16, 16))
    world.runner().sweep()
    world.at(msk(2026, 11, 16, 17))
    world.runner().sync_since()
    world.runner().recompute("M-1")
    assert len(world.tracker.issues["M-1"]["comments"]) == 1


def test_a_new_request_after_the_first_pass_is_acknowledged_once(world):
    world.tracker.add("M-1", msk(2026, 11, 16, 9))
    world.runner().sync_since()  # takes stock: acknowledges nothing
    assert world.tracker.issues["M-1"]["comments"] == []
    world.at(msk(2026, 11, 16, 11))
    world.tracker.add("M-2", msk(2026, 11, 16, 10, 55))
    world.runner().sync_since()
    world.runner().recompute("M-2")
    (ack,) = world.tracker.issues["M-2"]["comments"]
    assert ack.startswith("Заявка M-2 зарегистрирована 16.11.2026 10:55")


def test_elapsed_hours_of_untouched_requests_are_refreshed_once_an_hour(world):
    seed(world.tracker, 2)
    world.runner().sync_since()
    world.at(msk(2026, 11, 16, 10, 59))
    assert world.runner().sweep().writes == 0
    world.at(msk(2026, 11, 16, 11, 0, 1))
    assert world.runner().sweep().writes == 2
    assert world.tracker.issues["M-1"]["fields"]["sla"]["elapsed"] == 1.98  # 09:01 -> 11:00:01
