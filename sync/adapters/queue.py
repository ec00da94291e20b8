"""The durable webhook queue in the SQLite state file: accepted events, until processed.

An event is committed here before the webhook answers 202, and deleted only after its issue
was recomputed, so a crash at any point loses nothing (at worst an issue is recomputed twice,
which is harmless: recompute is idempotent). Its own connection to the state-store path; WAL
lets it write next to the store.

Several workers of the one process that writes the file drain it: `claim` hands out the
oldest issue no worker holds (the claims live in this object), so an issue's events are
handled by one worker at a time, in order, and the other issues go on meanwhile.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sync.adapters.sqlite_db import SqliteFile
from sync.errors import StoreError

__all__ = ["Batch", "EventQueue", "Wakeups"]


@dataclass(frozen=True, slots=True)
class Batch:
    """Every queued event of one issue, taken together (one recompute for all of them)."""

    tracker: str
    key: str
    ids: tuple[int, ...]
    first_received_us: int


def _now_us() -> int:
    return time.time_ns() // 1000


class Wakeups:
    """The idle wait of a queue's workers (both backends): a count of wake-ups under a
    condition, so a wake-up between a worker's look and its wait is not missed."""

    def __init__(self) -> None:
        self._added = threading.Condition()
        self.generation = 0  # wake-ups so far: a worker that saw N waits only while it is N

    def wait(self, timeout: float, since: int | None = None) -> None:
        """Block until the queue is woken or `timeout` passes.

        `since`: the `generation` the caller saw before it last looked (a wake-up in between
        is not missed)."""
        with self._added:
            if since is None or since == self.generation:
                self._added.wait(timeout)

    def wake(self) -> None:
        """Wake the waiting workers (an event arrived, an issue was let go, or shutdown)."""
        with self._added:
            self.generation += 1
            self._added.notify_all()


class EventQueue(Wakeups):
    """Webhook events per (tracker, issue key), oldest first, with delivery-id de-duplication."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        # FULL, not NORMAL: the 202 promises the event survives a power cut, not just a crash.
        self._f = SqliteFile(path, synchronous="FULL")
        self.path = self._f.path
        self.label = str(self.path)
        self._held: set[tuple[str, str]] = set()  # issues a worker of this process holds
        self._claims = threading.Lock()
        self.last_error: str | None = None  # the last failed commit, until one succeeds

    def close(self) -> None:
        """Close the connection."""
        self._f.close()

    def put(
        self, tracker: str, key: str, delivery_id: str | None = None, now_us: int | None = None
    ) -> bool:
        """Commit one event; False (nothing queued) when `delivery_id` was seen already."""
        at = _now_us() if now_us is None else now_us
        try:
            with self._f.tx() as db:
                if delivery_id:
                    cur = db.execute(
                        "INSERT INTO webhook_seen VALUES (?, ?) ON CONFLICT DO NOTHING",
                        (delivery_id, at),
                    )
                    if cur.rowcount == 0:
                        return False
                db.execute(
                    "INSERT INTO webhook_queue (tracker, key, received_us, delivery_id) "
                    "VALUES (?, ?, ?, ?)",
                    (tracker, key, at, delivery_id),
                )
        except StoreError as exc:
            self.last_error = str(exc)  # /healthz reports it until a commit succeeds again
            raise
        self.last_error = None
        self.wake()
        return True

    def _heads(self) -> list[tuple[str, str, int]]:
        """(tracker, key, first received_us) of every queued issue, oldest first."""
        return self._f.all(
            "SELECT tracker, key, min(received_us) FROM webhook_queue "
            "GROUP BY tracker, key ORDER BY min(id)"
        )

    def claim(self, ready_before_us: int) -> Batch | None:
        """Every event of the oldest issue no worker holds, whose first event arrived by
        `ready_before_us` (the coalescing window); None when there is none."""
        with self._claims:
            for tracker, key, first in self._heads():
                if (tracker, key) in self._held or first > ready_before_us:
                    continue
                batch = self.take(tracker, key)
                if batch is not None:
                    self._held.add((tracker, key))
                return batch
        return None

    def next_ready_us(self) -> int | None:
        """When the oldest issue no worker holds got its first event (None: nothing waits)."""
        with self._claims:
            firsts = [f for t, k, f in self._heads() if (t, k) not in self._held]
        return min(firsts, default=None)

    def release(self, batch: Batch) -> None:
        """Let go of an issue without deleting its events (the recompute failed)."""
        with self._claims:
            self._held.discard((batch.tracker, batch.key))
        self.wake()

    def oldest(self) -> tuple[str, str, int] | None:
        """(tracker, key, received_us) of the oldest queued event, if any."""
        return self._f.one(
            "SELECT tracker, key, received_us FROM webhook_queue ORDER BY id LIMIT 1"
        )

    def take(self, tracker: str, key: str) -> Batch | None:
        """Every event queued so far for one issue (rows stay until `done`)."""
        rows = self._f.all(
            "SELECT id, received_us FROM webhook_queue WHERE tracker=? AND key=? ORDER BY id",
            tracker,
            key,
        )
        if not rows:
            return None
        return Batch(tracker, key, tuple(r[0] for r in rows), min(r[1] for r in rows))

    def done(self, batch: Batch) -> None:
        """Delete a processed batch; events that arrived meanwhile stay queued."""
        try:
            with self._f.tx() as db:
                db.executemany("DELETE FROM webhook_queue WHERE id=?", [(i,) for i in batch.ids])
        finally:
            self.release(batch)

    def depth(self) -> int:
        """Queued events (not yet processed)."""
        row = self._f.one("SELECT count(*) FROM webhook_queue")
        return row[0] if row else 0

    def prune_seen(self, older_than_us: int) -> int:
        """Forget delivery ids received before `older_than_us`; returns how many."""
        with self._f.tx() as db:
            return db.execute("DELETE FROM webhook_seen WHERE at_us < ?", (older_than_us,)).rowcount
