"""Which YouTrack fields to read, which activities matter, and which are sla-sync's own (pure)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from mappings.profile import CatalogLike, Profile, as_catalog, resolve_fields
from mappings.values import norm_key
from mappings.youtrack.shapes import SystemFields, field_value

__all__ = ["history_field_ids", "is_own_sla_change", "required_field_ids", "sla_field_ids"]


def required_field_ids(profile: Profile, catalog: CatalogLike) -> list[str]:
    """Custom field names a search must return (`customFields=`): tracked, read and SLA fields.

    Only names the catalog has are listed, so a localised instance gets no unknown names.
    """
    cat = as_catalog(catalog)
    sf = SystemFields()
    names = [*sf.state, *sf.priority, *sf.resolution, *sf.type, *sf.assignee]
    found = [m.name for n in names for m in cat.matches(n)]
    found += [d.name for d in resolve_fields(profile, cat).by_key.values()]
    return list(dict.fromkeys(found))


def history_field_ids(profile: Profile, catalog: CatalogLike) -> list[str]:
    """Custom field names whose activities the timeline needs."""
    sf = SystemFields()
    line = resolve_fields(profile, catalog).by_key.get("line")
    return [*sf.state, *sf.priority, *sf.resolution, *([line.name] if line else [])]


def sla_field_ids(profile: Profile, catalog: CatalogLike) -> frozenset[str]:
    """Names of the written SLA fields (YouTrack field ids are names)."""
    resolved = resolve_fields(profile, catalog)
    return frozenset(
        d.name for k, d in resolved.by_key.items() if f"write.{k}" in profile.field_refs
    )


def is_own_sla_change(
    activity: Mapping[str, Any],
    account_id: str,
    sla_field_ids: Collection[str],
    *,
    sla_labels: Collection[str] = (),
) -> bool:
    """True when the activity is the service account changing an SLA field or SLA tag."""
    if (activity.get("author") or {}).get("login") != account_id:
        return False
    field = activity.get("field") or {}
    name = field.get("name") or (field.get("customField") or {}).get("name") or ""
    if norm_key(name) in {norm_key(k) for k in sla_field_ids}:
        return True
    if (activity.get("category") or {}).get("id") == "TagsCategory":
        moved = [
            field_value(t)
            for t in [*(activity.get("added") or ()), *(activity.get("removed") or ())]
        ]
        return bool(moved) and set(moved) <= set(sla_labels)
    return False
