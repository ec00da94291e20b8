"""The `Tracker` port: what the sync pass needs from any tracker adapter."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Protocol

__all__ = ["FieldDef", "Page", "RawIssue", "Tracker"]

from mappings.raw import FieldDef, RawIssue


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a search: issues with complete histories, in `updated` order."""

    issues: tuple[RawIssue, ...]
    last_updated: datetime | None


class Tracker(Protocol):
    """A tracker adapter. Implementations: `sync.trackers.jira.JiraTracker`, ..."""

    name: str

    def account_id(self) -> str:
        """The id of the account the adapter writes as (to recognise its own writes)."""
        ...

    def time_zone(self) -> tzinfo:
        """The account's time zone, used to write JQL date literals."""
        ...

    def fields(self) -> Sequence[FieldDef]:
        """All fields, fetched once per pass."""
        ...

    def search(
        self, scope: str, since: datetime | None, field_ids: Sequence[str]
    ) -> Iterator[Page]:
        """Issues in `scope` updated at or after `since` (all when None), oldest update first."""
        ...

    def fetch(self, key: str, field_ids: Sequence[str]) -> RawIssue:
        """One issue, fresh, with its complete history."""
        ...

    def update(
        self,
        key: str,
        fields: Mapping[str, Any],
        labels_add: Sequence[str] = (),
        labels_remove: Sequence[str] = (),
    ) -> None:
        """Write field values (tracker JSON shapes) without notifying watchers."""
        ...

    def comment(self, key: str, body: str) -> None:
        """Add a comment to the issue."""
        ...
