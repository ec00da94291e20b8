"""The service's commands and the one function that handles them.

The webhook worker and the scheduler both build a `Command` and call `Service.handle`; the
Runner does the work. One lock per tracker: the adapter's HTTP session and the pass are not
meant to run twice at once, and a webhook recompute simply waits for a running pass.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from sync.composition import App
from sync.passes.outcome import IssueOutcome, PassReport
from sync.service.metrics import Metrics


@dataclass(frozen=True, slots=True)
class RecomputeIssue:
    """Fetch one issue fresh and write what changed (from a webhook)."""

    tracker: str
    key: str


@dataclass(frozen=True, slots=True)
class SyncSince:
    """The incremental pass from the cursor (scheduled; repairs missed webhooks)."""

    tracker: str


@dataclass(frozen=True, slots=True)
class Sweep:
    """Recompute the issues whose deadline or at-risk point has come (scheduled)."""

    tracker: str


Command = RecomputeIssue | SyncSince | Sweep


class Service:
    """Handles commands against the App's runners, recording metrics and pass health."""

    def __init__(
        self, app: App, metrics: Metrics, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.monotonic = monotonic
        self.started = monotonic()
        self.last_success: float | None = None  # monotonic end of the last successful pass
        self._locks = {r.b.name: threading.Lock() for r in app.runners()}
        self.log = structlog.get_logger().bind(component="service")

    def trackers(self) -> list[str]:
        """Names of the configured trackers."""
        return list(self._locks)

    def tracker_of_kind(self, kind: str, name: str | None = None) -> str | None:
        """The tracker a webhook source feeds: by name, else the only one of that kind."""
        candidates = [
            r.b.name
            for r in self.app.runners()
            if r.b.kind.name == kind and name in (None, r.b.name)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def handle(self, command: Command) -> PassReport | IssueOutcome:
        """Run one command; errors propagate after being counted (callers decide to go on)."""
        runner = self.app.runner(command.tracker)
        kind = type(command).__name__
        start = self.monotonic()
        with self._locks[command.tracker]:
            try:
                if isinstance(command, RecomputeIssue):
                    result: PassReport | IssueOutcome = runner.recompute(command.key)
                elif isinstance(command, SyncSince):
                    runner.refresh()  # field definitions may have changed since the last pass
                    result = runner.sync_since()
                else:
                    result = runner.sweep()
            except Exception:
                self.metrics.passes.labels(command.tracker, kind, "error").inc()
                raise
            finally:
                self.metrics.pass_seconds.labels(command.tracker, kind).observe(
                    self.monotonic() - start
                )
        if not isinstance(command, RecomputeIssue):
            self.metrics.passes.labels(command.tracker, kind, "ok").inc()
            self.last_success = self.monotonic()
            self.metrics.last_success.set_to_current_time()
        return result

    def pass_age(self) -> float:
        """Seconds since the last successful pass (since start when there was none yet)."""
        return self.monotonic() - (self.last_success or self.started)
