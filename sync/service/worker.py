"""The queue workers: several threads drain the webhook queue, each issue on one at a time.

A worker claims the oldest issue no other worker holds (here or, on PostgreSQL, on another
instance), once its first event is `coalesce_seconds` old (a burst on one issue becomes one
recompute), recomputes it, and deletes the events it covered; events that arrived meanwhile
stay queued for the next claim. A failed recompute gives the issue back with its events.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import structlog

from sync.adapters.store_port import WebhookQueue
from sync.errors import FatalTrackerError, classify
from sync.service.commands import RecomputeIssue

_IDLE_WAIT = 1.0  # also the latest a stop request (or another instance's event) is noticed
_ISSUE_GONE = (400, 403, 404, 410)
_ERROR_PAUSE = 2.0  # tracker down: back off instead of spinning on the same event


class Worker:
    """A thread that turns queued events into `RecomputeIssue` commands."""

    def __init__(
        self,
        queue: WebhookQueue,
        handle: Callable[[RecomputeIssue], object],
        coalesce_seconds: float = 0.2,
        seen_ids_seconds: float = 86_400,
        name: str = "sla-sync-worker",
    ) -> None:
        self.queue, self.handle = queue, handle
        self.coalesce = coalesce_seconds
        self.seen_ids_seconds = seen_ids_seconds
        self.stopping = threading.Event()
        self.processed = 0  # batches handled (tests, bench)
        self.log = structlog.get_logger().bind(component="worker", worker=name)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
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
            seen = self.queue.generation
            try:
                if not self.step():
                    self.queue.wait(self._idle_seconds(), since=seen)
            except Exception as exc:
                # The event stays queued; the scheduled pass repairs it meanwhile anyway.
                self.log.error("worker.error", error=str(exc), kind=classify(exc).value)
                self.stopping.wait(_ERROR_PAUSE)

    def _idle_seconds(self) -> float:
        """Until the oldest waiting issue's coalescing window ends (or the idle poll)."""
        first = self.queue.next_ready_us()
        if first is None:
            return _IDLE_WAIT
        return min(_IDLE_WAIT, max(0.005, first / 1e6 + self.coalesce - time.time()))

    def step(self) -> bool:
        """Process the oldest ready issue nobody holds; False when there is none."""
        self._prune()
        batch = self.queue.claim(time.time_ns() // 1000 - int(self.coalesce * 1e6))
        if batch is None:
            return False
        try:
            self.handle(RecomputeIssue(batch.tracker, batch.key))
        except FatalTrackerError as exc:
            if exc.status not in _ISSUE_GONE:
                self.queue.release(batch)
                raise  # e.g. 401: the whole tracker is unusable; keep the rows, pause
            # This issue only (deleted, no access, bad key): retrying cannot help.
            self.log.warning(
                "worker.dropped", tracker=batch.tracker, issue=batch.key, error=str(exc)
            )
        except BaseException:
            self.queue.release(batch)
            raise
        self.queue.done(batch)
        self.processed += 1
        return True

    def _prune(self) -> None:
        now = time.monotonic()
        if now >= self._next_prune:
            self._next_prune = now + 600
            self.queue.prune_seen(time.time_ns() // 1000 - int(self.seen_ids_seconds * 1e6))
