"""SlaResult -> YouTrack `customFields` entries (pure): the encoding, comparison and rendering.

Each entry is `{"name", "$type", "value"}` as `POST /api/issues/{id}` takes it; the `$type`
follows the field's type: https://www.jetbrains.com/help/youtrack/devportal/api-how-to-update-custom-fields-values.html
Entries are keyed by field name (YouTrack's field ids are names); which figures are written
and the diff are `mappings.desired`'s; `labels` are YouTrack tags.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from mappings.desired import build_desired, describe_changes, diff
from mappings.port import DesiredFields, FieldChanges
from mappings.profile import CatalogLike, Profile, resolve_fields
from mappings.raw import FieldDef
from mappings.values import norm_key
from mappings.youtrack.shapes import custom_fields, field_value

__all__ = [
    "ENCODER",
    "changed_fields",
    "current_labels",
    "desired_fields",
    "field_kind",
    "issue_field_type",
    "render_changes",
    "same",
    "show",
]

# valueType -> IssueCustomField `$type` (single-value form; multi-value adds "Multi").
# https://www.jetbrains.com/help/youtrack/devportal/api-entity-IssueCustomField.html
_BUNDLED = {"enum": "Enum", "user": "User", "ownedField": "Owned", "version": "Version"}
_BUNDLED |= {"build": "Build", "group": "Group"}
_PLAIN = {"state": "StateIssueCustomField", "date": "DateIssueCustomField"}
_PLAIN |= {"period": "PeriodIssueCustomField", "text": "TextIssueCustomField"}
_MS_EPOCH = 1e11  # epoch numbers above this are milliseconds (see mappings.values)


def _value_type(fdef: FieldDef) -> str:
    # Older servers send only `fieldType.id` ("enum[1]", "date and time"), not `valueType`.
    vt = fdef.schema.get("valueType") or str(fdef.schema.get("fieldType") or "").split("[")[0]
    return str(vt or "")


def issue_field_type(fdef: FieldDef) -> str:
    """The IssueCustomField `$type` to POST for a field (from the issue itself when known)."""
    if known := fdef.schema.get("$type"):
        return str(known)
    vt = _value_type(fdef)
    if vt in _BUNDLED:
        multi = fdef.schema.get("multi") or str(fdef.schema.get("fieldType", "")).endswith("[*]")
        return f"{'Multi' if multi else 'Single'}{_BUNDLED[vt]}IssueCustomField"
    return _PLAIN.get(vt, "SimpleIssueCustomField")  # date and time, integer, float, string


def field_kind(fdef: FieldDef) -> str:
    """The value type of a field (enum, date, period, float, string, …), for encoding and check."""
    vt = _value_type(fdef)
    if vt:
        return vt
    t = issue_field_type(fdef)
    return {"DateIssueCustomField": "date", "PeriodIssueCustomField": "period"}.get(
        t, "text" if t == "TextIssueCustomField" else "enum"
    )


def _entry(fdef: FieldDef, value: Any) -> dict[str, Any]:
    return {"name": fdef.name, "$type": issue_field_type(fdef), "value": value}


def _enc_text(fdef: FieldDef, text: str) -> Any:
    kind = field_kind(fdef)
    if kind == "string":
        return text
    if kind == "text":
        return {"text": text}
    return [{"name": text}] if "Multi" in issue_field_type(fdef) else {"name": text}


def _enc_flag(fdef: FieldDef, flag: bool, yes: str, no: str) -> Any:
    if "Multi" in issue_field_type(fdef):
        return [{"name": yes}] if flag else []  # a checkbox-like multi enum: "Yes" or nothing
    return _enc_text(fdef, yes if flag else no)


def _enc_hours(fdef: FieldDef, hours: float) -> Any:
    kind = field_kind(fdef)
    if kind == "period":
        # PeriodValue.minutes is read-only; the documented write is the presentation text
        # (api-entity-PeriodValue, api-troubleshoot-updating-conditional-field). A period has
        # no sign, so an overrun shows as 0 in a period field (a number field keeps the sign).
        minutes = max(0, round(hours * 60))
        return {"$type": "PeriodValue", "presentation": f"{minutes // 60}h {minutes % 60}m"}
    if kind == "integer":
        return round(hours)
    if kind in ("string", "text"):
        return _enc_text(fdef, f"{hours:.2f}")
    return round(hours, 2)


def _enc_time(fdef: FieldDef, at: datetime) -> Any:
    kind = field_kind(fdef)
    if kind == "date":
        # YouTrack keeps a date field as 12:00 UTC of that day.
        return int(datetime.combine(at.date(), time(12), UTC).timestamp() * 1000)
    if kind in ("string", "text"):
        return _enc_text(fdef, at.isoformat(timespec="minutes"))
    return int(at.timestamp() * 1000)


class _YouTrackEncoder:
    """`customFields` entries for each kind of SLA value, by the field's type."""

    def text(self, fdef: FieldDef, text: str) -> Any:
        return _enc_text(fdef, text)

    def flag(self, fdef: FieldDef, flag: bool, yes: str, no: str) -> Any:
        return _enc_flag(fdef, flag, yes, no)

    def hours(self, fdef: FieldDef, hours: float) -> Any:
        return _enc_hours(fdef, hours)

    def time(self, fdef: FieldDef, at: datetime) -> Any:
        return _enc_time(fdef, at)

    def entry(self, fdef: FieldDef, value: Any) -> Any:
        return _entry(fdef, value)


