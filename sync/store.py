"""The state store: one SQLite file (WAL) with cursors, per-issue state and intents.

Times are integer epoch microseconds. Every method is one short transaction, so a process
killed at any point leaves the file consistent; the pass decides *when* to call them (the
cursor only after the writes of its page succeeded, an intent before a comment is posted).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cursors (
    tracker TEXT NOT NULL, scope TEXT NOT NULL, updated_us INTEGER NOT NULL,
    PRIMARY KEY (tracker, scope));
CREATE TABLE IF NOT EXISTS issues (
    tracker TEXT NOT NULL, key TEXT NOT NULL,
    seen_updated_us INTEGER,          -- the tracker's `updated` of the version last processed
    check_us INTEGER,                 -- when the result flips without any event (sweep)
    hours_written_us INTEGER,         -- last write of elapsed/remaining hours
    state TEXT, breached INTEGER, due_us INTEGER,
    PRIMARY KEY (tracker, key));
CREATE INDEX IF NOT EXISTS issues_check ON issues (tracker, check_us);
CREATE TABLE IF NOT EXISTS failures (
    tracker TEXT NOT NULL, key TEXT NOT NULL, reason TEXT NOT NULL, at_us INTEGER NOT NULL,
    PRIMARY KEY (tracker, key));
CREATE TABLE IF NOT EXISTS intents (
    tracker TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL,
    state TEXT NOT NULL,              -- 'intended' before the side effect, 'done' after
    at_us INTEGER NOT NULL,
    PRIMARY KEY (tracker, key, kind));
"""


@dataclass(frozen=True, slots=True)
class IssueState:
    """What the store remembers of one issue."""

    seen_updated_us: int | None
    check_us: int | None
    hours_written_us: int | None
    state: str | None
    breached: bool | None
    due_us: int | None


class StateStore:
    """Cursors, per-issue state and side-effect intents in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            str(path), timeout=30, check_same_thread=False, isolation_level=None
        )
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, *args: object) -> tuple | None:
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    # -- cursors ------------------------------------------------------------------------

    def cursor(self, tracker: str, scope: str) -> int | None:
        """The `updated` instant up to which every issue of the scope was processed."""
        row = self._one(
            "SELECT updated_us FROM cursors WHERE tracker=? AND scope=?", tracker, scope
        )
        return row[0] if row else None

    def advance_cursor(self, tracker: str, scope: str, updated_us: int) -> None:
        """Move the cursor forward (never back)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO cursors VALUES (?, ?, ?) ON CONFLICT(tracker, scope) DO UPDATE "
                "SET updated_us = max(updated_us, excluded.updated_us)",
                (tracker, scope, updated_us),
            )

    # -- issues -------------------------------------------------------------------------

    def issue(self, tracker: str, key: str) -> IssueState | None:
        """What was recorded for an issue, if anything."""
        row = self._one(
            "SELECT seen_updated_us, check_us, hours_written_us, state, breached, due_us "
            "FROM issues WHERE tracker=? AND key=?",
            tracker,
            key,
        )
        if row is None:
            return None
        return IssueState(
            row[0], row[1], row[2], row[3], None if row[4] is None else bool(row[4]), row[5]
        )

    def record_issue(
        self,
        tracker: str,
        key: str,
        *,
        seen_updated_us: int | None,
        check_us: int | None,
        state: str,
        breached: bool,
        due_us: int | None,
        hours_written_us: int | None = None,
    ) -> None:
        """Remember an issue after it was processed (and its writes succeeded)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO issues VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(tracker, key) DO UPDATE SET seen_updated_us=excluded.seen_updated_us,"
                " check_us=excluded.check_us, state=excluded.state,"
                " breached=excluded.breached, due_us=excluded.due_us,"
                " hours_written_us=coalesce(excluded.hours_written_us, hours_written_us)",
                (
                    tracker,
                    key,
                    seen_updated_us,
                    check_us,
                    hours_written_us,
                    state,
                    int(breached),
                    due_us,
                ),
            )
            db.execute("DELETE FROM failures WHERE tracker=? AND key=?", (tracker, key))

    def due_for_check(self, tracker: str, now_us: int, limit: int = 1000) -> list[str]:
        """Issues whose result may have flipped by `now` (deadline, at-risk, hours refresh)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT key FROM issues WHERE tracker=? AND check_us IS NOT NULL AND check_us<=? "
                "ORDER BY check_us LIMIT ?",
                (tracker, now_us, limit),
            ).fetchall()
        return [r[0] for r in rows]

    def count_by_state(self, tracker: str) -> dict[str, int]:
        """Issues per clock state (for metrics)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT state, count(*) FROM issues WHERE tracker=? GROUP BY state", (tracker,)
            ).fetchall()
        return {r[0]: r[1] for r in rows}

    # -- failures -----------------------------------------------------------------------

    def record_failure(self, tracker: str, key: str, reason: str, at_us: int) -> None:
        """Remember a skipped issue so the next pass retries it."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)", (tracker, key, reason, at_us)
            )

    def failures(self, tracker: str) -> dict[str, str]:
        """Issues that failed last time, with the reason."""
        with self._lock:
            rows = self._db.execute(
                "SELECT key, reason FROM failures WHERE tracker=?", (tracker,)
            ).fetchall()
        return dict(rows)

    # -- intents (record intent, then act, then mark) -----------------------------------

    def intent(self, tracker: str, key: str, kind: str) -> str | None:
        """'intended', 'done' or None for a side effect (comment, e-mail) of an issue."""
        row = self._one(
            "SELECT state FROM intents WHERE tracker=? AND key=? AND kind=?", tracker, key, kind
        )
        return row[0] if row else None

    def mark_intent(self, tracker: str, key: str, kind: str, state: str, at_us: int) -> None:
        """Record that a side effect is about to happen ('intended') or happened ('done')."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO intents VALUES (?, ?, ?, ?, ?)",
                (tracker, key, kind, state, at_us),
            )

    def clear_intent(self, tracker: str, key: str, kind: str) -> None:
        """Forget a side effect (e.g. a breach that is no longer a breach)."""
        with self._tx() as db:
            db.execute(
                "DELETE FROM intents WHERE tracker=? AND key=? AND kind=?", (tracker, key, kind)
            )
