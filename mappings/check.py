"""A mapping profile checked against a live tracker's vocabulary and fields (pure).

The tracker's statuses, priorities, resolutions and issue types come in as a `Vocabulary`,
its fields as a catalog; every value the profile cannot place and every field of the wrong
type becomes a `Finding`. Used by `check` for every kind of tracker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mappings.port import CATEGORY_STATUS, TrackerValue, Vocabulary
from mappings.profile import CatalogLike, Profile, resolve_fields
from mappings.raw import FieldDef
from sla.enums import RequestType, Status
from sla.errors import ConfigError

__all__ = ["Finding", "check_profile"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem of a profile against a live tracker; severity "error" or "warning"."""

    severity: str
    key: str
    message: str


def check_profile(
    profile: Profile,
    catalog: CatalogLike,
    vocabulary: Vocabulary,
    *,
    field_kinds: Mapping[str, frozenset[str]] | None = None,
    field_kind: Callable[[FieldDef], str] | None = None,
    tracker: str = "the tracker",
) -> list[Finding]:
    """Compare the profile with the tracker's vocabulary and field catalog."""
    src = profile.source
    out = [_status_finding(s, profile, tracker) for s in vocabulary.statuses]
    out = [f for f in out if f is not None]
    sections: tuple[tuple[str, str, tuple[TrackerValue, ...], str], ...] = (
        ("priorities", "priority", vocabulary.priorities, "error"),
        ("resolutions", "resolution", vocabulary.resolutions, "error"),
        ("request_types", "issue type", vocabulary.issue_types, "warning"),
    )
    for section, kind, values, severity in sections:
        for v in values:
            if not getattr(profile, section).match(v.id, v.name):
                message = f"{kind} {v.name!r} is not mapped in {src} ({section})"
                out.append(Finding(severity, section, message))
    out += _unreached(profile, vocabulary, tracker)
    try:
        resolved = resolve_fields(profile, catalog)
    except ConfigError as exc:  # an ambiguous field name
        return [*out, Finding("error", exc.key, str(exc))]
    for key in resolved.missing:
        refs = " / ".join(profile.field_refs[key])
        effect = "will not be written" if key.startswith("write.") else "will not be read"
        out.append(
            Finding("warning", key, f"{tracker} has no field {refs} ({src}: {key}); it {effect}")
        )
    for key, fdef in resolved.by_key.items():
        kind = field_kind(fdef) if field_kind else ""
        allowed = (field_kinds or {}).get(key)
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


def _unreached(profile: Profile, vocabulary: Vocabulary, tracker: str) -> list[Finding]:
    """Regulation values no tracker value maps to: a pause or a request type that never shows.

    A status that cannot be placed fails issues, so it is an error above; a regulation value
    nothing maps to fails none, it just never happens — the clock never pauses, the report
    never counts a defect — so it is a warning, naming what the profile expected.
    """
    out = []
    checks = (
        ("statuses", "status", Status, vocabulary.statuses, "status"),
        ("request_types", "issue type", RequestType, vocabulary.issue_types, "request type"),
    )
    for section, kind, members, values, what in checks:
        if not values:
            continue  # the tracker did not list them: nothing to compare
        vocab = getattr(profile, section)
        reached = {vocab.match(v.id, v.name) for v in values}
        if section == "statuses":
            reached |= {CATEGORY_STATUS.get(v.category or "") for v in values}
        for member in members:
            if member in reached:
                continue
            listed = ", ".join(vocab.names(member)) or "nothing"
            out.append(
                Finding(
                    "warning",
                    f"{section}.{member.value}",
                    f"no {tracker} {kind} maps to {what} {member.value!r} "
                    f"({profile.source}: {section}.{member.value} lists {listed})",
                )
            )
    return out


def _status_finding(s: TrackerValue, profile: Profile, tracker: str) -> Finding | None:
    if profile.statuses.match(s.id, s.name):
        return None
    src = profile.source
    if s.category in CATEGORY_STATUS:
        return Finding(
            "warning",
            "statuses",
            f"status {s.name!r} is not mapped in {src}; its {tracker} category "
            f"{s.category!r} makes it {CATEGORY_STATUS[s.category]}",
        )
    return Finding(
        "error",
        "statuses",
        f"status {s.name!r} is not mapped in {src} and has no usable {tracker} category",
    )
