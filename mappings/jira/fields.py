"""Which Jira fields to read, which histories matter, and which changes are sla-sync's own."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from mappings.jira.timeline import SYSTEM_FIELDS, SYSTEM_TRACKED
from mappings.profile import CatalogLike, Profile, resolve_fields
from mappings.values import norm_key

__all__ = ["history_field_ids", "is_own_sla_change", "required_field_ids", "sla_field_ids"]


def required_field_ids(profile: Profile, catalog: CatalogLike) -> list[str]:
    """Field ids the search must return: system fields, mapped custom fields, SLA fields."""
    resolved = resolve_fields(profile, catalog)
    ids = list(SYSTEM_FIELDS) + [d.id for d in resolved.by_key.values()]
    return list(dict.fromkeys(ids))


def history_field_ids(profile: Profile, catalog: CatalogLike) -> list[str]:
    """Field ids whose changes the timeline needs (bulkfetch `fieldIds`, at most 10)."""
    line = resolve_fields(profile, catalog).id("line")
    return [*SYSTEM_TRACKED, *([line] if line else [])]


def sla_field_ids(profile: Profile, catalog: CatalogLike) -> frozenset[str]:
    """Ids and names of the written SLA fields, for `is_own_sla_change` (old Jira: no fieldId)."""
    resolved = resolve_fields(profile, catalog)
    defs = [d for k, d in resolved.by_key.items() if f"write.{k}" in profile.field_refs]
    return frozenset([d.id for d in defs] + [d.name for d in defs])


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
