"""YouTrack value shapes shared by the mapping modules: custom fields, values, exports (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mappings.profile import CatalogLike, FieldCatalog, as_catalog
from mappings.raw import FieldDef, RawIssue
from mappings.values import norm_key, try_datetime
from sla.errors import UnknownValueError

__all__ = [
    "SystemFields",
    "catalog_with_issue_fields",
    "custom_fields",
    "field_value",
    "raw_from_export",
    "resolved_flag",
]


@dataclass(frozen=True, slots=True)
class SystemFields:
    """Names of the built-in-like custom fields (the profile has no keys for them yet)."""

    state: tuple[str, ...] = ("State", "Состояние", "Статус")
    priority: tuple[str, ...] = ("Priority", "Приоритет")
    resolution: tuple[str, ...] = ("Резолюция", "Resolution")
    type: tuple[str, ...] = ("Type", "Тип")
    assignee: tuple[str, ...] = ("Assignee", "Исполнитель")


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


def resolved_flag(value: Any) -> bool | None:
    """The `isResolved` flag of a State value (lists: first element)."""
    if isinstance(value, list | tuple):
        return resolved_flag(value[0]) if value else None
    return value.get("isResolved") if isinstance(value, Mapping) else None


def raw_from_export(data: object) -> RawIssue:
    """A saved issue (`{"issue": ..., "activities": [...]}` or an issue with `activities`)."""
    issue = data.get("issue", data) if isinstance(data, Mapping) else None
    if not isinstance(issue, Mapping) or not ("idReadable" in issue or "id" in issue):
        raise UnknownValueError("issue file", "not a YouTrack issue (no idReadable / id)")
    activities = data.get("activities", issue.get("activities")) or ()  # type: ignore[union-attr]
    fields = {k: v for k, v in issue.items() if k != "activities"}
    key = str(issue.get("idReadable") or issue.get("id"))
    stamp = fields.get("updated")
    updated = try_datetime(stamp) if isinstance(stamp, int | float) else None
    return RawIssue(
        "youtrack", key, str(issue.get("id", key)), fields, tuple(activities), updated=updated
    )
