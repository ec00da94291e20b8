"""The schedule loop: incremental pass every N minutes, breach sweep every M seconds.

Only while this instance leads (`Lease`): on taking the lease (at start, or when the leader
died) it runs the pass and the sweep at once, then on schedule.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import schedule
import structlog

from sync.errors import classify
from sync.service.commands import Command, Sweep, SyncSince


class _Always:
    """The lease of a process that always leads (SQLite, tests)."""

    shared = False
    generation = 1
    held = threading.Event()
    held.set()


class Scheduler:
    """A thread running `schedule` jobs that hand commands to the service's `handle`."""

    def __init__(
        self,
        trackers: Sequence[str],
        handle: Callable[[Command], object],
        sync_seconds: float,
        sweep_seconds: float,
        lease=None,
    ) -> None:
        self.trackers, self.handle = list(trackers), handle
        self.lease = lease or _Always()
        self.stopping = threading.Event()
        self.log = structlog.get_logger().bind(component="scheduler")
        # Our own Scheduler instance: the module-level default is process-global state.
        self.jobs = schedule.Scheduler()
        for name in self.trackers:
            self.jobs.every(sync_seconds).seconds.do(self.run, SyncSince(name))
            self.jobs.every(sweep_seconds).seconds.do(self.run, Sweep(name))
        self._thread = threading.Thread(target=self._loop, name="sla-sync-scheduler", daemon=True)

    def start(self) -> None:
        """Start the loop; the first incremental pass runs at once (catch up after downtime)."""
        self._thread.start()

    def stop(self, timeout: float) -> bool:
        """Stop after the job in hand; True when the thread ended within `timeout`."""
        self.stopping.set()
        if self._thread.ident is not None:  # never started: nothing to join
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def run(self, command: Command) -> None:
        """Run one scheduled command; a failure is logged and the schedule goes on."""
        if self.stopping.is_set() or not self.lease.held.is_set():
            return
        try:
            self.handle(command)
        except Exception as exc:
            self.log.error(
                "scheduled.failed",
                command=type(command).__name__,
                tracker=command.tracker,
                kind=classify(exc).value,
                error=str(exc),
            )

    def _loop(self) -> None:
        term = 0
        while not self.stopping.is_set():
            if self.lease.held.is_set() and self.lease.generation != term:
                term = self.lease.generation  # a new term: catch up at once
                for name in self.trackers:
                    self.run(SyncSince(name))
                if self.lease.shared:  # maybe taken over from a leader that died mid-term
                    for name in self.trackers:
                        self.run(Sweep(name))
            self.jobs.run_pending()
            idle = self.jobs.idle_seconds
            self.stopping.wait(1.0 if idle is None else max(0.05, min(idle, 1.0)))
