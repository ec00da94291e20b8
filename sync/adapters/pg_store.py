"""The PostgreSQL state store (`state_url: postgresql://…`): the same tables as SQLite, shared by
several `sla-sync run` instances and cron `sync` runs.

- `lock()`: one pass at a time, a session advisory lock (`pg_lock.AdvisoryLock`): `sync` holds
  it for its pass, `run` while it holds the scheduler lease.
- `writer()`: nothing: any instance may write an issue, under `issue_lock`.
- `issue_lock(tracker, key)`: one thread of one instance per issue at a time, a session
  advisory lock on the 64-bit hash of (tracker, key), held on the connection the thread pins
  for the block, so its queries and the lock share one session. Webhook recomputes, the pass
  and the sweep all take it: every row of an issue (intents, notices of every channel, the
  issue's record) is read and written by one holder at a time, and the conditional updates of
  the notices table (`claim_notice`) keep a row another holder sent from going out again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import psycopg

from sync.adapters.pg_db import PgDb
from sync.adapters.pg_lock import AdvisoryLock, holder_name
from sync.adapters.store_lock import PassLock
from sync.adapters.store_tables import IssueState, NoticeRow, StoreTables

__all__ = ["IssueState", "NoticeRow", "PgStore", "issue_key"]


def issue_key(tracker: str, key: str) -> int:
    """The advisory-lock key of one issue: a signed 64-bit hash (the one-key form)."""
    digest = hashlib.blake2b(f"{tracker}\0{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PgStore(StoreTables):
    """Cursors, per-issue state and side-effect intents in one PostgreSQL database."""

    shared = True  # several processes at once: `run` takes a scheduler lease instead

    def __init__(
        self,
        url: str,
        lock_wait_seconds: float = 0,
        *,
        pool_size: int = 10,
    ) -> None:
        self._f = PgDb(url, max_size=pool_size, name=holder_name())
        self.url = url
        self.path = self.label = self._f.label
        self._lock = AdvisoryLock(url, self.label)
        self._pass = PassLock(self._lock, lock_wait_seconds)

    def close(self) -> None:
        """Let go of the pass lock (if held) and close every connection."""
        self._lock.release()
        self._f.close()

    def lock(self, wait_seconds: float | None = None) -> AbstractContextManager[None]:
        """One pass at a time across every process on this database (`StoreBusyError`)."""
        return self._pass.held(wait_seconds)

    def writer(self) -> AbstractContextManager[None]:
        """Nothing to take: instances write side by side, one issue at a time."""
        return nullcontext()

    @contextmanager
    def issue_lock(self, tracker: str, key: str) -> Iterator[None]:
        """One holder per issue across every instance (waits for the current one)."""
        k = issue_key(tracker, key)
        with self._f.pinned() as conn:
            try:
                conn.execute("SELECT pg_advisory_lock(%s)", (k,))
            except psycopg.Error as exc:
                from sync.adapters.pg_db import pg_store_error

                raise pg_store_error(self.label, exc) from None
            try:
                yield
            finally:
                try:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (k,))
                except psycopg.Error:
                    conn.close()  # the session (and its lock) goes; the pool replaces it

    def keep_lease(self, idle_seconds: float) -> None:
        """From now on the pass lock's session ends after `idle_seconds` without a ping (the
        service pings it; a frozen or cut-off holder then loses it)."""
        self._lock.idle_timeout = idle_seconds

    def lease_alive(self) -> bool:
        """Whether the pass lock this process holds is still held (its session answers)."""
        return self._lock.alive()

    def health(self) -> str | None:
        """None when the database answers a read; else the one-line problem."""
        try:
            self._f.one("SELECT 1")
        except Exception as exc:
            return str(exc)
        return None
