"""The state store: one SQLite file (WAL) with cursors, per-issue state and intents.

Times are integer epoch microseconds. Every method is one short transaction, so a process
killed at any point leaves the file consistent; the pass decides *when* to call them (the
cursor only after the writes of its page succeeded, an intent before a comment is posted).
One process writes at a time: `lock()` (an OS lock on `<file>.lock`) is held by `sync` for its
pass and by `run` for its life; a PostgreSQL store implements the same with an advisory lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sync.adapters.sqlite_db import SqliteFile
from sync.adapters.store_lock import FileLock
from sync.adapters.store_notices import NoticeRow, NoticeTable

__all__ = ["IssueState", "NoticeRow", "StateStore"]

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
    recorded_us INTEGER,              -- our clock when this row was written (clock jumps)
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
CREATE TABLE IF NOT EXISTS notices (
    tracker TEXT NOT NULL, key TEXT NOT NULL,
    event TEXT NOT NULL,              -- 'ack', 'closure:<epoch ms of the closure>'
    channel TEXT NOT NULL,            -- 'comment' | 'email'
    recipient TEXT, subject TEXT, body TEXT NOT NULL, message_id TEXT,
    state TEXT NOT NULL,              -- pending -> sending -> sent | failed | superseded
    attempts INTEGER NOT NULL DEFAULT 0, error TEXT, at_us INTEGER NOT NULL,
    PRIMARY KEY (tracker, key, event));
CREATE TABLE IF NOT EXISTS meta (
    tracker TEXT NOT NULL, name TEXT NOT NULL, value INTEGER,
    PRIMARY KEY (tracker, name));
"""
_ISSUE_COLS = "seen_updated_us, check_us, hours_written_us, state, breached, due_us, recorded_us"


@dataclass(frozen=True, slots=True)
class IssueState:
    """What the store remembers of one issue."""

    seen_updated_us: int | None
    check_us: int | None
    hours_written_us: int | None
    state: str | None
    breached: bool | None
    due_us: int | None
    recorded_us: int | None = None  # our clock when recorded; later than now: the clock jumped

    def from_the_future(self, now_us: int) -> bool:
        """Recorded (or hours written) after `now`: the clock ran ahead since, so it is stale."""
        return any(t is not None and t > now_us for t in (self.recorded_us, self.hours_written_us))