ENCODER = _YouTrackEncoder()


def desired_fields(
    result: Any, profile: Profile, catalog: CatalogLike, *, include_hours: bool = True
) -> DesiredFields:
    """`customFields` entries for the SLA figures the profile writes, keyed by field name."""
    resolved = resolve_fields(profile, catalog)
    return build_desired(result, profile, resolved, ENCODER, include_hours=include_hours)


_PERIOD_PART = re.compile(r"(\d+)\s*([wdhm])", re.I)
_PERIOD_MINUTES = {"w": 5 * 8 * 60, "d": 8 * 60, "h": 60, "m": 1}  # YouTrack's default week


def _period_minutes(value: Mapping[str, Any]) -> int | None:
    """Minutes of a PeriodValue: its `minutes` (read), or its `presentation` (our write)."""
    if isinstance(value.get("minutes"), int):
        return int(value["minutes"])
    parts = _PERIOD_PART.findall(str(value.get("presentation") or ""))
    return sum(int(n) * _PERIOD_MINUTES[u.lower()] for n, u in parts) if parts else None


def _canonical(value: Any) -> Any:
    """Reduce an issue value or an entry value to what "already written" depends on."""
    if isinstance(value, Mapping) and value.get("$type") == "PeriodValue":
        minutes = _period_minutes(value)
        return None if minutes is None else ("period", float(minutes))
    if isinstance(value, list | tuple):
        items = frozenset(str(field_value(v)).casefold() for v in value)
        return ("set", items) if items else None
    if isinstance(value, Mapping):
        value = field_value(value)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return ("str", str(value).casefold())
    if isinstance(value, int | float):
        return ("time" if abs(value) > _MS_EPOCH else "num", float(value))
    text = str(value).strip()
    try:
        return ("num", float(text))
    except ValueError:
        return ("str", norm_key(text))


def _unwrap(value: Any) -> Any:
    """The value inside a `customFields` entry (other values pass through)."""
    if isinstance(value, Mapping) and {"name", "$type", "value"} <= value.keys():
        return value["value"]
    return value


def same(current: Any, desired: Any) -> bool:
    """True when a field's current value already says what a desired entry (or value) says."""
    a, b = _canonical(current), _canonical(_unwrap(desired))
    if a is None or b is None:
        return a is b
    if a[0] == b[0] == "num":
        return abs(a[1] - b[1]) < 0.01 - 1e-9  # hours are written with 2 decimals
    if a[0] == b[0] == "period":
        return abs(a[1] - b[1]) < 1  # whole minutes
    if a[0] == b[0] == "time":
        return abs(a[1] - b[1]) < 60_000  # due times are minute-precise in the UI
    return a == b


def current_labels(raw_issue_fields: Mapping[str, Any]) -> list[str]:
    """The issue's tag names, in YouTrack's order."""
    return [str(t.get("name")) for t in raw_issue_fields.get("tags") or () if t.get("name")]


def _current_values(raw_issue_fields: Mapping[str, Any], desired: DesiredFields) -> dict[str, Any]:
    current = custom_fields(raw_issue_fields)
    return {name: (current.get(norm_key(name)) or {}).get("value") for name in desired.fields}


def changed_fields(raw_issue_fields: Mapping[str, Any], desired: DesiredFields) -> FieldChanges:
    """Entries whose current value differs (normalised), and the tags to add or remove."""
    current = _current_values(raw_issue_fields, desired)
    return diff(current, current_labels(raw_issue_fields), desired, same)


def show(value: Any, tz: tzinfo) -> str:
    """A field value (or a desired entry) for dry-run output; times in `tz`."""
    value = _unwrap(value)
    canon = _canonical(value)
    if canon is None:
        return "—"
    kind, inner = canon
    if kind == "time":
        return datetime.fromtimestamp(inner / 1000, tz=tz).strftime("%Y-%m-%d %H:%M")
    if kind == "num":
        return f"{inner:.2f}".rstrip("0").rstrip(".")
    if kind == "period":
        return f"{int(inner) // 60}h {int(inner) % 60}m"
    if kind == "set":
        return ", ".join(sorted(inner)) or "—"
    return str(field_value(value))


def render_changes(
    raw_issue_fields: Mapping[str, Any],
    changes: FieldChanges,
    desired: DesiredFields,
    *,
    tz: tzinfo = UTC,
) -> list[str]:
    """One `name: old → new` line per changed field or tag set, for `--dry-run`."""
    current = _current_values(raw_issue_fields, desired)
    labels = current_labels(raw_issue_fields)
    return describe_changes(current, labels, changes, desired, show, tz, labels_name="tags")
