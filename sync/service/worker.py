"""The queue worker: drains the webhook queue, one recompute per issue per burst."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import structlog

from sync.adapters.queue import EventQueue
from sync.errors import FatalTrackerError, classify
from sync.service.commands import RecomputeIssue

_IDLE_WAIT = 1.0  # also the latest a stop request is noticed while idle
_ISSUE_GONE = (400, 403, 404, 410)
_ERROR_PAUSE = 2.0  # tracker down: back off instead of spinning on the same event


class Worker:
    """A thread that turns queued events into `RecomputeIssue` commands."""

    def __init__(
        self,
        queue: EventQueue,
        handle: Callable[[RecomputeIssue], object],
        coalesce_seconds: float = 0.2,
        seen_ids_seconds: float = 86_400,
    ) -> None:
        self.queue, self.handle = queue, handle
        self.coalesce = coalesce_seconds
        self.seen_ids_seconds = seen_ids_seconds
        self.stopping = threading.Event()
        self.processed = 0  # batches handled (tests, bench)
        self.log = structlog.get_logger().bind(component="worker")
        self._thread = threading.Thread(target=self._run, name="sla-sync-worker", daemon=True)
        self._next_prune = 0.0

    def start(self) -> None:
        """Start draining."""
        self._thread.start()

    def stop(self, timeout: float) -> bool:
        """Finish the issue in hand and stop; True when the thread ended within `timeout`."""
        self.stopping.set()
        self.queue.wake()
        if self._thread.ident is not None:  # never started: nothing to join
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                if not self.step():
                    self.queue.wait(_IDLE_WAIT)
            except Exception as exc:
                # The event stays queued; the scheduled pass repairs it meanwhile anyway.
                self.log.error("worker.error", error=str(exc), kind=classify(exc).value)
                self.stopping.wait(_ERROR_PAUSE)

    def step(self) -> bool:
        """Process the oldest queued issue; False when the queue is empty."""
        self._prune()
        oldest = self.queue.oldest()
        if oldest is None:
            return False
        tracker, key, received_us = oldest
        # Coalescing: give a burst on one issue a moment to arrive, then one recompute for all.
        wait = received_us / 1e6 + self.coalesce - time.time()
        if wait > 0 and self.stopping.wait(min(wait, self.coalesce)):
            return True
        batch = self.queue.take(tracker, key)
        if batch is None:
            return True
        try:
            self.handle(RecomputeIssue(tracker, key))
        except FatalTrackerError as exc:
            if exc.status not in _ISSUE_GONE:
                raise  # e.g. 401: the whole tracker is unusable; keep the rows, pause
            # This issue only (deleted, no access, bad key): retrying cannot help.
            self.log.warning("worker.dropped", tracker=tracker, issue=key, error=str(exc))
        self.queue.done(batch)
        self.processed += 1
        return True

    def _prune(self) -> None:
        now = time.monotonic()
        if now >= self._next_prune:
            self._next_prune = now + 600
            self.queue.prune_seen(time.time_ns() // 1000 - int(self.seen_ids_seconds * 1e6))
