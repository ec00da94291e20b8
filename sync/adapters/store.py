"""The SQLite state store (the default): one file (WAL) with cursors, per-issue state, intents,
notices and the webhook queue. The tables' SQL is shared with PostgreSQL (`store_tables`).

One process writes a SQLite store at a time: `lock()` (an OS lock on `<file>.lock`) is held by
`sync` for its pass and by `run` for its life, and `writer()` is the same lock. Within that
process, `issue_lock` keeps one thread per issue (the webhook workers and the scheduled pass
run side by side).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sync.adapters.sqlite_db import SqliteFile
from sync.adapters.store_lock import FileLock, KeyLocks, PassLock
from sync.adapters.store_tables import IssueState, NoticeRow, StoreTables

__all__ = ["IssueState", "NoticeRow", "SqliteStore", "StateStore"]


class StateStore(StoreTables):
    """Cursors, per-issue state and side-effect intents in one SQLite file."""

    shared = False  # one process at a time: `run` holds `lock()` for its life

    def __init__(self, path: str | Path, lock_wait_seconds: float = 0) -> None:
        self._f = SqliteFile(path, synchronous="NORMAL")
        self.path = self._f.path
        self.label = str(self.path)
        self._lock = FileLock(self.path)
        self._pass = PassLock(self._lock, lock_wait_seconds)
        self._issues = KeyLocks()

    def close(self) -> None:
        """Close the connection (and let go of the lock, if held)."""
        self._lock.release()
        self._f.close()

    def lock(self, wait_seconds: float | None = None) -> AbstractContextManager[None]:
        """Be the one writer of this store for the block (`StoreBusyError` after the wait).

        Re-entrant within this process, across threads: `run` takes it for its life, and the
        passes its threads run inside it do not take it again.
        """
        return self._pass.held(wait_seconds)

    def writer(self) -> AbstractContextManager[None]:
        """What writing one issue needs: the one-writer lock (a SQLite file has one writer)."""
        return self._pass.held()

    @contextmanager
    def issue_lock(self, tracker: str, key: str) -> Iterator[None]:
        """One thread of this process on one issue at a time."""
        with self._issues.held((tracker, key)):
            yield

    def health(self) -> str | None:
        """None when the store answers a read; else the one-line problem."""
        try:
            self._f.one("SELECT count(*) FROM cursors")
        except Exception as exc:
            return str(exc)
        return None


SqliteStore = StateStore  # the name beside `PgStore`
