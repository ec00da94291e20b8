"""One SQLite file (WAL) shared by the state store and the webhook queue, each on its own
connection: the opening pragmas and the short write transaction, written once."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal


class SqliteFile:
    """A thread-safe connection to the state file with `tx()` for short write transactions."""

    def __init__(
        self, path: str | Path, schema: str, synchronous: Literal["NORMAL", "FULL"] = "NORMAL"
    ) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(
            str(path), timeout=30, check_same_thread=False, isolation_level=None
        )
        self.lock = threading.RLock()  # hold it around any read of `db` by another thread
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.executescript(schema)

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.db.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any error), one writer at a time."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def one(self, sql: str, *args: object) -> tuple | None:
        """The first row of a query, or None."""
        with self.lock:
            return self.db.execute(sql, args).fetchone()

    def all(self, sql: str, *args: object) -> list[tuple]:
        """Every row of a query."""
        with self.lock:
            return self.db.execute(sql, args).fetchall()
