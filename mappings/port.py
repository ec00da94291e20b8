"""The mapping side of a tracker: the `TrackerMapping` port and the types it speaks (pure).

A tracker plugs in with an adapter (I/O, `sync.ports.Tracker`) and a mapping (this port):
the mapping turns one raw issue into a `Timeline` plus the values its SLA fields hold now, and
an `SlaResult` into the field values the tracker should hold. Everything tracker-neutral
around it — replaying field changes into a timeline, diffing desired against current values,
checking a profile — is written once (`mappings.replay`, `mappings.desired`, `mappings.check`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, Protocol

from mappings.profile import CatalogLike, Profile
from mappings.raw import FieldDef, RawIssue
from mappings.replay import Hole
from mappings.values import norm_key
from sla.enums import Status
from sla.result import SlaResult
from sla.timeline import Timeline

__all__ = [
    "CATEGORY_STATUS",
    "DesiredFields",
    "FieldChanges",
    "MappedIssue",
    "Person",
    "TrackerMapping",
    "TrackerValue",
    "Vocabulary",
]


# Status categories as trackers report them (Jira `statusCategory.key`; a YouTrack State marked
# resolved is "done"): the fallback for a status the profile does not list.
CATEGORY_STATUS = {"new": Status.CREATED, "indeterminate": Status.IN_PROGRESS, "done": Status.DONE}


@dataclass(frozen=True, slots=True)
class TrackerValue:
    """One value of a tracker vocabulary: a status, priority, resolution or issue type.

    `category` is set for statuses: Jira's `statusCategory.key` (new / indeterminate / done),
    "done" for a YouTrack State value marked resolved; None when the tracker says nothing.
    """

    id: str | None
    name: str
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The values a tracker (or its project) offers, read once per pass."""

    statuses: tuple[TrackerValue, ...] = ()
    priorities: tuple[TrackerValue, ...] = ()
    resolutions: tuple[TrackerValue, ...] = ()
    issue_types: tuple[TrackerValue, ...] = ()

    def category_of(self, *refs: object) -> str | None:
        """The category of the first status whose id or name is among `refs`."""
        wanted = {norm_key(r) for r in refs if r not in (None, "")}
        for s in self.statuses:
            if s.category and ({norm_key(s.name), norm_key(s.id or "")} & wanted):
                return s.category
        return None


@dataclass(frozen=True, slots=True)
class Person:
    """Someone the tracker knows (the assignee): an id to mention them by, a name, an e-mail."""

    id: str | None
    name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class MappedIssue:
    """A tracker issue in regulation terms, with what its SLA fields hold now.

    `holes` are values the profile cannot place, standing in the timeline as placeholders:
    `mappings.settle.settle` decides under the policy whether they matter before any compute.
    """

    timeline: Timeline
    warnings: tuple[str, ...] = ()
    requester_email: str | None = None
    current: Mapping[str, Any] = field(default_factory=dict)  # field id -> value as read
    labels: tuple[str, ...] = ()  # Jira labels, YouTrack tag names
    assignee: Person | None = None
    holes: tuple[Hole, ...] = ()


@dataclass(frozen=True, slots=True)
class DesiredFields:
    """What the issue should show: field id -> tracker value, and SLA labels wanted or not."""

    fields: Mapping[str, Any]
    labels: Mapping[str, bool]
    names: Mapping[str, str]  # field id -> display name, for dry-run output
    hours_field_ids: frozenset[str]  # elapsed/remaining: refreshed less often by the pass


@dataclass(frozen=True, slots=True)
class FieldChanges:
    """The writes one issue needs: changed field values and label moves."""

    fields: Mapping[str, Any] = field(default_factory=dict)
    labels_add: tuple[str, ...] = ()
    labels_remove: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.fields or self.labels_add or self.labels_remove)


class TrackerMapping(Protocol):
    """Tracker vocabulary <-> regulation vocabulary for one kind of tracker (pure)."""

    field_kinds: Mapping[str, frozenset[str]]
    """Field kinds (`field_kind`) each profile field key may live in, for `check`."""

    labels_name: str
    """What the tracker calls labels ("labels", "tags"), for dry-run output."""

    def map_issue(
        self,
        raw: RawIssue,
        profile: Profile,
        catalog: CatalogLike,
        vocabulary: Vocabulary | None = None,
    ) -> MappedIssue:
        """The timeline and current SLA values of one issue; `MappingError` when unplaceable."""
        ...

    def desired_fields(
        self, result: SlaResult, profile: Profile, catalog: CatalogLike, *, include_hours: bool
    ) -> DesiredFields:
        """The tracker values of the SLA figures the profile writes."""
        ...

    def same(self, current: Any, desired: Any) -> bool:
        """True when a field's current value already says what the desired value says."""
        ...

    def show(self, value: Any, tz: tzinfo) -> str:
        """A short rendering of a field value for dry-run output (times in `tz`)."""
        ...

    def read_field_ids(self, profile: Profile, catalog: CatalogLike) -> list[str]:
        """Fields a search or fetch must return for `map_issue`."""
        ...

    def history_field_ids(self, profile: Profile, catalog: CatalogLike) -> list[str]:
        """Fields whose change history the timeline needs."""
        ...

    def own_write_fields(self, profile: Profile, catalog: CatalogLike) -> frozenset[str]:
        """Ids (and names) of the fields sla-sync writes, to recognise its own changes."""
        ...

    def is_own_change(
        self,
        history: Mapping[str, Any],
        account_id: str,
        own_fields: frozenset[str],
        own_labels: Sequence[str],
    ) -> bool:
        """True when one history entry is sla-sync's account touching only its own fields."""
        ...

    def history_time(self, history: Mapping[str, Any]) -> datetime | None:
        """When one history entry happened."""
        ...

    def field_kind(self, fdef: FieldDef) -> str:
        """The field's type in the words of `field_kinds` ("" when unknown)."""
        ...

    def encode_text(self, fdef: FieldDef, text: str) -> Any:
        """An option or text value as the tracker's write takes it (escalation `set_field`)."""
        ...

    def mention(self, person: Person | None) -> str:
        """How a comment mentions a person so the tracker notifies them ("" for nobody)."""
        ...
