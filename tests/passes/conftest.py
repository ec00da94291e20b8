"""A pass over the in-memory tracker: the real App, registry, store and runner; no HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from config.settings import Settings, TrackerSettings
from sync.composition import App
from tests.fakes import memory_tracker
from tests.fakes.memory_tracker import MemoryTracker
from tests.helpers import msk

URL = "memory://support"


@dataclass
class World:
    """The tracker, the app over it, and a clock the test moves."""

    tracker: MemoryTracker
    app: App
    clock: list[datetime]

    def at(self, when: datetime) -> None:
        """Move the clock (sla-sync's and the tracker's alike)."""
        self.clock[0] = when

    def runner(self):
        return self.app.runner()


@pytest.fixture
def make_world(tmp_path):
    """A factory of worlds, for tests that need their own regulation file."""
    apps = []

    def make(regulation=None) -> World:
        clock = [msk(2026, 11, 16, 10)]
        tracker = MemoryTracker(lambda: clock[0])
        memory_tracker.register(URL, tracker)
        settings = Settings(
            regulation=regulation,
            state_path=tmp_path / "state.sqlite3",
            trackers=[TrackerSettings(name="mem", kind="memory", url=URL, scope="all")],
            closed_lookback_days=None,
        )
        app = App(settings, clock=lambda: clock[0])
        apps.append(app)
        return World(tracker, app, clock)

    yield make
    for app in apps:
        app.close()
    memory_tracker.unregister()


@pytest.fixture
def world(make_world):
    return make_world()
