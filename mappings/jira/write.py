"""SlaResult -> Jira field values (pure): the encoding, the comparison, the dry-run rendering.

Values are encoded by the field's `schema` from `/rest/api/2/field` (select, checkbox, text,
number, date, datetime); which figures are written and the diff are `mappings.desired`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from mappings.desired import build_desired, describe_changes, diff
from mappings.port import DesiredFields, FieldChanges
from mappings.profile import CatalogLike, Profile, resolve_fields
from mappings.raw import FieldDef
from mappings.values import display_value, format_jira_datetime, same_value

__all__ = [
    "ENCODER",
    "changed_fields",
    "desired_fields",
    "field_schema",
    "render_changes",
    "show",
]


def field_schema(fdef: FieldDef) -> tuple[str, str]:
    """(`schema.type`, `schema.custom`) of a field; empty strings when unknown."""
    return str(fdef.schema.get("type", "")), str(fdef.schema.get("custom", ""))


class _JiraEncoder:
    """Jira JSON for each kind of SLA value, by the field's schema."""

    def text(self, fdef: FieldDef, text: str) -> Any:
        kind, _ = field_schema(fdef)
        if kind == "string":
            return text
        if kind == "array":
            return [{"value": text}] if fdef.schema.get("items") in (None, "option") else [text]
        return {"value": text}  # select / radio buttons; also the default when unknown

    def flag(self, fdef: FieldDef, flag: bool, yes: str, no: str) -> Any:
        kind, custom = field_schema(fdef)
        if custom.endswith(":multicheckboxes") or kind == "array":
            return [{"value": yes}] if flag else []  # a checkbox: ticked "Yes" or nothing
        return self.text(fdef, yes if flag else no)

    def hours(self, fdef: FieldDef, hours: float) -> Any:
        value = round(hours, 2)
        return f"{value:.2f}" if field_schema(fdef)[0] == "string" else value

    def time(self, fdef: FieldDef, at: datetime) -> Any:
        if field_schema(fdef)[0] == "date":
            return at.date().isoformat()
        return format_jira_datetime(at)

    def entry(self, fdef: FieldDef, value: Any) -> Any:
        return value  # PUT /issue takes `fields: {id: value}`


ENCODER = _JiraEncoder()


def desired_fields(
    result: Any, profile: Profile, catalog: CatalogLike, *, include_hours: bool = True
) -> DesiredFields:
    """Jira values for the SLA figures the profile writes (absent in the profile = not written)."""
    resolved = resolve_fields(profile, catalog)
    return build_desired(result, profile, resolved, ENCODER, include_hours=include_hours)


def changed_fields(raw_issue_fields: Mapping[str, Any], desired: DesiredFields) -> FieldChanges:
    """Only the fields whose current value differs from the desired one, and label moves."""
    labels = raw_issue_fields.get("labels") or ()
    return diff(raw_issue_fields, labels, desired, same_value)


def show(value: Any, tz: tzinfo | None) -> str:
    """A Jira value for dry-run output; times in `tz` (else in their own offset)."""
    return display_value(value, datetime(2000, 1, 1, tzinfo=tz) if tz else None)


def render_changes(
    raw_issue_fields: Mapping[str, Any],
    changes: FieldChanges,
    desired: DesiredFields,
    *,
    tz: tzinfo | None = None,
) -> list[str]:
    """One `name: old → new` line per changed field, for `--dry-run` (times shown in `tz`)."""
    labels = raw_issue_fields.get("labels") or ()
    return describe_changes(raw_issue_fields, labels, changes, desired, show, tz)  # type: ignore[arg-type]
