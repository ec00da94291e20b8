"""Jira vocabulary <-> regulation vocabulary (pure): `JIRA_MAPPING` implements the port."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from mappings.jira import fields as _fields
from mappings.jira import write as _write
from mappings.jira.fields import (
    history_field_ids,
    is_own_sla_change,
    required_field_ids,
    sla_field_ids,
)
from mappings.jira.timeline import CATEGORY_STATUS, SYSTEM_FIELDS, id_and_name, map_issue
from mappings.jira.write import changed_fields, desired_fields, render_changes
from mappings.port import DesiredFields, MappedIssue, Person, Vocabulary
from mappings.profile import CatalogLike, Profile
from mappings.raw import FieldDef, RawIssue
from mappings.values import same_value, try_datetime

__all__ = [
    "CATEGORY_STATUS",
    "JIRA_MAPPING",
    "SYSTEM_FIELDS",
    "JiraMapping",
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


# Cloud account ids: 24 hex digits, or "<number>:<uuid>"; Data Center user names are neither.
_CLOUD_ACCOUNT = re.compile(r"[0-9a-f]{24}|\d+:[0-9a-f-]{36}")


class JiraMapping:
    """The `TrackerMapping` of Jira Cloud and Data Center."""

    labels_name = "labels"
    # `schema.type` of `/rest/api/2/field` that each profile field key can live in.
    field_kinds: Mapping[str, frozenset[str]] = {
        "line": frozenset({"option", "number", "string"}),
        "registered_at": frozenset({"datetime"}),
        "due": frozenset({"datetime", "date"}),
        "state": frozenset({"option", "string"}),
        "breached": frozenset({"option", "array", "string"}),
        "elapsed_hours": frozenset({"number", "string"}),
        "remaining_hours": frozenset({"number", "string"}),
    }

    def map_issue(
        self,
        raw: RawIssue,
        profile: Profile,
        catalog: CatalogLike,
        vocabulary: Vocabulary | None = None,
    ) -> MappedIssue:
        return map_issue(raw, profile, catalog, vocabulary)

    def desired_fields(
        self, result: Any, profile: Profile, catalog: CatalogLike, *, include_hours: bool
    ) -> DesiredFields:
        return _write.desired_fields(result, profile, catalog, include_hours=include_hours)

    def same(self, current: Any, desired: Any) -> bool:
        return same_value(current, desired)

    def show(self, value: Any, tz: tzinfo) -> str:
        return _write.show(value, tz)

    def read_field_ids(self, profile: Profile, catalog: CatalogLike) -> list[str]:
        return _fields.required_field_ids(profile, catalog)

    def history_field_ids(self, profile: Profile, catalog: CatalogLike) -> list[str]:
        return _fields.history_field_ids(profile, catalog)

    def own_write_fields(self, profile: Profile, catalog: CatalogLike) -> frozenset[str]:
        return _fields.sla_field_ids(profile, catalog)

    def is_own_change(
        self,
        history: Mapping[str, Any],
        account_id: str,
        own_fields: frozenset[str],
        own_labels: Sequence[str],
    ) -> bool:
        return is_own_sla_change(history, account_id, own_fields, sla_labels=own_labels)

    def history_time(self, history: Mapping[str, Any]) -> datetime | None:
        return try_datetime(history.get("created"))

    def field_kind(self, fdef: FieldDef) -> str:
        return _write.field_schema(fdef)[0]

    def encode_text(self, fdef: FieldDef, text: str) -> Any:
        return _write.ENCODER.text(fdef, text)

    def mention(self, person: Person | None) -> str:
        # Wiki markup of v2 comment bodies: Cloud mentions by account id, Data Center by
        # user name. https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa
        if person is None or not person.id:
            return ""
        cloud = _CLOUD_ACCOUNT.fullmatch(person.id)
        return f"[~accountid:{person.id}]" if cloud else f"[~{person.id}]"


JIRA_MAPPING = JiraMapping()
