"""The mapping of the toy "memory" tracker: plain names, one history entry per field change.

Raw issues look like `fields = {"status": "Open", "priority": "High", "line": "1",
"customer": "Лента", "created": <aware datetime>, "labels": [...], "sla": {name: value}}` and
histories like `{"at": <aware datetime>, "author": "bot", "field": "status", "from": "Open",
"to": "Work"}`. Everything tracker-neutral comes from `mappings` itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from mappings.desired import build_desired
from mappings.errors import default_priority, not_mapped
from mappings.port import DesiredFields, MappedIssue, Person, Vocabulary
from mappings.profile import CatalogLike, Profile, resolve_fields
from mappings.raw import FieldDef, RawIssue
from mappings.replay import Move, MoveGroup, replay
from sla.enums import Line, Priority, Resolution, Status
from sla.timeline import Timeline

PROFILE_PATH = Path(__file__).with_name("memory.yaml")
SLA_FIELDS = tuple(
    FieldDef(n, n, True) for n in ("due", "state", "breached", "elapsed", "remaining")
)


class _Plain:
    """Values as they are: times as datetimes, texts, hours rounded to 2 decimals."""

    def time(self, fdef: FieldDef, at: datetime) -> Any:
        return at

    def text(self, fdef: FieldDef, text: str) -> Any:
        return text

    def flag(self, fdef: FieldDef, flag: bool, yes: str, no: str) -> Any:
        return yes if flag else no

    def hours(self, fdef: FieldDef, hours: float) -> Any:
        return round(hours, 2)

    def entry(self, fdef: FieldDef, value: Any) -> Any:
        return value


class _Decoder:
    def __init__(self, key: str, profile: Profile) -> None:
        self.key, self.profile = key, profile

    def empty(self, ref: Any) -> bool:
        return ref in (None, "")

    def status(self, ref: Any) -> Status:
        if hit := self.profile.statuses.match(ref):
            return hit
        raise not_mapped(self.key, "status", ref, self.profile.source, "statuses")

    def priority(self, ref: Any) -> Priority:
        if ref in (None, ""):
            return default_priority(self.key, self.profile.default_priority, self.profile.source)
        if hit := self.profile.priorities.match(ref):
            return hit
        raise not_mapped(self.key, "priority", ref, self.profile.source, "priorities")

    def line(self, ref: Any) -> Line:
        return Line.from_number(ref)

    def resolution(self, ref: Any) -> Resolution | None:
        return self.profile.resolutions.match(ref) if ref else None

    def status_resolution(self, ref: Any) -> Resolution | None:
        return None


class MemoryMapping:
    """The `TrackerMapping` of the toy tracker."""

    labels_name = "labels"
    field_kinds: Mapping[str, frozenset[str]] = {}

    def map_issue(
        self,
        raw: RawIssue,
        profile: Profile,
        catalog: CatalogLike,
        vocabulary: Vocabulary | None = None,
    ) -> MappedIssue:
        f = raw.fields
        groups = [
            MoveGroup(h["at"], {h["field"]: Move(h.get("from"), h.get("to"))})
            for h in sorted(raw.histories, key=lambda h: h["at"])
            if h["field"] in ("status", "priority", "resolution", "line")
        ]
        decode = _Decoder(raw.key, profile)
        start = replay(groups, {k: f.get(k) for k in ("status", "priority", "line")}, decode)
        timeline = Timeline(
            key=raw.key,
            registered_at=f["created"],
            status=start.status,
            priority=start.priority,
            line=start.line,
            changes=start.changes,
            resolution=decode.resolution(f.get("resolution")),
            customer=f.get("customer"),
        )
        sla = f.get("sla") or {}
        return MappedIssue(
            timeline,
            current={n: sla.get(n) for n in ("due", "state", "breached", "elapsed", "remaining")},
            labels=tuple(f.get("labels") or ()),
            requester_email=f.get("email"),
            assignee=Person(f["assignee"], f["assignee"].title()) if f.get("assignee") else None,
        )

    def desired_fields(
        self, result: Any, profile: Profile, catalog: CatalogLike, *, include_hours: bool
    ) -> DesiredFields:
        resolved = resolve_fields(profile, catalog)
        return build_desired(result, profile, resolved, _Plain(), include_hours=include_hours)

    def same(self, current: Any, desired: Any) -> bool:
        if isinstance(current, float) and isinstance(desired, float):
            return abs(current - desired) < 0.005
        return current == desired

    def show(self, value: Any, tz: tzinfo) -> str:
        if isinstance(value, datetime):
            return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return "—" if value is None else str(value)

    def read_field_ids(self, profile: Profile, catalog: CatalogLike) -> list[str]:
        return ["status", "priority", "line", "sla"]

    def history_field_ids(self, profile: Profile, catalog: CatalogLike) -> list[str]:
        return ["status", "priority", "resolution", "line"]

    def own_write_fields(self, profile: Profile, catalog: CatalogLike) -> frozenset[str]:
        return frozenset(("due", "state", "breached", "elapsed", "remaining", "labels"))

    def is_own_change(
        self,
        history: Mapping[str, Any],
        account_id: str,
        own_fields: frozenset[str],
        own_labels: Sequence[str],
    ) -> bool:
        return history.get("author") == account_id and history.get("field") in own_fields

    def history_time(self, history: Mapping[str, Any]) -> datetime | None:
        return history.get("at")

    def field_kind(self, fdef: FieldDef) -> str:
        return ""

    def encode_text(self, fdef: FieldDef, text: str) -> Any:
        return text

    def mention(self, person: Person | None) -> str:
        return f"@{person.id}" if person and person.id else ""


MEMORY_MAPPING = MemoryMapping()