class StateStore(NoticeTable):
    """Cursors, per-issue state and side-effect intents in one SQLite file."""

    def __init__(self, path: str | Path, lock_wait_seconds: float = 0) -> None:
        self._f = SqliteFile(path, _SCHEMA, synchronous="NORMAL")
        self.path = self._f.path
        self._lock = FileLock(self.path)
        self._lock_wait = lock_wait_seconds
        self._holders = 0  # nested `lock()` blocks of this process (any thread)
        self._holding = threading.Lock()
        columns = {r[1] for r in self._f.all("PRAGMA table_info(issues)")}
        if "recorded_us" not in columns:  # a state file from before clock-jump detection
            with self._f.tx() as db:
                db.execute("ALTER TABLE issues ADD COLUMN recorded_us INTEGER")

    def close(self) -> None:
        """Close the connection (and let go of the lock, if held)."""
        self._lock.release()
        self._f.close()

    @contextmanager
    def lock(self, wait_seconds: float | None = None) -> Iterator[None]:
        """Be the one writer of this store for the block (`StoreBusyError` after the wait).

        Re-entrant within this process, across threads: `run` takes it for its life, and the
        passes its threads run inside it do not take it again.
        """
        with self._holding:
            if self._holders == 0:
                self._lock.acquire(self._lock_wait if wait_seconds is None else wait_seconds)
            self._holders += 1
        try:
            yield
        finally:
            with self._holding:
                self._holders -= 1
                if self._holders == 0:
                    self._lock.release()

    def health(self) -> str | None:
        """None when the store answers a read; else the one-line problem."""
        try:
            self._f.one("SELECT count(*) FROM cursors")
        except Exception as exc:
            return str(exc)
        return None

    # -- clock ---------------------------------------------------------------------------

    def swap_pass_start(self, tracker: str, now_us: int) -> int | None:
        """Record when this pass started; the previous start (later than now: clock went back)."""
        with self._f.tx() as db:
            row = db.execute(
                "SELECT value FROM meta WHERE tracker=? AND name='pass_start_us'", (tracker,)
            ).fetchone()
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, 'pass_start_us', ?)", (tracker, now_us)
            )
        return row[0] if row else None

    # -- cursors ------------------------------------------------------------------------

    def cursor(self, tracker: str, scope: str) -> int | None:
        """The `updated` instant up to which every issue of the scope was processed."""
        row = self._f.one(
            "SELECT updated_us FROM cursors WHERE tracker=? AND scope=?", tracker, scope
        )
        return row[0] if row else None

    def advance_cursor(self, tracker: str, scope: str, updated_us: int) -> None:
        """Move the cursor forward (never back)."""
        with self._f.tx() as db:
            db.execute(
                "INSERT INTO cursors VALUES (?, ?, ?) ON CONFLICT(tracker, scope) DO UPDATE "
                "SET updated_us = max(updated_us, excluded.updated_us)",
                (tracker, scope, updated_us),
            )

    # -- issues -------------------------------------------------------------------------

    def issue(self, tracker: str, key: str) -> IssueState | None:
        """What was recorded for an issue, if anything."""
        row = self._f.one(
            f"SELECT {_ISSUE_COLS} FROM issues WHERE tracker=? AND key=?", tracker, key
        )
        if row is None:
            return None
        return IssueState(
            row[0], row[1], row[2], row[3], None if row[4] is None else bool(row[4]), *row[5:]
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
        recorded_us: int | None = None,
    ) -> None:
        """Remember an issue after it was processed (and its writes succeeded)."""
        with self._f.tx() as db:
            # hours_written_us as planned: the plan carries the previous value forward, and a
            # value from the future (clock jump) must be replaceable by an earlier one.
            db.execute(
                f"INSERT INTO issues (tracker, key, {_ISSUE_COLS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(tracker, key) DO UPDATE SET seen_updated_us=excluded.seen_updated_us,"
                " check_us=excluded.check_us, state=excluded.state,"
                " breached=excluded.breached, due_us=excluded.due_us,"
                " hours_written_us=excluded.hours_written_us, recorded_us=excluded.recorded_us",
                (
                    tracker,
                    key,
                    seen_updated_us,
                    check_us,
                    hours_written_us,
                    state,
                    int(breached),
                    due_us,
                    recorded_us,
                ),
            )
            db.execute("DELETE FROM failures WHERE tracker=? AND key=?", (tracker, key))

    def due_for_check(self, tracker: str, now_us: int, limit: int = 1000) -> list[str]:
        """Issues whose result may have flipped by `now` (deadline, at-risk, hours refresh),
        and those recorded at a time later than `now` (the clock ran ahead, then came back)."""
        rows = self._f.all(
            "SELECT key FROM issues WHERE tracker=? AND ((check_us IS NOT NULL AND check_us<=?) "
            "OR recorded_us>? OR hours_written_us>?) ORDER BY check_us LIMIT ?",
            tracker,
            now_us,
            now_us,
            now_us,
            limit,
        )
        return [r[0] for r in rows]

    def count_by_state(self, tracker: str) -> dict[str, int]:
        """Issues per clock state (for metrics)."""
        rows = self._f.all(
            "SELECT state, count(*) FROM issues WHERE tracker=? GROUP BY state", tracker
        )
        return {r[0]: r[1] for r in rows}

    def projects(self, tracker: str) -> set[str]:
        """The key prefixes (projects) of the issues recorded for a tracker."""
        rows = self._f.all(
            "SELECT DISTINCT substr(key, 1, instr(key, '-') - 1) FROM issues WHERE tracker=?",
            tracker,
        )
        return {r[0] for r in rows if r[0]}

    # -- failures -----------------------------------------------------------------------

    def record_failure(self, tracker: str, key: str, reason: str, at_us: int) -> None:
        """Remember a skipped issue so the next pass retries it."""
        with self._f.tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)", (tracker, key, reason, at_us)
            )

    def failures(self, tracker: str) -> dict[str, str]:
        """Issues that failed last time, with the reason."""
        return dict(self._f.all("SELECT key, reason FROM failures WHERE tracker=?", tracker))

    # -- intents (record intent, then act, then mark) -----------------------------------

    def intent(self, tracker: str, key: str, kind: str) -> str | None:
        """'intended', 'done' or None for a side effect (comment, e-mail) of an issue."""
        row = self._f.one(
            "SELECT state FROM intents WHERE tracker=? AND key=? AND kind=?", tracker, key, kind
        )
        return row[0] if row else None

    def mark_intent(self, tracker: str, key: str, kind: str, state: str, at_us: int) -> None:
        """Record that a side effect is about to happen ('intended') or happened ('done')."""
        with self._f.tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO intents VALUES (?, ?, ?, ?, ?)",
                (tracker, key, kind, state, at_us),
            )

    def clear_intent(self, tracker: str, key: str, kind: str) -> None:
        """Forget a side effect (e.g. a breach that is no longer a breach)."""
        with self._f.tx() as db:
            db.execute(
                "DELETE FROM intents WHERE tracker=? AND key=? AND kind=?", (tracker, key, kind)
            )
