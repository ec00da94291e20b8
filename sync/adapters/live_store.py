"""The live view's read model, in the state store: open requests and last closures.

The pass records one row per issue it applied (`record_snapshot`, called from
`sync.passes.apply`): open requests in `live_open`, each request's last closure in
`live_closed`; a request moves between the two as it closes and reopens. The web page and
`report --open` read them (`LiveStore`), never the tracker. The tables are migration 4 of the
state store (`sync.adapters.migrations`), so SQLite and PostgreSQL hold the same ones.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any, Protocol

from sync.adapters.db import Db
from sync.adapters.sqlite_db import SqliteFile
from sync.report.snapshot import Closure, OpenRequest, Snapshot

__all__ = ["DbLiveStore", "LiveStore", "SqliteLiveStore", "record_snapshot"]

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
        """Let go of the connection (if it is the read model's own)."""
        ...


class DbLiveStore:
    """`LiveStore` over a state store's database handle (SQLite file or PostgreSQL)."""

    def __init__(self, db: Db, *, owns: bool = False) -> None:
        self._f, self._owns = db, owns

    def close(self) -> None:
        if self._owns:  # a state store's own handle is closed with the store
            self._f.close()

    def record(self, row: Snapshot) -> None:
        with self._f.tx() as db:
            if isinstance(row, OpenRequest):
                db.execute(
                    f"INSERT INTO live_open ({_OPEN_COLS}) VALUES ({', '.join('?' * 16)}) "
                    f"ON CONFLICT (tracker, key) DO UPDATE SET {_updates(_OPEN_COLS)}",
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
                    f"INSERT INTO live_closed ({_CLOSED_COLS}) VALUES ({', '.join('?' * 12)}) "
                    f"ON CONFLICT (tracker, key) DO UPDATE SET {_updates(_CLOSED_COLS)}",
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


def row_key(row: Snapshot) -> tuple[str, str]:
    """(tracker, key) of a row."""
    return row.tracker, row.key


def _updates(cols: str) -> str:
    """`col = excluded.col` for every column but the key (an upsert both dialects take)."""
    names = [c.strip() for c in cols.split(",")]
    return ", ".join(f"{c} = excluded.{c}" for c in names if c not in ("tracker", "key"))


def SqliteLiveStore(path: str | Path) -> DbLiveStore:
    """The read model of a SQLite state file on its own connection (tests, tools)."""
    return DbLiveStore(SqliteFile(path), owns=True)


def record_snapshot(state_store: Any, row: Snapshot | None) -> None:
    """Record a pass's row in the read model of `state_store` (its own tables, same database)."""
    if row is not None:
        state_store.live().record(row)
