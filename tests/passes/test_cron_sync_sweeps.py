"""Cron mode: each `sla-sync sync` sweeps after its pass, so untouched deadlines are flagged."""

from __future__ import annotations

import yaml

from sync.cli import sync as sync_command
from sync.cli.main import main
from sync.composition import App
from tests.fakes import memory_tracker
from tests.fakes.memory_tracker import MemoryTracker
from tests.helpers import msk


def test_a_deadline_passing_on_an_untouched_request_is_flagged_by_the_next_cron_sync(
    tmp_path, monkeypatch
):
    clock = [msk(2026, 11, 16, 10)]
    tracker = MemoryTracker(lambda: clock[0])
    tracker.add("M-1", msk(2026, 11, 16, 9), priority="P1")  # critical: due 15:00
    tracker.add("M-2", msk(2026, 11, 16, 9), priority="P3")
    memory_tracker.register("memory://cron", tracker)
    # The command's App, on the test's clock (cron would run it with the real one).
    monkeypatch.setattr(sync_command, "App", lambda s: App(s, clock=lambda: clock[0]))
    cfg = tmp_path / "sla-sync.yaml"
    settings = {
        "state_path": str(tmp_path / "state.sqlite3"),
        "closed_lookback_days": None,
        "hours_refresh_minutes": 100_000,  # no hourly rewrite of the hours: M-1 stays untouched
        "trackers": [{"name": "mem", "kind": "memory", "url": "memory://cron", "scope": "all"}],
    }
    cfg.write_text(yaml.safe_dump(settings), encoding="utf-8")

    def sync_at(hour: int, minute: int) -> None:
        clock[0] = msk(2026, 11, 16, hour, minute)
        assert main(["--config", str(cfg), "sync"]) == 0

    try:
        sync_at(10, 0)
        sync_at(10, 1)  # re-reads our own writes of 10:00
        tracker.change("M-2", msk(2026, 11, 16, 12), priority="P4")  # only M-2 moves on
        sync_at(12, 1)
        sync_at(12, 2)
        assert tracker.issues["M-1"]["fields"]["sla"]["breached"] == "No"
        tracker.calls.clear()
        sync_at(15, 30)  # nobody touched M-1 since 10:00; its deadline passed at 15:00
        assert tracker.issues["M-1"]["fields"]["sla"]["breached"] == "Yes"
        assert tracker.calls["fetch"] == 1  # the sweep read M-1 alone; the pass did not
    finally:
        memory_tracker.unregister()
