"""The state store's tables, read and written in SQL that SQLite and PostgreSQL both speak.

`StoreTables` is the body of both backends (`store.StateStore`, `pg_store.PgStore`): each gives
it `_f`, a database handle with `one`, `all` and `tx` (`?` placeholders; the PostgreSQL handle
translates them) and a `dialect`. Every method is one short transaction, so a process killed
at any point leaves the store consistent; the pass decides *when* to call them (the cursor
only after the writes of its page succeeded, an intent before a comment is posted).
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.adapters.live_store import DbLiveStore
from sync.adapters.store_notices import NoticeRow, NoticeTable

__all__ = ["IssueState", "NoticeRow", "StoreTables"]

_ISSUE_COLS = "seen_updated_us, check_us, hours_written_us, state, breached, due_us, recorded_us"
# The project of a key ("SUP" of "SUP-12"), per dialect.
_PROJECT = {
    "sqlite": "substr(key, 1, instr(key, '-') - 1)",
    "postgres": "CASE WHEN strpos(key, '-') > 0 THEN substr(key, 1, strpos(key, '-') - 1) "
    "ELSE '' END",
}


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


class StoreTables(NoticeTable):
    """Cursors, per-issue state, failures, intents, notices and meta (both backends)."""

    def live(self) -> DbLiveStore:
        """The live view's read model, in this store's database (no connection of its own)."""
        return DbLiveStore(self._f)

    # -- clock ---------------------------------------------------------------------------

    def swap_pass_start(self, tracker: str, now_us: int) -> int | None:
        """Record when this pass started; the previous start (later than now: clock went back)."""
        with self._f.tx() as db:
            row = db.execute(
                "SELECT value FROM meta WHERE tracker=? AND name='pass_start_us'", (tracker,)
            ).fetchone()
            self._set_meta(db, tracker, "pass_start_us", now_us)
        return row[0] if row else None

    def mark_pass_ok(self, tracker: str, wall_us: int) -> None:
        """Record the real time a scheduled pass ended well (every instance's /healthz reads it)."""
        with self._f.tx() as db:
            self._set_meta(db, tracker, "pass_ok_us", wall_us)

    def last_pass_ok(self) -> int | None:
        """The real time the last scheduled pass of any tracker ended well, if ever."""
        row = self._f.one("SELECT max(value) FROM meta WHERE name='pass_ok_us'")
        return row[0] if row else None

    @staticmethod
    def _set_meta(db, tracker: str, name: str, value: int) -> None:
        db.execute(
            "INSERT INTO meta VALUES (?, ?, ?) ON CONFLICT (tracker, name) "
            "DO UPDATE SET value = excluded.value",
            (tracker, name, value),
        )

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
                "INSERT INTO cursors VALUES (?, ?, ?) ON CONFLICT (tracker, scope) DO UPDATE "
                "SET updated_us = CASE WHEN excluded.updated_us > cursors.updated_us "
                "THEN excluded.updated_us ELSE cursors.updated_us END",
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
                "ON CONFLICT (tracker, key) DO UPDATE SET seen_updated_us=excluded.seen_updated_us,"
                " check_us=excluded.check_us, state=excluded.state,"
                " breached=excluded.breached, due_us=excluded.due_us,"
                " hours_written_us=excluded.hours_written_us, recorded_us=excluded.recorded_us",
                (tracker, key, seen_updated_us, check_us, hours_written_us, state,
                 int(breached), due_us, recorded_us),
            )  # fmt: skip
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

    def state_counts(self) -> list[tuple[str, str, int, int]]:
        """(tracker, clock state, breached, issues) of every tracker, for /metrics."""
        rows = self._f.all(
            "SELECT tracker, coalesce(state, 'unknown'), coalesce(sum(breached), 0), count(*) "
            "FROM issues GROUP BY tracker, state"
        )
        return [(r[0], r[1], int(r[2]), int(r[3])) for r in rows]

    def projects(self, tracker: str) -> set[str]:
        """The key prefixes (projects) of the issues recorded for a tracker."""
        rows = self._f.all(
            f"SELECT DISTINCT {_PROJECT[self._f.dialect]} FROM issues WHERE tracker=?", tracker
        )
        return {r[0] for r in rows if r[0]}

    # -- failures -----------------------------------------------------------------------

    def record_failure(self, tracker: str, key: str, reason: str, at_us: int) -> None:
        """Remember a skipped issue so the next pass retries it."""
        with self._f.tx() as db:
            db.execute(
                "INSERT INTO failures VALUES (?, ?, ?, ?) ON CONFLICT (tracker, key) "
                "DO UPDATE SET reason = excluded.reason, at_us = excluded.at_us",
                (tracker, key, reason, at_us),
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
                "INSERT INTO intents VALUES (?, ?, ?, ?, ?) ON CONFLICT (tracker, key, kind) "
                "DO UPDATE SET state = excluded.state, at_us = excluded.at_us",
                (tracker, key, kind, state, at_us),
            )

    def clear_intent(self, tracker: str, key: str, kind: str) -> None:
        """Forget a side effect (e.g. a breach that is no longer a breach)."""
        with self._f.tx() as db:
            db.execute(
                "DELETE FROM intents WHERE tracker=? AND key=? AND kind=?", (tracker, key, kind)
            )
