"""The durable webhook queue: accepted events in the state-store file, until processed.

An event is committed here before the webhook answers 202, and deleted only after its issue
was recomputed, so a crash at any point loses nothing (at worst an issue is recomputed twice,
which is harmless: recompute is idempotent). Its own connection to the state-store path; WAL
lets it write next to `StateStore`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sync.adapters.sqlite_db import SqliteFile
from sync.errors import StoreError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS webhook_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tracker TEXT NOT NULL, key TEXT NOT NULL,
    received_us INTEGER NOT NULL,
    delivery_id TEXT);
CREATE INDEX IF NOT EXISTS webhook_queue_key ON webhook_queue (tracker, key);
CREATE TABLE IF NOT EXISTS webhook_seen (
    delivery_id TEXT PRIMARY KEY, at_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS webhook_seen_at ON webhook_seen (at_us);
"""


def _now_us() -> int:
    return time.time_ns() // 1000


@dataclass(frozen=True, slots=True)
class Batch:
    """Every queued event of one issue, taken together (one recompute for all of them)."""

    tracker: str
    key: str
    ids: tuple[int, ...]
    first_received_us: int


class EventQueue:
    """Webhook events per (tracker, issue key), oldest first, with delivery-id de-duplication."""

    def __init__(self, path: str | Path) -> None:
        # FULL, not NORMAL: the 202 promises the event survives a power cut, not just a crash.
        self._f = SqliteFile(path, _SCHEMA, synchronous="FULL")
        self.path = self._f.path
        self._added = threading.Condition()
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
                        "INSERT OR IGNORE INTO webhook_seen VALUES (?, ?)", (delivery_id, at)
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
        with self._added:
            self._added.notify_all()
        return True

    def wait(self, timeout: float) -> None:
        """Block until something is queued or `timeout` passes (the worker's idle wait)."""
        with self._added:
            self._added.wait(timeout)

    def wake(self) -> None:
        """Wake a waiting worker (at shutdown)."""
        with self._added:
            self._added.notify_all()

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
        with self._f.tx() as db:
            db.executemany("DELETE FROM webhook_queue WHERE id=?", [(i,) for i in batch.ids])

    def depth(self) -> int:
        """Queued events (not yet processed)."""
        row = self._f.one("SELECT count(*) FROM webhook_queue")
        return row[0] if row else 0

    def prune_seen(self, older_than_us: int) -> int:
        """Forget delivery ids received before `older_than_us`; returns how many."""
        with self._f.tx() as db:
            return db.execute("DELETE FROM webhook_seen WHERE at_us < ?", (older_than_us,)).rowcount
