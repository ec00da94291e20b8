"""YouTrack vocabulary -> regulation vocabulary (pure): raw issue + activities -> Timeline.

Shapes: issue `customFields[] {name, $type, value, projectCustomField.field.fieldType}` and
activity items `{timestamp, category.id, field{name, customField.fieldType.valueType}, added,
removed}` (https://www.jetbrains.com/help/youtrack/devportal/api-entity-ActivityItem.html).
Field ids are custom field names. State and Priority are ordinary custom fields in YouTrack;
the resolution is the resolved State value, or a «Резолюция» field when the project has one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
from mappings.jira import MappedIssue
from mappings.profile import CatalogLike, FieldCatalog, Profile, as_catalog, resolve_fields
from mappings.raw import FieldDef, RawIssue
from mappings.values import norm_key, option_value
from sla.enums import Line, Priority, Resolution, Status
from sla.errors import UnknownValueError
from sla.timeline import Change, Timeline

__all__ = [
    "DEFAULT_YOUTRACK_PROFILE",
    "SystemFields",
    "catalog_with_issue_fields",
    "custom_fields",
    "field_value",
    "map_issue",
    "raw_from_export",
]

DEFAULT_YOUTRACK_PROFILE = Path(__file__).parent.parent / "youtrack.yaml"


@dataclass(frozen=True, slots=True)
class SystemFields:
    """Names of the built-in-like custom fields (the profile has no keys for them yet)."""

    state: tuple[str, ...] = ("State", "Состояние", "Статус")
    priority: tuple[str, ...] = ("Priority", "Приоритет")
    resolution: tuple[str, ...] = ("Резолюция", "Resolution")
    type: tuple[str, ...] = ("Type", "Тип")


def custom_fields(issue_fields: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The issue's `customFields` entries by normalised name."""
    return {
        norm_key(cf.get("name", "")): cf
        for cf in issue_fields.get("customFields") or ()
        if isinstance(cf, Mapping)
    }


def _def_of(cf: Mapping[str, Any]) -> FieldDef:
    pcf = cf.get("projectCustomField") or {}
    ftype = (pcf.get("field") or {}).get("fieldType") or {}
    return FieldDef(
        id=str(cf.get("name")),
        name=str(cf.get("name")),
        custom=True,
        schema={
            "$type": cf.get("$type"),
            "valueType": ftype.get("valueType"),
            "fieldType": ftype.get("id"),
            "projectType": pcf.get("$type"),
        },
    )


def catalog_with_issue_fields(
    catalog: CatalogLike, issue_fields: Mapping[str, Any]
) -> FieldCatalog:
    """The catalog plus the fields the issue itself carries (their `$type` is exact)."""
    base = as_catalog(catalog)
    seen = {norm_key(d.name): d for d in base.defs}
    defs = list(base.defs)
    for key, cf in custom_fields(issue_fields).items():
        own = _def_of(cf)
        if key in seen:
            merged = {**seen[key].schema, **{k: v for k, v in own.schema.items() if v}}
            defs[defs.index(seen[key])] = FieldDef(seen[key].id, seen[key].name, True, merged)
        else:
            defs.append(own)
    return FieldCatalog(defs)


def field_value(value: Any) -> Any:
    """A field/activity value reduced to name text, a number, or None (lists: first element)."""
    if isinstance(value, list | tuple):
        return field_value(value[0]) if value else None
    if isinstance(value, Mapping):
        for key in ("name", "login", "minutes", "text", "presentation", "id"):
            if value.get(key) is not None:
                return value[key]
        return None
    return value


def _resolved_flag(value: Any) -> bool | None:
    if isinstance(value, list | tuple):
        return _resolved_flag(value[0]) if value else None
    return value.get("isResolved") if isinstance(value, Mapping) else None


def map_issue(
    raw: RawIssue,
    profile: Profile,
    catalog: CatalogLike,
    *,
    system_fields: SystemFields = SystemFields(),
    status_categories: Mapping[str, str] | None = None,
) -> MappedIssue:
    """Turn a YouTrack issue and its activities into a Timeline; unplaceable values raise.

    `status_categories` is accepted for parity with Jira and unused: YouTrack's own
    fallback is the State value's `isResolved` flag.
    """
    cat = catalog_with_issue_fields(catalog, raw.fields)
    return _Mapper(raw, profile, cat, system_fields).run()


