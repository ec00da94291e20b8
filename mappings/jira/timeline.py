"""Jira issue + changelog -> Timeline (pure).

Jira shapes: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/
(changelog histories `{id, author, created, items[{field, fieldtype, fieldId?, from, fromString,
to, toString}]}`). The replay itself is tracker-neutral (`mappings.replay`); this module finds
the tracked moves in Jira's histories and decodes Jira's (id, name) references.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mappings.errors import (
    MappingError,
    default_priority,
    issue_time,
    not_mapped,
    registration_time,
)
from mappings.jira.history import history_order
from mappings.port import CATEGORY_STATUS, MappedIssue, Person, Vocabulary
from mappings.profile import (
    CatalogLike,
    FieldCatalog,
    Profile,
    ResolvedFields,
    as_catalog,
    resolve_fields,
)
from mappings.raw import RawIssue
from mappings.replay import Move, MoveGroup, replay
from mappings.values import norm_key, option_value
from sla.enums import Line, Priority, Resolution, Status
from sla.errors import UnknownValueError
from sla.timeline import Timeline

__all__ = ["CATEGORY_STATUS", "SYSTEM_FIELDS", "id_and_name", "map_issue"]

SYSTEM_FIELDS = (
    "status",
    "priority",
    "resolution",
    "issuetype",
    "created",
    "updated",
    "labels",
    "reporter",
    "assignee",
)
SYSTEM_TRACKED = ("status", "priority", "resolution")

Ref = tuple[Any, Any]  # (id, name) as Jira sends them


def map_issue(
    raw: RawIssue,
    profile: Profile,
    catalog: CatalogLike,
    vocabulary: Vocabulary | None = None,
) -> MappedIssue:
    """Turn a Jira issue and its changelog into a Timeline; unplaceable values raise MappingError.

    `vocabulary` carries Jira's statuses with their categories (`/rest/api/2/status`), so a
    status that the profile does not list can fall back to its category.
    """
    cat = as_catalog(catalog)
    if raw.names:
        cat = FieldCatalog(cat.defs, raw.names)
    return _IssueMapper(raw, profile, resolve_fields(profile, cat), vocabulary).run()


class _IssueMapper:
    """One issue's mapping; its methods are also the `mappings.replay.Decoder` for Jira refs."""

    def __init__(
        self, raw: RawIssue, profile: Profile, fields: ResolvedFields, vocab: Vocabulary | None
    ) -> None:
        self.raw, self.profile, self.f = raw, profile, fields
        self.vocab = vocab or Vocabulary()
        self.warnings: list[str] = []
        status = raw.fields.get("status") or {}
        self.own_category = (status.get("statusCategory") or {}).get("key")
        self.own_status = {norm_key(k) for k in (status.get("id"), status.get("name")) if k}

    def run(self) -> MappedIssue:
        fields = self.raw.fields
        groups = []
        for history in history_order(self.raw.histories):
            moves = {}
            for item in history.get("items") or ():
                if (which := self._tracked(item)) is not None:
                    if which == "line":
                        moves[which] = Move(item.get("fromString"), item.get("toString"))
                    else:
                        moves[which] = Move(_ref(item, "from"), _ref(item, "to"))
            if moves:
                at = issue_time(self.raw.key, "history created", history.get("created"))
                groups.append(MoveGroup(at, moves))
        line_id = self.f.id("line")
        current = {
            "status": id_and_name(fields.get("status")),
            "priority": id_and_name(fields.get("priority")),
            "line": option_value(fields.get(line_id)) if line_id else None,
        }
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
            resolution=self.resolution(id_and_name(fields.get("resolution"))),
            customer=self._read("customer"),
            request_type=self._vocab(
                "request_types", "issue type", *id_and_name(fields.get("issuetype"))
            ),
            channel=self._vocab("channels", "channel", None, self._read("channel")),
        )
        written = {
            d.id for k, d in self.f.by_key.items() if f"write.{k}" in self.profile.field_refs
        }
        return MappedIssue(
            timeline,
            (*self.warnings, *start.warnings),
            self._email(),
            current={fid: fields.get(fid) for fid in written},
            labels=tuple(fields.get("labels") or ()),
            assignee=person(fields.get("assignee")),
            holes=start.holes,
        )

    # -- history --

    def _tracked(self, item: Mapping[str, Any]) -> str | None:
        field_id, name = item.get("fieldId"), norm_key(item.get("field", ""))
        line = self.f.by_key.get("line")
        if field_id is not None:
            if field_id in SYSTEM_TRACKED:
                return str(field_id)
            return "line" if line and field_id == line.id else None
        # Old Jira sends no fieldId: system fields by their key, custom fields by display name.
        if item.get("fieldtype") != "custom" and name in SYSTEM_TRACKED:
            return name
        return (
            "line"
            if line and item.get("fieldtype") != "jira" and name == norm_key(line.name)
            else None
        )

    # -- the Decoder of (id, name) references --

    @staticmethod
    def empty(ref: Any) -> bool:
        """An unset value: no id and no name (or an empty line text)."""
        if isinstance(ref, tuple):
            return all(v in (None, "") for v in ref)
        return ref in (None, "")

    def status(self, ref: Ref) -> Status:
        sid, name = ref
        if hit := self.profile.statuses.match(sid, name):
            return hit
        label = name if name is not None else sid
        category = self.vocab.category_of(sid, name)
        if category is None and {norm_key(k) for k in ref if k} & self.own_status:
            category = self.own_category
        if category in CATEGORY_STATUS:
            note = (
                f"{self.raw.key}: status {label!r} is not mapped in {self.profile.source} "
                f"(statuses); using Jira category {category!r} -> {CATEGORY_STATUS[category]}"
            )
            if note not in self.warnings:
                self.warnings.append(note)
            return CATEGORY_STATUS[category]
        raise self._fail("status", label, "statuses", " and Jira reports no category for it")

    def priority(self, ref: Ref) -> Priority:
        pid, name = ref
        if pid is None and name in (None, ""):
            return default_priority(
                self.raw.key, self.profile.default_priority, self.profile.source
            )
        if hit := self.profile.priorities.match(pid, name):
            return hit
        raise self._fail("priority", name if name is not None else pid, "priorities")

    def resolution(self, ref: Ref) -> Resolution | None:
        rid, name = ref
        if rid is None and name in (None, ""):
            return None
        if hit := self.profile.resolutions.match(rid, name):
            return hit
        raise self._fail("resolution", name if name is not None else rid, "resolutions")

    @staticmethod
    def status_resolution(ref: Ref) -> Resolution | None:
        return None  # Jira keeps the resolution in its own field

    def line(self, value: object) -> Line:
        text = option_value(value)
        if hit := self.profile.lines.match(text):
            return hit
        try:
            return Line.from_number(text)
        except UnknownValueError:
            raise self._fail("support line", text, "lines") from None

    # -- other values --

    def _fail(self, kind: str, value: object, section: str, extra: str = "") -> MappingError:
        return not_mapped(self.raw.key, kind, value, self.profile.source, section, extra)

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

    def _email(self) -> str | None:
        fields = self.raw.fields
        email = fields.get(self.f.id("requester_email") or "")
        if isinstance(email, Mapping):
            email = email.get("emailAddress")
        # Service desks: the reporter is the requester when no field says otherwise (the
        # address is hidden on Cloud unless the user's profile makes it visible).
        reporter = fields.get("reporter")
        fallback = reporter.get("emailAddress") if isinstance(reporter, Mapping) else None
        return option_value(email) or option_value(fallback)

    def _registered_at(self) -> datetime:
        field_id = self.f.id("registered_at")
        value = self.raw.fields.get(field_id) if field_id else None
        return registration_time(self.raw.key, value, self.raw.fields.get("created"))


def _ref(item: Mapping[str, Any], side: str) -> Ref:
    return item.get(side), item.get(f"{side}String")


def person(user: object) -> Person | None:
    """A Jira user object (`fields.assignee`) as a Person; None when unassigned.

    Cloud identifies users by `accountId` (user names are gone since the GDPR changes), Data
    Center by `name`; `displayName` is what people read, `emailAddress` may be hidden.
    https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-users/
    """
    if not isinstance(user, Mapping):
        return None
    ref = next((str(user[k]) for k in ("accountId", "name", "key") if user.get(k)), None)
    shown = user.get("displayName") or ref
    if shown is None:
        return None
    return Person(ref, str(shown), option_value(user.get("emailAddress")))


def id_and_name(obj: object) -> Ref:
    """(id, name) of a Jira object such as `fields.priority`; (None, None) for null."""
    if isinstance(obj, Mapping):
        return obj.get("id"), obj.get("name", obj.get("value"))
    return (None, obj) if obj is not None else (None, None)
