"""Which issues of a search the pass processed already at that version (overlap re-reads).

The search asks before it reads an issue's history (`sync.ports.Known`), so an issue listed
again by the overlap, unchanged since the pass that processed it, costs no changelog request
and no recompute. The rule is the dedupe of `Runner._plan` (`decide.is_duplicate`), never for
an issue that failed before.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime

from mappings.raw import RawIssue
from sla.instant import to_us
from sync.adapters.store import IssueState, StateStore
from sync.passes.decide import Plan, is_duplicate

__all__ = ["KnownVersions"]


class KnownVersions:
    """`known(key, updated)` for one pass; remembers the store rows it read for the plans."""

    def __init__(
        self,
        store: StateStore,
        tracker: str,
        clock: Callable[[], datetime],
        failed_before: Collection[str],
    ) -> None:
        self._store, self._tracker, self._clock = store, tracker, clock
        self._failed = failed_before
        self._seen: dict[str, IssueState | None] = {}

    def __call__(self, key: str, updated: datetime | None) -> bool:
        """True when this version of the issue was processed and no check is due."""
        if key in self._failed or updated is None:
            return False
        seen = self._store.issue(self._tracker, key)
        if not is_duplicate(seen, to_us(updated), to_us(self._clock())):
            return False
        self._seen[key] = seen
        return True

    def plan(self, raw: RawIssue) -> Plan:
        """The duplicate plan of an issue this predicate said was processed."""
        updated_us = to_us(raw.updated) if raw.updated else None
        return Plan(raw.key, updated_us, self._seen.get(raw.key), duplicate=True)
