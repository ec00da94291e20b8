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
from sync.errors import StoreError
from sync.passes.outcome import IssueOutcome, PassReport
from sync.service.metrics import Metrics

_PROJECTS_TTL = 60.0  # seconds between two reads of the projects the store knows


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
        self.store_error: str | None = None  # the last StoreError of a command, until one works
        self._projects: dict[str, tuple[set[str], float]] = {}

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
                    # A webhook's issue: written only once the scope query confirms it.
                    result: PassReport | IssueOutcome = runner.recompute(command.key, scoped=True)
                elif isinstance(command, SyncSince):
                    runner.refresh()  # field definitions may have changed since the last pass
                    result = runner.sync_since()
                else:
                    result = runner.sweep()
            except Exception as exc:
                if isinstance(exc, StoreError):
                    self.store_error = str(exc)
                self.metrics.passes.labels(command.tracker, kind, "error").inc()
                raise
            finally:
                self.metrics.pass_seconds.labels(command.tracker, kind).observe(
                    self.monotonic() - start
                )
        self.store_error = None
        if not isinstance(command, RecomputeIssue):
            self.metrics.passes.labels(command.tracker, kind, "ok").inc()
            self.last_success = self.monotonic()
            self.metrics.last_success.set_to_current_time()
        return result

    def pass_age(self) -> float:
        """Seconds since the last successful pass (since start when there was none yet)."""
        return self.monotonic() - (self.last_success or self.started)

    def store_problem(self) -> str | None:
        """Why the state store is unusable right now (None: it works), for /healthz."""
        return self.store_error or self.app.store.health()

    def out_of_scope(self, tracker: str, key: str) -> bool:
        """Known without asking the tracker that `key` is not one of its requests.

        True when the scope check said no recently, or when the store knows this tracker's
        projects and the key's is not among them (another project's webhook). Anything else
        is queued and checked by the worker before it writes.
        """
        runner = self.app.runner(tracker)
        cached = runner.scope.cached(key)
        if cached is not None:
            return not cached
        projects = self._known_projects(tracker)
        return bool(projects) and key.rpartition("-")[0] not in projects

    def _known_projects(self, tracker: str) -> set[str]:
        now = self.monotonic()
        hit = self._projects.get(tracker)
        if hit is None or hit[1] <= now:
            try:
                projects = self.app.store.projects(tracker)
            except StoreError:
                projects = set()  # unknown: queue the webhook, the worker checks
            hit = self._projects[tracker] = (projects, now + _PROJECTS_TTL)
        return hit[0]
