"""The live view's read model in the state file: its own tables, its own connection.

The pass records one row per issue it applied (`record_snapshot`, called from
`sync.passes.apply`): open requests in `live_open`, each request's last closure in
`live_closed`; a request moves between the two as it closes and reopens. The web page and
`report --open` read them (`LiveStore`), never the tracker. The schema is versioned in
`live_schema` and grows by numbered steps, so a PostgreSQL port replays the same steps.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Collection
from pathlib import Path
from typing import Any, Protocol

import structlog

from sync.adapters.sqlite_db import SqliteFile
from sync.report.snapshot import Closure, OpenRequest, Snapshot

__all__ = ["LiveStore", "SqliteLiveStore", "record_snapshot"]

# Numbered schema steps, each a tuple of statements; a file at version N gets the steps after
# N, each in one transaction.
_STEPS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE live_open (
            tracker TEXT NOT NULL, key TEXT NOT NULL,
            status TEXT NOT NULL,                   -- regulation status code
            state TEXT NOT NULL,                    -- the clock: running or paused
            at_risk INTEGER NOT NULL, breached INTEGER NOT NULL,
            priority TEXT NOT NULL, line TEXT NOT NULL, customer TEXT, assignee TEXT,
            policy TEXT NOT NULL,
            due_us INTEGER, at_risk_at_us INTEGER,
            elapsed_us INTEGER NOT NULL, target_us INTEGER NOT NULL,
            computed_us INTEGER NOT NULL,           -- the instant the figures are true at
            PRIMARY KEY (tracker, key))""",
        """CREATE TABLE live_closed (
            tracker TEXT NOT NULL, key TEXT NOT NULL,
            closed_us INTEGER NOT NULL, outcome TEXT NOT NULL,  -- met, breached or withdrawn
            priority TEXT NOT NULL, line TEXT NOT NULL, customer TEXT, assignee TEXT,
            policy TEXT NOT NULL,
            elapsed_us INTEGER NOT NULL, target_us INTEGER NOT NULL, computed_us INTEGER NOT NULL,
            PRIMARY KEY (tracker, key))""",
        "CREATE INDEX live_closed_at ON live_closed (closed_us)",
    ),
)
_OPEN_COLS = (
    "tracker, key, status, state, at_risk, breached, priority, line, customer, assignee, "
    "policy, due_us, at_risk_at_us, elapsed_us, target_us, computed_us"
)
_CLOSED_COLS = (
    "tracker, key, closed_us, outcome, priority, line, customer, assignee, policy, "
    "elapsed_us, target_us, computed_us"
)


class LiveStore(Protocol):
    """What the live view and `report --open` need of the read model."""

    def record(self, row: Snapshot) -> None:
        """Keep the latest row of one request (open, or its last closure)."""
        ...

    def open_requests(self, trackers: Collection[str] | None = None) -> list[OpenRequest]:
        """Every open request (of the given trackers)."""
        ...

    def closures(self, since_us: int, trackers: Collection[str] | None = None) -> list[Closure]:
        """Closures at or after `since_us` (of the given trackers)."""
        ...

    def knows(self, tracker: str, key: str) -> bool:
        """Whether the request is in the read model (open or closed)."""
        ...

    def close(self) -> None:
        """Let go of the connection."""
        ...


