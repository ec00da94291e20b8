"""YouTrack vocabulary <-> regulation vocabulary (pure): `YOUTRACK_MAPPING` implements the port."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any

from mappings.port import DesiredFields, MappedIssue, Person, Vocabulary
from mappings.profile import CatalogLike, Profile
from mappings.raw import FieldDef, RawIssue
from mappings.values import try_datetime
from mappings.youtrack import fields as _fields
from mappings.youtrack import write as _write
from mappings.youtrack.shapes import (
    SystemFields,
    catalog_with_issue_fields,
    custom_fields,
    field_value,
    raw_from_export,
)
from mappings.youtrack.timeline import DEFAULT_YOUTRACK_PROFILE, map_issue

__all__ = [
    "DEFAULT_YOUTRACK_PROFILE",
    "YOUTRACK_MAPPING",
    "SystemFields",
    "YouTrackMapping",
    "catalog_with_issue_fields",
    "custom_fields",
    "field_value",
    "map_issue",
    "raw_from_export",
]


class YouTrackMapping:
    """The `TrackerMapping` of YouTrack Cloud and Server."""

    labels_name = "tags"
    # Value types (`fieldType.valueType`) that each profile field key can live in.
    field_kinds: Mapping[str, frozenset[str]] = {
        "line": frozenset({"enum", "integer", "float", "string"}),
        "registered_at": frozenset({"date and time", "date"}),
        "due": frozenset({"date and time", "date"}),
        "state": frozenset({"enum", "state", "string", "text"}),
        "breached": frozenset({"enum", "string", "text"}),
        "elapsed_hours": frozenset({"float", "integer", "period", "string"}),
        "remaining_hours": frozenset({"float", "integer", "period", "string"}),
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
        return _write.same(current, desired)

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
        return _fields.is_own_sla_change(history, account_id, own_fields, sla_labels=own_labels)

    def history_time(self, history: Mapping[str, Any]) -> datetime | None:
        stamp = history.get("timestamp")
        return try_datetime(stamp) if isinstance(stamp, int | float) else None

    def field_kind(self, fdef: FieldDef) -> str:
        return _write.field_kind(fdef)

    def encode_text(self, fdef: FieldDef, text: str) -> Any:
        return _write.ENCODER.entry(fdef, _write.ENCODER.text(fdef, text))

    def mention(self, person: Person | None) -> str:
        # A login after @ mentions the user in a comment (and notifies them).
        # https://www.jetbrains.com/help/youtrack/cloud/mentions.html
        return f"@{person.id}" if person is not None and person.id else ""


YOUTRACK_MAPPING = YouTrackMapping()