class _Mapper:
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

    def now(self, which: str) -> Any:
        """The current raw value of a tracked field (None when the issue lacks the field)."""
        for n in self.names[which]:
            if n in self.current:
                return self.current[n].get("value")
        return None

    def run(self) -> MappedIssue:
        moves: list[tuple[datetime, dict[str, Mapping[str, Any]]]] = []
        acts_in_order = sorted(
            self.raw.histories, key=lambda a: (_num(a.get("timestamp")), str(a.get("id", "")))
        )
        for act in acts_in_order:
            if (act.get("category") or {}).get(
                "id", "CustomFieldCategory"
            ) != "CustomFieldCategory":
                continue
            field = act.get("field") or {}
            name = field.get("name") or (field.get("customField") or {}).get("name")
            which = self.tracked.get(norm_key(name or ""))
            if which is None:
                continue
            at = self._time("activity timestamp", act.get("timestamp"))
            if moves and moves[-1][0] == at:
                moves[-1][1][which] = act  # one command changing several fields at once
            else:
                moves.append((at, {which: act}))
        first: dict[str, Mapping[str, Any]] = {}
        for _, acts in moves:
            for which, act in acts.items():
                first.setdefault(which, act)

        def start(which: str) -> Any:
            removed = first[which].get("removed") if which in first else None
            return removed if field_value(removed) is not None else self.now(which)

        line_start = first["line"].get("removed") if "line" in first else self.now("line")
        state_now = self.now("status")
        timeline = Timeline(
            key=self.raw.key,
            registered_at=self._registered_at(),
            status=self._status(start("status")),
            priority=self._priority(start("priority")),
            line=self._line(line_start),
            changes=tuple(c for at, acts in moves if (c := self._change(at, acts))),
            resolution=self._final_resolution(state_now),
            customer=self._text("customer"),
            request_type=self._vocab("request_types", "issue type", self._type()),
            channel=self._vocab("channels", "channel", self._text("channel")),
        )
        return MappedIssue(timeline, tuple(self.warnings), self._email())

    # -- values --

    def _change(self, at: datetime, acts: Mapping[str, Mapping[str, Any]]) -> Change | None:
        values: dict[str, Any] = {}
        if "status" in acts:
            added = acts["status"].get("added")
            values["status"] = self._status(added)
            if (res := self._state_resolution(added)) is not None:
                values["resolution"] = res
        if "priority" in acts and field_value(acts["priority"].get("added")) is not None:
            values["priority"] = self._priority(acts["priority"].get("added"))
        if "resolution" in acts and (name := field_value(acts["resolution"].get("added"))):
            values["resolution"] = self._resolution(name)
        if "line" in acts:
            values["line"] = self._line(acts["line"].get("added"))
        return Change(at=at, **values) if values else None

    def _fail(self, kind: str, value: object, section: str, extra: str = "") -> MappingError:
        return not_mapped(self.raw.key, kind, value, self.profile.source, section, extra)

    def _status(self, raw_value: Any) -> Status:
        name = field_value(raw_value)
        if name is not None and (hit := self.profile.statuses.match(name)):
            return hit
        if _resolved_flag(raw_value):
            note = (
                f"{self.raw.key}: state {name!r} is not mapped in {self.profile.source} "
                "(statuses); YouTrack marks it resolved -> done"
            )
            if note not in self.warnings:
                self.warnings.append(note)
            return Status.DONE
        raise self._fail("status", name, "statuses", " and YouTrack does not mark it resolved")

    def _priority(self, raw_value: Any) -> Priority:
        name = field_value(raw_value)
        if name in (None, ""):
            return default_priority(
                self.raw.key, self.profile.default_priority, self.profile.source
            )
        if hit := self.profile.priorities.match(name):
            return hit
        raise self._fail("priority", name, "priorities")

    def _resolution(self, name: object) -> Resolution:
        if hit := self.profile.resolutions.match(name):
            return hit
        raise self._fail("resolution", name, "resolutions")

    def _state_resolution(self, raw_value: Any) -> Resolution | None:
        """A done State value listed under `resolutions` is the resolution (YouTrack style)."""
        return self.profile.resolutions.match(field_value(raw_value))

    def _final_resolution(self, state_now: Any) -> Resolution | None:
        if (name := field_value(self.now("resolution"))) not in (None, ""):
            return self._resolution(name)
        if state_now is None or self._status(state_now) is not Status.DONE:
            return None
        return self._state_resolution(state_now)

    def _line(self, raw_value: Any) -> Line:
        text = option_value(field_value(raw_value))
        if hit := self.profile.lines.match(text):
            return hit
        try:
            return Line.from_number(text)
        except UnknownValueError:
            raise self._fail("support line", text, "lines") from None

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

    def _field(self, key: str) -> Any:
        fdef = self.f.by_key.get(key)
        cf = self.current.get(norm_key(fdef.name)) if fdef else None
        return cf.get("value") if cf else None

    def _text(self, key: str) -> str | None:
        return option_value(field_value(self._field(key)))

    def _type(self) -> str | None:
        cf = next((self.current[n] for n in self.type_names if n in self.current), None)
        return option_value(field_value(cf.get("value"))) if cf else None

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

    def _time(self, what: str, value: object) -> datetime:
        return issue_time(self.raw.key, what, value)


_KEYS = ("status", "priority", "resolution", "line")


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def raw_from_export(data: object) -> RawIssue:
    """A saved issue (`{"issue": ..., "activities": [...]}` or an issue with `activities`)."""
    issue = data.get("issue", data) if isinstance(data, Mapping) else None
    if not isinstance(issue, Mapping) or not ("idReadable" in issue or "id" in issue):
        raise UnknownValueError("issue file", "not a YouTrack issue (no idReadable / id)")
    activities = data.get("activities", issue.get("activities")) or ()  # type: ignore[union-attr]
    fields = {k: v for k, v in issue.items() if k != "activities"}
    key = str(issue.get("idReadable") or issue.get("id"))
    return RawIssue("youtrack", key, str(issue.get("id", key)), fields, tuple(activities))
