"""Overlap re-reads cost no history: an issue the pass processed at that version comes back
from the search without its history (`sync.ports.Known`), and everything else still with it.

On the in-memory tracker, which counts per issue the histories it served.
"""

from __future__ import annotations

from tests.helpers import msk


def _three_processed(world) -> None:
    """M-1..M-3 written by one pass, then our own writes absorbed by the next."""
    for i in (1, 2, 3):
        world.tracker.add(f"M-{i}", msk(2026, 11, 16, 9, i), priority="P2")
    assert world.runner().sync_since().writes == 3
    world.at(msk(2026, 11, 16, 10, 1))
    second = world.runner().sync_since()  # our writes bumped `updated`: read with history
    assert {o.outcome for o in second.issues} == {"own-write"}
    assert all(n == 2 for n in world.tracker.history_reads.values())


def test_an_overlap_re_read_of_a_processed_version_reads_no_history(world):
    _three_processed(world)
    world.at(msk(2026, 11, 16, 10, 2))
    third = world.runner().sync_since()  # the overlap lists them again, unchanged
    assert sorted(o.key for o in third.issues) == ["M-1", "M-2", "M-3"]
    assert {o.outcome for o in third.issues} == {"duplicate"}
    assert all(n == 2 for n in world.tracker.history_reads.values())


def test_a_person_changing_an_issue_inside_the_overlap_is_read_with_history_and_written(world):
    _three_processed(world)
    world.tracker.change("M-2", msk(2026, 11, 16, 10, 1, 30), status="Ask")
    world.at(msk(2026, 11, 16, 10, 2))
    report = world.runner().sync_since()
    outcomes = {o.key: o.outcome for o in report.issues}
    assert outcomes == {"M-1": "duplicate", "M-2": "written", "M-3": "duplicate"}
    assert world.tracker.history_reads == {"M-1": 2, "M-2": 3, "M-3": 2}
    assert world.tracker.issues["M-2"]["fields"]["sla"]["state"] == "paused"


def test_an_unchanged_issue_whose_check_is_due_is_read_with_history_and_refreshed(world):
    _three_processed(world)
    # An hour after the hours were written, their refresh is due: no longer a mere re-read.
    world.at(msk(2026, 11, 16, 11, 1))
    report = world.runner().sync_since()
    assert {o.outcome for o in report.issues} == {"written"}
    assert all(n == 3 for n in world.tracker.history_reads.values())
    assert world.tracker.issues["M-1"]["fields"]["sla"]["elapsed"] == 2.0


def test_an_issue_that_failed_before_is_read_with_history_though_unchanged(world):
    _three_processed(world)
    at = msk(2026, 11, 16, 10, 1, 30)
    world.app.store.record_failure(
        "mem", "M-3", "a notice could not be sent", int(at.timestamp() * 1e6)
    )
    world.at(msk(2026, 11, 16, 10, 2))
    report = world.runner().sync_since()
    assert {o.key: o.outcome for o in report.issues}["M-3"] != "duplicate"
    assert world.tracker.history_reads == {"M-1": 2, "M-2": 2, "M-3": 3}
    assert "M-3" not in world.app.store.failures("mem")
