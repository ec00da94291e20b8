"""The durable webhook queue in PostgreSQL, drained by the workers of every instance.

Any instance commits an accepted event (`put`) before answering 202. A worker claims the
oldest *head* (an issue's oldest queued event) that is old enough and not claimed: the row is
locked with `FOR UPDATE SKIP LOCKED` so two workers never take the same head, and marked
`claimed_by` / `claimed_until_us` (the database's clock), so the issue stays with that worker
until it is done; an instance that dies leaves claims that run out after `claim_seconds` and
return. Only heads are candidates, so an issue's later events wait for the worker that holds
it: one issue on one worker at a time, in order. `NOTIFY sla_sync_queue` on every commit wakes
the idle workers of the other instances (`LISTEN` on a session of its own).
https://www.postgresql.org/docs/15/sql-select.html#SQL-FOR-UPDATE-SHARE
https://www.postgresql.org/docs/15/sql-notify.html
"""

from __future__ import annotations

import threading
import time
import uuid

import psycopg

from sync.adapters.pg_db import PgDb, connect_kwargs
from sync.adapters.pg_lock import holder_name
from sync.adapters.queue import Batch, Wakeups
from sync.errors import StoreError

__all__ = ["PgEventQueue"]

_CHANNEL = "sla_sync_queue"
_DB_NOW = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"
_FREE = f"(q.claimed_until_us IS NULL OR q.claimed_until_us < {_DB_NOW})"
_HEAD = (
    "NOT EXISTS (SELECT 1 FROM webhook_queue o WHERE o.tracker = q.tracker "
    "AND o.key = q.key AND o.id < q.id)"
)


class PgEventQueue(Wakeups):
    """Webhook events in PostgreSQL, claimed per issue by the workers of every instance."""

    def __init__(self, url: str, *, claim_seconds: float = 120, pool_size: int = 6) -> None:
        super().__init__()
        self._f = PgDb(url, max_size=pool_size, name=holder_name() + " queue")
        self.url = url
        self.path = self.label = self._f.label
        self.claimer = f"{holder_name()} {uuid.uuid4().hex[:8]}"
        self.claim_us = int(claim_seconds * 1e6)
        self._closing = threading.Event()
        self.last_error: str | None = None
        self._listener = threading.Thread(target=self._listen, name="sla-sync-listen", daemon=True)
        self._listener.start()

    def close(self) -> None:
        """Stop listening and close the connections."""
        self._closing.set()
        self._f.close()

    def put(
        self, tracker: str, key: str, delivery_id: str | None = None, now_us: int | None = None
    ) -> bool:
        """Commit one event (and notify the other instances); False for a seen delivery id."""
        at = time.time_ns() // 1000 if now_us is None else now_us
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
                db.execute(f"NOTIFY {_CHANNEL}")  # delivered at commit, to every listener
        except StoreError as exc:
            self.last_error = str(exc)
            raise
        self.last_error = None
        self.wake()
        return True

    def claim(self, ready_before_us: int) -> Batch | None:
        """Claim the oldest unclaimed issue whose first event arrived by `ready_before_us`."""
        with self._f.tx() as db:
            head = db.execute(
                "WITH head AS (SELECT q.id FROM webhook_queue q "
                f"WHERE q.received_us <= ? AND {_FREE} AND {_HEAD} "
                "ORDER BY q.id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                f"UPDATE webhook_queue w SET claimed_by = ?, claimed_until_us = {_DB_NOW} + ? "
                "FROM head WHERE w.id = head.id RETURNING w.tracker, w.key",
                (ready_before_us, self.claimer, self.claim_us),
            ).fetchone()
            if head is None:
                return None
            rows = db.execute(
                "SELECT id, received_us FROM webhook_queue WHERE tracker = ? AND key = ? "
                "ORDER BY id",
                head,
            ).fetchall()
        return Batch(head[0], head[1], tuple(r[0] for r in rows), min(r[1] for r in rows))

    def next_ready_us(self) -> int | None:
        """When the oldest unclaimed issue got its first event (None: nothing waits)."""
        row = self._f.one(
            f"SELECT min(q.received_us) FROM webhook_queue q WHERE {_HEAD} AND {_FREE}"
        )
        return row[0] if row else None

    def release(self, batch: Batch) -> None:
        """Give the issue back with its events (the recompute failed)."""
        with self._f.tx() as db:
            db.execute(
                "UPDATE webhook_queue SET claimed_by = NULL, claimed_until_us = NULL "
                "WHERE id = ANY(?) AND claimed_by = ?",
                (list(batch.ids), self.claimer),
            )
        self.wake()

    def done(self, batch: Batch) -> None:
        """Delete the processed events; those that arrived meanwhile become the issue's head."""
        with self._f.tx() as db:
            db.execute("DELETE FROM webhook_queue WHERE id = ANY(?)", (list(batch.ids),))
            db.execute(f"NOTIFY {_CHANNEL}")  # the issue is free again
        self.wake()

    def depth(self) -> int:
        """Queued events of every instance (not yet processed)."""
        row = self._f.one("SELECT count(*) FROM webhook_queue")
        return row[0] if row else 0

    def prune_seen(self, older_than_us: int) -> int:
        """Forget delivery ids received before `older_than_us`; returns how many."""
        with self._f.tx() as db:
            return db.execute("DELETE FROM webhook_seen WHERE at_us < ?", (older_than_us,)).rowcount

    def _listen(self) -> None:
        """Wake the workers when another instance commits an event (reconnects on failure)."""
        while not self._closing.is_set():
            try:
                with psycopg.connect(self.url, **connect_kwargs(holder_name() + " listen")) as c:
                    c.execute(f"LISTEN {_CHANNEL}")
                    self.wake()  # events may have come while not listening
                    while not self._closing.is_set():
                        for _ in c.notifies(timeout=1.0, stop_after=1):
                            self.wake()
            except psycopg.Error:
                self._closing.wait(1.0)  # the idle workers poll meanwhile