class SqliteLiveStore:
    """`LiveStore` over the state store's SQLite file (WAL: readers never block the pass)."""

    def __init__(self, path: str | Path) -> None:
        self._f = SqliteFile(path, "CREATE TABLE IF NOT EXISTS live_schema (version INTEGER);")
        self.path = self._f.path
        self._migrate()

    def _migrate(self) -> None:
        row = self._f.one("SELECT max(version) FROM live_schema")
        have = (row[0] if row else None) or 0
        for number, step in enumerate(_STEPS[have:], start=have + 1):
            with self._f.tx() as db:
                # Another process may have migrated meanwhile: look again inside the lock.
                now = db.execute("SELECT max(version) FROM live_schema").fetchone()[0] or 0
                if now >= number:
                    continue
                for statement in step:
                    db.execute(statement)
                if number == 1:
                    _ask_for_backfill(db)
                db.execute("INSERT INTO live_schema VALUES (?)", (number,))

    def close(self) -> None:
        self._f.close()

    def record(self, row: Snapshot) -> None:
        with self._f.tx() as db:
            if isinstance(row, OpenRequest):
                db.execute(
                    f"INSERT OR REPLACE INTO live_open ({_OPEN_COLS}) VALUES "
                    f"({', '.join('?' * 16)})",
                    (
                        row.tracker, row.key, row.status, row.state, int(row.at_risk),
                        int(row.breached), row.priority, row.line, row.customer, row.assignee,
                        row.policy, row.due_us, row.at_risk_at_us, row.elapsed_us,
                        row.target_us, row.computed_us,
                    ),
                )  # fmt: skip
                db.execute("DELETE FROM live_closed WHERE tracker=? AND key=?", row_key(row))
            else:
                db.execute(
                    f"INSERT OR REPLACE INTO live_closed ({_CLOSED_COLS}) VALUES "
                    f"({', '.join('?' * 12)})",
                    (
                        row.tracker, row.key, row.closed_us, row.outcome, row.priority, row.line,
                        row.customer, row.assignee, row.policy, row.elapsed_us, row.target_us,
                        row.computed_us,
                    ),
                )  # fmt: skip
                db.execute("DELETE FROM live_open WHERE tracker=? AND key=?", row_key(row))

    def open_requests(self, trackers: Collection[str] | None = None) -> list[OpenRequest]:
        rows = self._f.all(f"SELECT {_OPEN_COLS} FROM live_open ORDER BY tracker, key")
        out = [
            OpenRequest(
                tracker=r[0], key=r[1], status=r[2], state=r[3], at_risk=bool(r[4]),
                breached=bool(r[5]), priority=r[6], line=r[7], customer=r[8], assignee=r[9],
                policy=r[10], due_us=r[11], at_risk_at_us=r[12], elapsed_us=r[13],
                target_us=r[14], computed_us=r[15],
            )
            for r in rows
        ]  # fmt: skip
        return [o for o in out if trackers is None or o.tracker in trackers]

    def closures(self, since_us: int, trackers: Collection[str] | None = None) -> list[Closure]:
        rows = self._f.all(
            f"SELECT {_CLOSED_COLS} FROM live_closed WHERE closed_us >= ? ORDER BY closed_us",
            since_us,
        )
        out = [Closure(*r) for r in rows]
        return [c for c in out if trackers is None or c.tracker in trackers]

    def knows(self, tracker: str, key: str) -> bool:
        found = self._f.one(
            "SELECT 1 FROM live_open WHERE tracker=? AND key=? UNION ALL "
            "SELECT 1 FROM live_closed WHERE tracker=? AND key=?",
            tracker, key, tracker, key,
        )  # fmt: skip
        return found is not None


# Closures of this month and the last are what the page shows: recheck what was recorded then.
_BACKFILL_DAYS = 62


def _ask_for_backfill(db: Any) -> None:
    """A state file from before the read model: mark its open requests (and those recorded in
    the last two months) due for a check, so the next sweep — `run`'s, or the one `sync` runs
    after its pass — recomputes them and records their rows. Without this, a request nobody
    touches (one waiting in clarification) would stay off the page: the pass skips an issue
    whose version it has processed until something about it is due."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "issues" not in tables:
        return
    since_us = int((time.time() - _BACKFILL_DAYS * 86_400) * 1_000_000)
    db.execute(
        "UPDATE issues SET check_us = 0 WHERE state IN ('running', 'paused') OR recorded_us >= ?",
        (since_us,),
    )


def row_key(row: Snapshot) -> tuple[str, str]:
    """(tracker, key) of a row."""
    return row.tracker, row.key


# The read model beside each state store, opened on first use and dropped with the store.
_BESIDE: weakref.WeakKeyDictionary[Any, SqliteLiveStore] = weakref.WeakKeyDictionary()
_WARNED: weakref.WeakSet[Any] = weakref.WeakSet()


def record_snapshot(state_store: Any, row: Snapshot | None) -> None:
    """Record a pass's row in the read model kept in the same file as `state_store`.

    Called by the pass after an issue's writes and its state row; a store without a file
    (another backend) records nothing here until the read model is ported to it.
    """
    if row is None:
        return
    live = _BESIDE.get(state_store)
    if live is None:
        path = getattr(state_store, "path", None)
        if path is None:
            if state_store not in _WARNED:
                _WARNED.add(state_store)
                structlog.get_logger().warning(
                    "live_view.unsupported_store", store=type(state_store).__name__
                )
            return
        live = _BESIDE[state_store] = SqliteLiveStore(path)
    live.record(row)
