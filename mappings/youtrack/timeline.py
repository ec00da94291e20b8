"""YouTrack issue + activities -> Timeline (pure).

Shapes: issue `customFields[] {name, $type, value, projectCustomField.field.fieldType}` and
activity items `{timestamp, category.id, field{name, customField.fieldType.valueType}, added,
removed}` (https://www.jetbrains.com/help/youtrack/devportal/api-entity-ActivityItem.html).
Field ids are custom field names. State and Priority are ordinary custom fields in YouTrack;
the resolution is the resolved State value, or a «Резолюция» field when the project has one.
The replay itself is tracker-neutral (`mappings.replay`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from mappings.errors import (
    MappingError,
    default_priority,
    issue_time,
    not_mapped,
    registration_time,
)
from mappings.port import MappedIssue, Person, Vocabulary
from mappings.profile import CatalogLike, FieldCatalog, Profile, resolve_fields
from mappings.raw import RawIssue
from mappings.replay import Move, MoveGroup, replay
from mappings.values import norm_key, option_value
from mappings.youtrack.shapes import (
    SystemFields,
    catalog_with_issue_fields,
    custom_fields,
    field_value,
    resolved_flag,
)
from sla.enums import Line, Priority, Resolution, Status
from sla.errors import UnknownValueError
from sla.timeline import Timeline

__all__ = [
    "DEFAULT_YOUTRACK_PROFILE",
    "map_issue",
]

DEFAULT_YOUTRACK_PROFILE = Path(__file__).parent.parent / "youtrack.yaml"


_SYSTEM_FIELDS = SystemFields()


def map_issue(
    raw: RawIssue,
    profile: Profile,
    catalog: CatalogLike,
    vocabulary: Vocabulary | None = None,
    *,
    system_fields: SystemFields = _SYSTEM_FIELDS,
) -> MappedIssue:
    """Turn a YouTrack issue and its activities into a Timeline; unplaceable values raise.

    `vocabulary` is accepted for parity with Jira: YouTrack's own fallback for a State value
    the profile does not list is the value's `isResolved` flag, which the issue carries.
    """
    cat = catalog_with_issue_fields(catalog, raw.fields)
    return _Mapper(raw, profile, cat, system_fields).run()


_KEYS = ("status", "priority", "resolution", "line")


class _Mapper:
    """One issue's mapping; its methods are also the `mappings.replay.Decoder` for values."""

    def __init__(self, raw: RawIssue, profile: Profile, cat: FieldCatalog, sf: SystemFields):
        self.raw, self.profile, self.warnings = raw, profile, []
        self.f = resolve_fields(profile, cat)
        self.current = custom_fields(raw.fields)
        line = self.f.by_key.get("line")
        # Tracked key per normalised field name; the first listed name the issue has wins.
        self.tracked: dict[str, str] = {}
        for which, names in (
            ("status", sf.state),
            ("priority", sf.priority),
            ("resolution", sf.resolution),
        ):
            present = [n for n in names if norm_key(n) in self.current] or list(names)
            for n in present:
                self.tracked.setdefault(norm_key(n), which)
        if line:
            self.tracked[norm_key(line.name)] = "line"
        self.names = {w: [n for n, k in self.tracked.items() if k == w] for w in _KEYS}
        self.type_names = [norm_key(n) for n in sf.type]
        self.assignee_names = [norm_key(n) for n in sf.assignee]

    def now(self, which: str) -> Any:
        """The current raw value of a tracked field (None when the issue lacks the field)."""
        for n in self.names[which]:
            if n in self.current:
                return self.current[n].get("value")
        return None

    def run(self) -> MappedIssue:
        pending: list[tuple[datetime, dict[str, Move]]] = []
        acts_in_order = sorted(
            self.raw.histories, key=lambda a: (_num(a.get("timestamp")), str(a.get("id", "")))
        )
        for act in acts_in_order:
            category = (act.get("category") or {}).get("id", "CustomFieldCategory")
            if category != "CustomFieldCategory":
                continue
            field = act.get("field") or {}
            name = field.get("name") or (field.get("customField") or {}).get("name")
            which = self.tracked.get(norm_key(name or ""))
            if which is None:
                continue
            at = issue_time(self.raw.key, "activity timestamp", act.get("timestamp"))
            move = Move(act.get("removed"), act.get("added"))
            if pending and pending[-1][0] == at:
                pending[-1][1][which] = move  # one command changing several fields at once
            else:
                pending.append((at, {which: move}))
        groups = [MoveGroup(at, moves) for at, moves in pending]
        current = {w: self.now(w) for w in ("status", "priority", "line")}
        start = replay(
            groups, current, self, key=self.raw.key, trust_current=True, defer_unmapped=True
        )
        timeline = Timeline(
            key=self.raw.key,
            registered_at=self._registered_at(),
            status=start.status,
            priority=start.priority,
            line=start.line,
            changes=start.changes,
            resolution=self._final_resolution(self.now("status")),
            customer=self._text("customer"),
            request_type=self._vocab("request_types", "issue type", self._type()),
            channel=self._vocab("channels", "channel", self._text("channel")),
        )
        fields = self.raw.fields
        written = [d for k, d in self.f.by_key.items() if f"write.{k}" in self.profile.field_refs]
        return MappedIssue(
            timeline,
            (*self.warnings, *start.warnings),
            self._email(),
            current={d.id: self._value_of(d.name) for d in written},
            labels=tuple(str(t.get("name")) for t in fields.get("tags") or () if t.get("name")),
            assignee=self._assignee(),
            holes=start.holes,
        )

    # -- the Decoder of YouTrack values --

    @staticmethod
    def empty(raw_value: Any) -> bool:
        return field_value(raw_value) is None

    def status(self, raw_value: Any) -> Status:
        name = field_value(raw_value)
        if name is not None and (hit := self.profile.statuses.match(name)):
            return hit
        if resolved_flag(raw_value):
            note = (
                f"{self.raw.key}: state {name!r} is not mapped in {self.profile.source} "
                "(statuses); YouTrack marks it resolved -> done"
            )
            if note not in self.warnings:
                self.warnings.append(note)
            return Status.DONE
        raise self._fail("status", name, "statuses", " and YouTrack does not mark it resolved")

    def priority(self, raw_value: Any) -> Priority:
        name = field_value(raw_value)
        if name in (None, ""):
            return default_priority(
                self.raw.key, self.profile.default_priority, self.profile.source
            )
        if hit := self.profile.priorities.match(name):
            return hit
        raise self._fail("priority", name, "priorities")

    def resolution(self, raw_value: Any) -> Resolution | None:
        name = field_value(raw_value)
        if name in (None, ""):
            return None
        if hit := self.profile.resolutions.match(name):
            return hit
        raise self._fail("resolution", name, "resolutions")

    def status_resolution(self, raw_value: Any) -> Resolution | None:
        """A done State value listed under `resolutions` is the resolution (YouTrack style)."""
        return self.profile.resolutions.match(field_value(raw_value))

    def line(self, raw_value: Any) -> Line:
        text = option_value(field_value(raw_value))
        if hit := self.profile.lines.match(text):
            return hit
        try:
            return Line.from_number(text)
        except UnknownValueError:
            raise self._fail("support line", text, "lines") from None

    # -- other values --

    def _fail(self, kind: str, value: object, section: str, extra: str = "") -> MappingError:
        return not_mapped(self.raw.key, kind, value, self.profile.source, section, extra)

    def _final_resolution(self, state_now: Any) -> Resolution | None:
        if (res := self.resolution(self.now("resolution"))) is not None:
            return res
        if state_now is None or self.status(state_now) is not Status.DONE:
            return None
        return self.status_resolution(state_now)

    def _vocab(self, section: str, kind: str, name: object) -> Any:
        if name is None:
            return None
        if hit := getattr(self.profile, section).match(name):
            return hit
        self.warnings.append(
            f"{self.raw.key}: {kind} {name!r} is not mapped in {self.profile.source} "
            f"({section}); left empty"
        )
        return None

    def _value_of(self, name: str) -> Any:
        return (self.current.get(norm_key(name)) or {}).get("value")

    def _field(self, key: str) -> Any:
        fdef = self.f.by_key.get(key)
        cf = self.current.get(norm_key(fdef.name)) if fdef else None
        return cf.get("value") if cf else None

    def _text(self, key: str) -> str | None:
        return option_value(field_value(self._field(key)))

    def _type(self) -> str | None:
        cf = next((self.current[n] for n in self.type_names if n in self.current), None)
        return option_value(field_value(cf.get("value"))) if cf else None

    def _assignee(self) -> Person | None:
        """The Assignee user field (`SingleUserIssueCustomField`, value a `User`: login,
        fullName, email; https://www.jetbrains.com/help/youtrack/devportal/api-entity-User.html)."""
        cf = next((self.current[n] for n in self.assignee_names if n in self.current), None)
        user = cf.get("value") if cf else None
        if isinstance(user, list | tuple):  # a multi-user field: the first one
            user = user[0] if user else None
        if not isinstance(user, Mapping) or not (user.get("login") or user.get("name")):
            return None
        login = option_value(user.get("login"))
        shown = user.get("fullName") or user.get("name") or login
        return Person(login, str(shown), option_value(user.get("email")))

    def _email(self) -> str | None:
        value = self._field("requester_email")
        if isinstance(value, Mapping):
            value = value.get("email")
        # Helpdesk projects: the reporter is the requester when no field says otherwise.
        return option_value(value) or option_value(
            (self.raw.fields.get("reporter") or {}).get("email")
        )

    def _registered_at(self) -> datetime:
        value = self._field("registered_at")
        return registration_time(self.raw.key, value, self.raw.fields.get("created"))


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
