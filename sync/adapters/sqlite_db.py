"""One SQLite file (WAL) shared by the state store and the webhook queue, each on its own
connection: the opening pragmas, the schema's migrations, the short write transaction, and
the translation of every SQLite failure into one `StoreError` line that names the file and
what to do."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from sync.adapters.migrations import migrate
from sync.errors import StoreError

__all__ = ["APPLICATION_ID", "OUR_TABLES", "SqliteFile", "store_error"]

# `PRAGMA application_id` of an sla-sync state file ("SLAS"), so another program's database
# is recognised instead of being written into. https://www.sqlite.org/pragma.html#pragma_application_id
APPLICATION_ID = 0x534C4153
OUR_TABLES = frozenset(
    {"cursors", "issues", "failures", "intents", "notices", "meta"}
    | {"webhook_queue", "webhook_seen", "schema_version"}
)


class SqliteFile:
    """A thread-safe connection to the state file with `tx()` for short write transactions."""

    dialect: Literal["sqlite"] = "sqlite"

    def __init__(self, path: str | Path, synchronous: Literal["NORMAL", "FULL"] = "NORMAL") -> None:
        self.path = Path(path)
        self.lock = threading.RLock()  # hold it around any use of `db` by another thread
        memory = str(path) == ":memory:"
        if not memory:
            _check_path(self.path)
        try:
            self.db = sqlite3.connect(
                str(path), timeout=30, check_same_thread=False, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise store_error(self.path, exc) from None
        try:
            _check_owner(self.db, self.path)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA synchronous={synchronous}")
            migrate("sqlite", self.tx, self.path)
            self.db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        except sqlite3.Error as exc:
            self.db.close()
            raise store_error(self.path, exc) from None
        except StoreError:
            self.db.close()
            raise

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.db.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any error), one writer at a time."""
        with self.lock:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise store_error(self.path, exc) from None
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException as exc:
                if self.db.in_transaction:
                    # SQLite may have rolled back already (e.g. after SQLITE_FULL).
                    with contextlib.suppress(sqlite3.Error):
                        self.db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise store_error(self.path, exc) from None
                raise

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Nothing to pin: one connection serves every thread (see `PgDb.pinned`)."""
        yield

    def one(self, sql: str, *args: object) -> tuple | None:
        """The first row of a query, or None."""
        with self.lock:
            try:
                return self.db.execute(sql, args).fetchone()
            except sqlite3.Error as exc:
                raise store_error(self.path, exc) from None

    def all(self, sql: str, *args: object) -> list[tuple]:
        """Every row of a query."""
        with self.lock:
            try:
                return self.db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise store_error(self.path, exc) from None


def _check_path(path: Path) -> None:
    if path.is_dir():
        raise StoreError(
            path,
            "is a directory",
            "set state_path to a file, e.g. " + str(path / "sla-sync.sqlite3"),
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            path, f"cannot create its directory ({exc.strerror})", "create it or change state_path"
        ) from None


def _check_owner(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a database that belongs to another program (sla-sync would write into it)."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    # application_id 0 with our tables: a state file from before the id was set.
    if app_id == 0 and (not tables or tables & OUR_TABLES):
        return
    shown = ", ".join(sorted(tables)[:5]) or "none"
    raise StoreError(
        path,
        f"is another application's SQLite database (application_id {app_id}, tables: {shown})",
        "point state_path to a file of its own",
    )


def store_error(path: Path, exc: sqlite3.Error) -> StoreError:
    """One line for an SQLite failure: what it means for this file and what to do."""
    text = str(exc)
    low = text.lower()
    if "not a database" in low or "malformed" in low:
        return StoreError(
            path,
            f"is not a usable SQLite database ({text})",
            "move it away (sla-sync starts a new one and re-reads the tracker) or restore a backup",
        )
    if "full" in low:
        return StoreError(path, f"the disk is full ({text})", "free space; nothing was lost")
    if "readonly" in low or "read-only" in low or "unable to open" in low or "access" in low:
        return StoreError(path, f"cannot be written ({text})", _permissions(path))
    if "locked" in low or "busy" in low:
        return StoreError(
            path, f"is locked by another program ({text})", "stop the other program or wait"
        )
    return StoreError(path, text, "check the file and its disk")


def _permissions(path: Path) -> str:
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only for this user: make it writable or change state_path"
    if not os.access(path.parent, os.W_OK):
        return (
            f"its directory {path.parent} is not writable for this user (SQLite creates "
            f"{path.name}-wal and -shm next to it): fix the permissions or change state_path"
        )
    return "check the permissions of the file, its -wal/-shm files and its directory"
