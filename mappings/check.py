"""A mapping profile checked against a live Jira (pure), for the `check` command.

Jira's status / priority / resolution / issue type lists and field catalog come in as data;
every value the profile cannot place and every field of the wrong type becomes a `Finding`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mappings.profile import CatalogLike, Profile, resolve_fields
from sla.errors import ConfigError

__all__ = ["Finding", "check_profile"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of a profile against a live Jira; severity "error" or "warning"."""

    severity: str
    key: str
    message: str


# Field schema types each profile key can live in (`schema.type` of `/rest/api/2/field`).
_FIELD_TYPES = {
    "line": {"option", "number", "string"},
    "registered_at": {"datetime"},
    "due": {"datetime", "date"},
    "state": {"option", "string"},
    "breached": {"option", "array", "string"},
    "elapsed_hours": {"number", "string"},
    "remaining_hours": {"number", "string"},
}


def check_profile(
    profile: Profile,
    catalog: CatalogLike,
    *,
    statuses: Iterable[Any] = (),
    priorities: Iterable[Any] = (),
    resolutions: Iterable[Any] = (),
    issue_types: Iterable[Any] = (),
) -> list[Finding]:
    """Compare the profile with Jira's status/priority/resolution lists and field catalog."""
    # Imported here: `mappings.jira` re-exports this module, so a top-level import would cycle.
    from mappings.jira.timeline import CATEGORY_STATUS, id_and_name
    from mappings.jira.write import field_schema

    src = profile.source
    out: list[Finding] = []
    for obj in statuses:
        sid, name = id_and_name(obj)
        if profile.statuses.match(sid, name):
            continue
        category = (
            (obj.get("statusCategory") or {}).get("key") if isinstance(obj, Mapping) else None
        )
        if category in CATEGORY_STATUS:
            out.append(
                Finding(
                    "warning",
                    "statuses",
                    f"status {name!r} is not mapped in {src}; "
                    f"its Jira category {category!r} makes it "
                    f"{CATEGORY_STATUS[category]}",
                )
            )
        else:
            out.append(
                Finding(
                    "error",
                    "statuses",
                    f"status {name!r} is not mapped in {src} and has no usable Jira category",
                )
            )
    for section, kind, items, severity in (
        ("priorities", "priority", priorities, "error"),
        ("resolutions", "resolution", resolutions, "error"),
        ("request_types", "issue type", issue_types, "warning"),
    ):
        for obj in items:
            if not getattr(profile, section).match(*id_and_name(obj)):
                out.append(
                    Finding(
                        severity,
                        section,
                        f"{kind} {id_and_name(obj)[1]!r} is not mapped in {src} ({section})",
                    )
                )
    try:
        resolved = resolve_fields(profile, catalog)
    except ConfigError as exc:  # an ambiguous field name
        return [*out, Finding("error", exc.key, str(exc))]
    for key in resolved.missing:
        refs = " / ".join(profile.field_refs[key])
        effect = "will not be written" if key.startswith("write.") else "will not be read"
        tracker = "YouTrack" if profile.tracker == "youtrack" else "Jira"
        out.append(
            Finding("warning", key, f"{tracker} has no field {refs} ({src}: {key}); it {effect}")
        )
    for key, fdef in resolved.by_key.items():
        kind = field_schema(fdef)[0]
        allowed = _FIELD_TYPES.get(key)
        if allowed and kind and kind not in allowed:
            section = "write" if f"write.{key}" in profile.field_refs else "fields"
            out.append(
                Finding(
                    "error",
                    f"{section}.{key}",
                    f"field {fdef.name} ({fdef.id}) is "
                    f"of type {kind!r}; {key} needs one of {sorted(allowed)}",
                )
            )
    return out
