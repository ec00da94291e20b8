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
    memory_tracker.register("memory://cron", tracker)
    # The command's App, on the test's clock (cron would run it with the real one).
    monkeypatch.setattr(sync_command, "App", lambda s: App(s, clock=lambda: clock[0]))
    cfg = tmp_path / "sla-sync.yaml"
    settings = {
        "state_path": str(tmp_path / "state.sqlite3"),
        "closed_lookback_days": None,
        "trackers": [{"name": "mem", "kind": "memory", "url": "memory://cron", "scope": "all"}],
    }
    cfg.write_text(yaml.safe_dump(settings), encoding="utf-8")
    try:
        assert main(["--config", str(cfg), "sync"]) == 0
        assert tracker.issues["M-1"]["fields"]["sla"]["breached"] == "No"
        clock[0] = msk(2026, 11, 16, 15, 30)  # nobody touched M-1; its deadline passed
        assert main(["--config", str(cfg), "sync"]) == 0
        assert tracker.issues["M-1"]["fields"]["sla"]["breached"] == "Yes"
    finally:
        memory_tracker.unregister()
