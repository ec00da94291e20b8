"""SlaResult -> Jira field values (pure): the desired values, the diff, the breach comment.

Values are encoded by the field's `schema` from `/rest/api/2/field` (select, checkbox, text,
number, date, datetime); only fields whose value differs are written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from mappings.profile import HOURS_FIELDS, CatalogLike, Profile, resolve_fields
from mappings.raw import FieldDef
from mappings.values import display_value, format_jira_datetime, parse_datetime, same_value
from sla.enums import ClockState
from sla.result import SlaResult

__all__ = [
    "DesiredFields",
    "breach_comment",
    "changed_fields",
    "desired_fields",
    "field_schema",
    "render_changes",
]


@dataclass(frozen=True, slots=True)
class DesiredFields:
    """What the issue should show: field id -> Jira JSON value, and SLA labels wanted or not."""

    fields: Mapping[str, Any]
    labels: Mapping[str, bool]
    names: Mapping[str, str]  # field id -> display name, for dry-run output
    hours_field_ids: frozenset[str]  # elapsed/remaining: the caller may refresh them less often


def desired_fields(
    result: SlaResult, profile: Profile, catalog: CatalogLike, *, include_hours: bool = True
) -> DesiredFields:
    """Jira values for the SLA figures the profile writes (absent in the profile = not written)."""
    resolved = resolve_fields(profile, catalog)
    w = profile.write
    flag = result.breached
    values: dict[str, Any] = {
        "due": lambda d: None if result.due_at is None else _encode_time(d, result.due_at),
        "state": lambda d: _encode(d, w.state_values[result.state]),
        "breached": lambda d: _encode_flag(d, flag, w.yes_value, w.no_value),
        "elapsed_hours": lambda d: _encode_number(d, result.elapsed_hours),
        "remaining_hours": lambda d: _encode_number(d, result.remaining_hours),
    }
    out: dict[str, Any] = {}
    names: dict[str, str] = {}
    hours: set[str] = set()
    for key, encode in values.items():
        fdef = resolved.by_key.get(key)
        if fdef is None:
            continue
        if key in HOURS_FIELDS:
            hours.add(fdef.id)
            if not include_hours:
                continue
        out[fdef.id] = encode(fdef)
        names[fdef.id] = fdef.name
    labels = {}
    if w.label_breached:
        labels[w.label_breached] = result.breached
    if w.label_at_risk:
        # A closed request can no longer be rescued: the at-risk label is for open ones.
        labels[w.label_at_risk] = (
            result.at_risk and not result.breached and result.state is not ClockState.STOPPED
        )
    return DesiredFields(out, labels, names, frozenset(hours))


def field_schema(fdef: FieldDef) -> tuple[str, str]:
    """(`schema.type`, `schema.custom`) of a field; empty strings when unknown."""
    return str(fdef.schema.get("type", "")), str(fdef.schema.get("custom", ""))


def _encode(fdef: FieldDef, text: str) -> Any:
    kind, _ = field_schema(fdef)
    if kind == "string":
        return text
    if kind == "array":
        return [{"value": text}] if fdef.schema.get("items") in (None, "option") else [text]
    return {"value": text}  # select / radio buttons; also the default when the schema is unknown


def _encode_flag(fdef: FieldDef, flag: bool, yes: str, no: str) -> Any:
    kind, custom = field_schema(fdef)
    if custom.endswith(":multicheckboxes") or kind == "array":
        return [{"value": yes}] if flag else []  # a checkbox: ticked "Yes" or nothing
    return _encode(fdef, yes if flag else no)


def _encode_number(fdef: FieldDef, hours: float) -> Any:
    value = round(hours, 2)
    return f"{value:.2f}" if field_schema(fdef)[0] == "string" else value


def _encode_time(fdef: FieldDef, at: datetime) -> str:
    return at.date().isoformat() if field_schema(fdef)[0] == "date" else format_jira_datetime(at)


def changed_fields(raw_issue_fields: Mapping[str, Any], desired: DesiredFields) -> dict[str, Any]:
    """Only the fields whose current value differs from the desired one (normalised compare)."""
    out = {
        fid: value
        for fid, value in desired.fields.items()
        if not same_value(raw_issue_fields.get(fid), value)
    }
    current = list(raw_issue_fields.get("labels") or [])
    # Only our labels move; everything else the team put there stays, in its order.
    wanted = [lb for lb in current if desired.labels.get(lb, True)]
    wanted += [lb for lb, want in desired.labels.items() if want and lb not in current]
    if wanted != current:
        out["labels"] = wanted
    return out


def render_changes(
    raw_issue_fields: Mapping[str, Any],
    changed: Mapping[str, Any],
    desired: DesiredFields,
    *,
    tz: tzinfo | None = None,
) -> list[str]:
    """One `name: old → new` line per changed field, for `--dry-run` (times shown in `tz`)."""
    lines = []
    for fid, new in changed.items():
        old = raw_issue_fields.get(fid)
        name = desired.names.get(fid, fid)
        anchor = new if new is not None else old
        try:
            anchor = parse_datetime(anchor) if isinstance(anchor, str) else None
        except ValueError:
            anchor = None
        if tz is not None:
            anchor = datetime(2000, 1, 1, tzinfo=tz)
        lines.append(f"{name}: {display_value(old, anchor)} → {display_value(new, anchor)}")
    return lines


def breach_comment(result: SlaResult, profile: Profile, enabled: bool | None = None) -> str | None:
    """The breach comment text for a breached request; `enabled` overrides the profile."""
    w = profile.write
    on = w.comment_enabled if enabled is None else enabled
    if not (on and result.breached):
        return None
    names = profile.priorities.names(result.priority)
    return w.comment_template.format(
        key=result.key,
        priority=names[0] if names else result.priority.value,
        target=_hours(result.target_hours),
        elapsed=_hours(result.elapsed_hours),
        breached_at=_when(result.breached_at),
        due=_when(result.due_at),
    )


def _hours(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _when(at: datetime | None) -> str:
    return "—" if at is None else at.strftime("%Y-%m-%d %H:%M %z")
