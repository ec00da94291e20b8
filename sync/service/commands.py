"""The service's commands and the one function that handles them.

The webhook workers and the scheduler build a `Command` and call `Service.handle`; a Runner
does the work. Each thread brings its own runners (a `lane`: its own tracker connection), so
no adapter is shared between threads, and no tracker-wide lock makes a webhook wait for a
whole pass: the pass and the workers meet only on one issue at a time (`Store.issue_lock`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from sync.composition import App
from sync.errors import StoreError
from sync.passes.outcome import IssueOutcome, PassReport
from sync.passes.runner import Runner
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
        self._names = [r.b.name for r in app.runners()]
        self._lanes: list[dict[str, Runner]] = []
        self.log = structlog.get_logger().bind(component="service")
        self.store_error: str | None = None  # the last StoreError of a command, until one works
        self._projects: dict[str, tuple[set[str], float]] = {}

    def trackers(self) -> list[str]:
        """Names of the configured trackers."""
        return list(self._names)

    def new_lane(self) -> dict[str, Runner]:
        """Runners of their own for one more thread (a webhook worker)."""
        lane = self.app.lane()
        self._lanes.append(lane)
        return lane

    def tracker_of_kind(self, kind: str, name: str | None = None) -> str | None:
        """The tracker a webhook source feeds: by name, else the only one of that kind."""
        candidates = [
            r.b.name
            for r in self.app.runners()
            if r.b.kind.name == kind and name in (None, r.b.name)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def handle(
        self, command: Command, lane: dict[str, Runner] | None = None
    ) -> PassReport | IssueOutcome:
        """Run one command with the runners of `lane` (default: the scheduler's); errors
        propagate after being counted (callers decide to go on)."""
        runner = lane[command.tracker] if lane else self.app.runner(command.tracker)
        kind = type(command).__name__
        start = self.monotonic()
        try:
            if isinstance(command, RecomputeIssue):
                # A webhook's issue: written only once the scope query confirms it.
                result: PassReport | IssueOutcome = runner.recompute(command.key, scoped=True)
            elif isinstance(command, SyncSince):
                # Field definitions may have changed since the last pass: every lane re-reads.
                for r in (runner, *(ln[command.tracker] for ln in self._lanes)):
                    r.refresh()
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
            if self.app.store.shared:  # every instance's /healthz sees the leader's passes
                self.app.store.mark_pass_ok(command.tracker, time.time_ns() // 1000)
        return result

    def pass_age(self) -> float:
        """Seconds since the last successful pass (since start when there was none yet); on a
        shared store, the last pass of whichever instance led."""
        age = self.monotonic() - (self.last_success or self.started)
        if self.app.store.shared:
            try:
                ok_us = self.app.store.last_pass_ok()
            except StoreError:
                ok_us = None
            if ok_us is not None:
                age = min(age, max(0.0, time.time() - ok_us / 1e6))
        return age

    def store_problem(self) -> str | None:
        """Why the state store is unusable right now (None: it works), for /healthz."""
        return self.store_error or self.app.store.health()

    def own_write(self, tracker: str, history: Mapping[str, Any]) -> bool:
        """The webhook describes only sla-sync's own write (nothing for a worker to do)."""
        try:
            return self.app.runner(tracker).is_own_write(history)
        except Exception:  # not knowing is no reason to refuse a webhook: queue it
            return False

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
