"""The `Tracker` port: everything sla-sync asks of a tracker, typed, for every kind of tracker.

An adapter (`sync.trackers.jira`, `sync.trackers.youtrack`, a test's in-memory fake) implements
it; the pass, `check`, `report`, the service and the CLI use nothing else. What a tracker cannot
do (create fields, register webhooks) raises `sync.errors.UnsupportedError` with the manual steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any, Protocol

from mappings.port import TrackerValue, Vocabulary
from mappings.raw import FieldDef, RawIssue

__all__ = [
    "FieldDef",
    "FieldKind",
    "Known",
    "Page",
    "RawIssue",
    "SearchQuery",
    "SilentWrites",
    "Tracker",
    "TrackerValue",
    "Vocabulary",
]


# (key, updated) -> True when the caller already processed this version of the issue and
# needs neither its history nor a recompute (an overlap re-read); see `Tracker.search`.
Known = Callable[[str, datetime | None], bool]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a search: issues with complete histories, except the `known` ones."""

    issues: tuple[RawIssue, ...]
    last_updated: datetime | None
    known: frozenset[str] = frozenset()  # keys returned without their history (see `Known`)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """Which issues of a scope a search returns; the adapter writes it in its query language.

    `updated_since`: issues updated at or after it (the incremental pass, overlap included).
    `open_or_updated_since`: open issues, and closed ones updated since (a first pass).
    `closed_since`: closed issues that may have been closed since (a compliance report).
    """

    scope: str
    updated_since: datetime | None = None
    open_or_updated_since: datetime | None = None
    closed_since: datetime | None = None


class FieldKind(StrEnum):
    """Kinds of SLA field `check --create-fields` can create."""

    DATETIME = "datetime"
    SELECT = "select"
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class SilentWrites:
    """Whether SLA writes reach watchers as notifications, and what to do about it."""

    silent: bool
    detail: str


class Tracker(Protocol):
    """A tracker adapter."""

    def account_id(self) -> str:
        """The id of the account the adapter writes as (to recognise its own writes)."""
        ...

    def account_name(self) -> str:
        """The account as a person would recognise it (display name or login)."""
        ...

    def time_zone(self) -> tzinfo:
        """The account's time zone, in which the tracker reads dates in queries."""
        ...

    def fields(self, refresh: bool = False) -> Sequence[FieldDef]:
        """All fields the scope's issues can have (cached until `refresh`)."""
        ...

    def statuses(self) -> tuple[TrackerValue, ...]:
        """The statuses issues can have, with their categories (read once per pass)."""
        ...

    def vocabulary(self) -> Vocabulary:
        """Statuses (with categories), priorities, resolutions and issue types."""
        ...

    def search(
        self,
        query: SearchQuery,
        field_ids: Sequence[str],
        history_field_ids: Sequence[str],
        *,
        known: Known | None = None,
    ) -> Iterator[Page]:
        """Pages of the issues the query selects, in creation order, with complete histories.

        An issue for which `known(key, updated)` is true comes without its history (its key
        in `Page.known`): the caller processed that version already, so the changelog
        requests it would cost are not sent.
        """
        ...

    def fetch(
        self, key: str, field_ids: Sequence[str], history_field_ids: Sequence[str] = ()
    ) -> RawIssue:
        """One issue, fresh, with its complete history."""
        ...

    def in_scope(self, key: str, scope: str) -> bool:
        """Whether the scope query selects the issue `key` (a webhook's issue, before writing)."""
        ...

    def update(
        self,
        key: str,
        fields: Mapping[str, Any],
        labels_add: Sequence[str] = (),
        labels_remove: Sequence[str] = (),
    ) -> None:
        """Write field values (tracker JSON shapes) and move labels, without notifying watchers."""
        ...

    def comment(self, key: str, body: str) -> None:
        """Add a comment to the issue."""
        ...

    def comments(self, key: str) -> list[str]:
        """The bodies of the issue's comments, oldest first."""
        ...

    def silent_writes(self) -> SilentWrites:
        """Whether the account's writes stay silent for watchers."""
        ...

    def create_field(self, name: str, kind: FieldKind, options: Sequence[str] = ()) -> FieldDef:
        """Create a custom field (with its select options, where the tracker can)."""
        ...

    def field_options(self, field_id: str, issue_key: str | None = None) -> tuple[str, ...] | None:
        """The values a select field offers (to `issue_key`'s edit screen where the tracker
        has no other way to tell); None when the tracker cannot tell."""
        ...

    def add_field_options(self, field_id: str, values: Sequence[str]) -> None:
        """Add options to a select field; `UnsupportedError` with the manual steps if it can't."""
        ...

    def register_webhook(self, name: str, url: str, scope: str, secret: str | None) -> str:
        """Point the tracker's webhook for the scope's issues at `url`; the webhook's id.

        Idempotent: a second registration to the same URL replaces the first.
        """
        ...
