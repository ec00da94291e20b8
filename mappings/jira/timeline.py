"""Jira vocabulary -> regulation vocabulary (pure): raw issue + changelog -> Timeline.

Jira shapes: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/
(changelog histories `{id, author, created, items[{field, fieldtype, fieldId?, from, fromString,
to, toString}]}`). Writing the SLA back lives in `mappings.jira_write`, the profile check in
`mappings.jira_check`; their names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mappings.errors import (
    MappingError,
    default_priority,
    issue_time,
    not_mapped,
    registration_time,
)
from mappings.jira.write import (
    DesiredFields,
    breach_comment,
    changed_fields,
    desired_fields,
    render_changes,
)
from mappings.profile import (
    CatalogLike,
    FieldCatalog,
    Profile,
    ResolvedFields,
    as_catalog,
    resolve_fields,
)
from mappings.raw import RawIssue
from mappings.values import norm_key, option_value
from sla.enums import Line, Priority, Resolution, Status
from sla.errors import UnknownValueError
from sla.timeline import Change, Timeline

__all__ = [
    "CATEGORY_STATUS",
    "SYSTEM_FIELDS",
    "DesiredFields",
    "MappedIssue",
    "breach_comment",
    "changed_fields",
    "desired_fields",
    "history_field_ids",
    "id_and_name",
    "is_own_sla_change",
    "map_issue",
    "render_changes",
    "required_field_ids",
    "sla_field_ids",
]

# Jira status categories (`statusCategory.key`); "undefined" (No Category) places nothing.
CATEGORY_STATUS = {"new": Status.CREATED, "indeterminate": Status.IN_PROGRESS, "done": Status.DONE}
SYSTEM_FIELDS = (
    "status",
    "priority",
    "resolution",
    "issuetype",
    "created",
    "updated",
    "labels",
    "reporter",
)
_TRACKED = ("status", "priority", "resolution")


@dataclass(frozen=True, slots=True)
class MappedIssue:
    """A Jira issue in regulation terms, plus what the mapping had to guess."""

    timeline: Timeline
    warnings: tuple[str, ...] = ()
    requester_email: str | None = None


def map_issue(
    raw: RawIssue,
    profile: Profile,
    catalog: CatalogLike,
    *,
    status_categories: Mapping[str, str] | None = None,
) -> MappedIssue:
    """Turn a Jira issue and its changelog into a Timeline; unplaceable values raise MappingError.

    `status_categories` maps status id or lower-cased name to `statusCategory.key` (from
    `/rest/api/2/status`), so statuses seen only in history can fall back to their category.
    """
    cat = as_catalog(catalog)
    if raw.names:
        cat = FieldCatalog(cat.defs, raw.names)
    return _IssueMapper(raw, profile, resolve_fields(profile, cat), status_categories).run()


class _IssueMapper:
    def __init__(
        self,
        raw: RawIssue,
        profile: Profile,
        fields: ResolvedFields,
        categories: Mapping[str, str] | None,
    ) -> None:
        self.raw, self.profile, self.f = raw, profile, fields
        self.warnings: list[str] = []
        self.categories = {norm_key(k): str(v) for k, v in (categories or {}).items()}
        status = raw.fields.get("status") or {}
        if category := (status.get("statusCategory") or {}).get("key"):
            for k in (status.get("id"), status.get("name")):
                if k is not None:
                    self.categories.setdefault(norm_key(k), category)

    def run(self) -> MappedIssue:
        fields = self.raw.fields
        histories = sorted(self.raw.histories, key=self._history_order)
        moves: list[tuple[datetime, dict[str, dict[str, Any]]]] = []
        for history in histories:
            items = {}
            for item in history.get("items") or ():
                if (which := self._tracked(item)) is not None:
                    items[which] = item
            if items:
                moves.append((self._time("history created", history.get("created")), items))
        first = {}
        for _, items in moves:
            for which, item in items.items():
                first.setdefault(which, item)
        status = fields.get("status") or {}
        line_id = self.f.id("line")
        start = {
            "status": self._side(first, "status", "from") or (status.get("id"), status.get("name")),
            "priority": self._side(first, "priority", "from")
            or id_and_name(fields.get("priority")),
            "line": (None, first["line"].get("fromString"))
            if "line" in first
            else (None, option_value(fields.get(line_id)) if line_id else None),
        }
        changes = [self._change(at, items) for at, items in moves]
        registered = self._registered_at()
        timeline = Timeline(
            key=self.raw.key,
            registered_at=registered,
            status=self._status(*start["status"]),
            priority=self._priority(*start["priority"]),
            line=self._line(start["line"][1]),
            changes=tuple(c for c in changes if c is not None),
            resolution=self._resolution(*id_and_name(fields.get("resolution"))),
            customer=self._read("customer"),
            request_type=self._vocab(
                "request_types", "issue type", *id_and_name(fields.get("issuetype"))
            ),
            channel=self._vocab("channels", "channel", None, self._read("channel")),
        )
        email = fields.get(self.f.id("requester_email") or "")
        if isinstance(email, Mapping):
            email = email.get("emailAddress")
        # Service desks: the reporter is the requester when no field says otherwise (the
        # address is hidden on Cloud unless the user's profile makes it visible).
        reporter = fields.get("reporter")
        fallback = reporter.get("emailAddress") if isinstance(reporter, Mapping) else None
        email = option_value(email) or option_value(fallback)
        return MappedIssue(timeline, tuple(self.warnings), email)

    # -- history --

    def _history_order(self, history: Mapping[str, Any]) -> tuple[Any, ...]:
        hid = str(history.get("id", ""))
        return (
            self._time("history created", history.get("created")),
            int(hid) if hid.isdigit() else 0,
            hid,
        )

    def _tracked(self, item: Mapping[str, Any]) -> str | None:
        field_id, name = item.get("fieldId"), norm_key(item.get("field", ""))
        line = self.f.by_key.get("line")
        if field_id is not None:
            if field_id in _TRACKED:
                return str(field_id)
            return "line" if line and field_id == line.id else None
        # Old Jira sends no fieldId: system fields by their key, custom fields by display name.
        if item.get("fieldtype") != "custom" and name in _TRACKED:
            return name
        return (
            "line"
            if line and item.get("fieldtype") != "jira" and name == norm_key(line.name)
            else None
        )

    @staticmethod
    def _side(first: Mapping[str, Any], which: str, side: str) -> tuple[Any, Any] | None:
        item = first.get(which)
        if item is None:
            return None
        ref = (item.get(side), item.get(f"{side}String"))
        return ref if any(v not in (None, "") for v in ref) else None

    def _change(self, at: datetime, items: Mapping[str, Mapping[str, Any]]) -> Change | None:
        values: dict[str, Any] = {}
        if "status" in items:
            values["status"] = self._status(
                items["status"].get("to"), items["status"].get("toString")
            )
        if "priority" in items and (to := self._side(items, "priority", "to")):
            values["priority"] = self._priority(*to)
        if "resolution" in items and (to := self._side(items, "resolution", "to")):
            values["resolution"] = self._resolution(*to)
        if "line" in items:
            values["line"] = self._line(items["line"].get("toString"))
        return Change(at=at, **values) if values else None

    # -- values --

    def _fail(self, kind: str, value: object, section: str, extra: str = "") -> MappingError:
        return not_mapped(self.raw.key, kind, value, self.profile.source, section, extra)

    def _status(self, sid: object, name: object) -> Status:
        if hit := self.profile.statuses.match(sid, name):
            return hit
        label = name if name is not None else sid
        category = next(
            (
                self.categories[norm_key(k)]
                for k in (sid, name)
                if k is not None and norm_key(k) in self.categories
            ),
            None,
        )
        if category in CATEGORY_STATUS:
            note = (
                f"{self.raw.key}: status {label!r} is not mapped in {self.profile.source} "
                f"(statuses); using Jira category {category!r} -> {CATEGORY_STATUS[category]}"
            )
            if note not in self.warnings:
                self.warnings.append(note)
            return CATEGORY_STATUS[category]
        raise self._fail("status", label, "statuses", " and Jira reports no category for it")

    def _priority(self, pid: object, name: object) -> Priority:
        if pid is None and name in (None, ""):
            return default_priority(
                self.raw.key, self.profile.default_priority, self.profile.source
            )
        if hit := self.profile.priorities.match(pid, name):
            return hit
        raise self._fail("priority", name if name is not None else pid, "priorities")

    def _resolution(self, rid: object, name: object) -> Resolution | None:
        if rid is None and name in (None, ""):
            return None
        if hit := self.profile.resolutions.match(rid, name):
            return hit
        raise self._fail("resolution", name if name is not None else rid, "resolutions")

    def _line(self, value: object) -> Line:
        text = option_value(value)
        if hit := self.profile.lines.match(text):
            return hit
        try:
            return Line.from_number(text)
        except UnknownValueError:
            raise self._fail("support line", text, "lines") from None

    def _vocab(self, section: str, kind: str, vid: object, name: object) -> Any:
        if vid is None and name is None:
            return None
        if hit := getattr(self.profile, section).match(vid, name):
            return hit
        # Request type and channel do not move the clock: report, do not fail the issue.
        self.warnings.append(
            f"{self.raw.key}: {kind} {name if name is not None else vid!r} is "
            f"not mapped in {self.profile.source} ({section}); left empty"
        )
        return None

    def _read(self, key: str) -> str | None:
        field_id = self.f.id(key)
        return option_value(self.raw.fields.get(field_id)) if field_id else None

    def _registered_at(self) -> datetime:
        field_id = self.f.id("registered_at")
        value = self.raw.fields.get(field_id) if field_id else None
        return registration_time(self.raw.key, value, self.raw.fields.get("created"))

    def _time(self, what: str, value: object) -> datetime:
        return issue_time(self.raw.key, what, value)


def id_and_name(obj: object) -> tuple[Any, Any]:
    """(id, name) of a Jira object such as `fields.priority`; (None, None) for null."""
    if isinstance(obj, Mapping):
        return obj.get("id"), obj.get("name", obj.get("value"))
    return (None, obj) if obj is not None else (None, None)


def is_own_sla_change(
    history: Mapping[str, Any],
    account_id: str,
    sla_field_ids: Collection[str],
    *,
    sla_labels: Collection[str] = (),
) -> bool:
    """True when `history` is the service account touching only SLA fields (or SLA labels)."""
    author = history.get("author") or {}
    if account_id not in {author.get(k) for k in ("accountId", "name", "key")} - {None}:
        return False
    keys = {norm_key(k) for k in sla_field_ids}
    items = history.get("items") or ()
    return bool(items) and all(_own_item(item, keys, set(sla_labels)) for item in items)


def _own_item(item: Mapping[str, Any], keys: set[str], labels: set[str]) -> bool:
    field_id, name = item.get("fieldId"), norm_key(item.get("field", ""))
    if (field_id or name) == "labels":
        old = set((item.get("fromString") or "").split())
        new = set((item.get("toString") or "").split())
        return bool(old ^ new) and (old ^ new) <= labels
    return norm_key(field_id) in keys if field_id is not None else name in keys


# ---- which fields to ask for ----


def required_field_ids(profile: Profile, catalog: CatalogLike) -> list[str]:
    """Field ids the search must return: system fields, mapped custom fields, SLA fields."""
    resolved = resolve_fields(profile, catalog)
    ids = list(SYSTEM_FIELDS) + [d.id for d in resolved.by_key.values()]
    return list(dict.fromkeys(ids))


def history_field_ids(profile: Profile, catalog: CatalogLike) -> list[str]:
    """Field ids whose changes the timeline needs (bulkfetch `fieldIds`, at most 10)."""
    line = resolve_fields(profile, catalog).id("line")
    return [*_TRACKED, *([line] if line else [])]


def sla_field_ids(profile: Profile, catalog: CatalogLike) -> frozenset[str]:
    """Ids and names of the written SLA fields, for `is_own_sla_change` (old Jira: no fieldId)."""
    resolved = resolve_fields(profile, catalog)
    defs = [d for k, d in resolved.by_key.items() if f"write.{k}" in profile.field_refs]
    return frozenset([d.id for d in defs] + [d.name for d in defs])
