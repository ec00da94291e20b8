"""The scheduler lease: which instance runs the scheduled pass and the sweep.

SQLite: the process that holds the store's one-writer lock (for its life) is the only one,
so it always leads. PostgreSQL: the instance that holds the pass lock (a session advisory
lock, `sync.adapters.pg_lock`) leads; the others try for it every `lease_check_seconds`, and
the leader pings its session as often, so a leader that dies (its session ends) is replaced
within one check, and one that loses its session stops leading at its next ping. Cron `sync`
takes the same lock for its pass, so it never overlaps a leader's pass.
"""

from __future__ import annotations

import contextlib
import threading

import structlog

from sync.adapters.store_port import Store
from sync.errors import StoreBusyError, StoreError

__all__ = ["Lease"]


class Lease:
    """Whether this instance leads, kept up to date by a thread (PostgreSQL only)."""

    def __init__(self, store: Store, check_seconds: float) -> None:
        self.store, self.check = store, check_seconds
        self.shared = store.shared
        self.held = threading.Event()
        self.generation = 0  # times it was taken: a new term runs the pass and sweep at once
        self.stopping = threading.Event()
        self.log = structlog.get_logger().bind(component="lease")
        self._stack = contextlib.ExitStack()
        self._thread = threading.Thread(target=self._loop, name="sla-sync-lease", daemon=True)
        if not self.shared:  # `run` holds the SQLite store's lock for its life
            self._took()

    def start(self) -> None:
        """Start trying for (or keeping) the lease."""
        if self.shared:
            self._thread.start()

    def stop(self, timeout: float) -> bool:
        """Stop trying and let go of the lease."""
        self.stopping.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)
        self._let_go()
        return not self._thread.is_alive()

    @property
    def role(self) -> str:
        """'leader' (runs the schedule) or 'standby'."""
        return "leader" if self.held.is_set() else "standby"

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                self.tick()
            except Exception as exc:  # never let the lease thread die
                self.log.error("lease.error", error=str(exc))
            self.stopping.wait(self.check)

    def tick(self) -> None:
        """Try for the lease, or check the one held."""
        if self.held.is_set():
            if not self.store.lease_alive():  # type: ignore[attr-defined]
                self.held.clear()
                self._let_go()
                self.log.warning("lease.lost", detail="the lease's session ended")
            return
        try:
            self._stack.enter_context(self.store.lock(0))
        except StoreBusyError:
            return  # another instance leads
        except StoreError as exc:
            self.log.warning("lease.unavailable", error=str(exc))
            return
        self._took()
        self.log.info("lease.acquired")

    def _took(self) -> None:
        self.generation += 1
        self.held.set()

    def _let_go(self) -> None:
        self.held.clear()
        with contextlib.suppress(Exception):
            self._stack.close()
        self._stack = contextlib.ExitStack()
