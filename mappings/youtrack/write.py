"""SlaResult -> YouTrack `customFields` entries (pure), with the "changed only" comparison.

Each entry is `{"name", "$type", "value"}` as `POST /api/issues/{id}` takes it; the `$type`
follows the field's type: https://www.jetbrains.com/help/youtrack/devportal/api-how-to-update-custom-fields-values.html
The result is the Jira module's `DesiredFields` keyed by field name, so the sync pass treats
both trackers alike; `labels` are YouTrack tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from mappings.jira.write import DesiredFields, breach_comment
from mappings.profile import HOURS_FIELDS, CatalogLike, Profile, as_catalog, resolve_fields
from mappings.raw import FieldDef
from mappings.values import norm_key
from mappings.youtrack import SystemFields, custom_fields, field_value
from sla.result import SlaResult

__all__ = [
    "DesiredFields",
    "breach_comment",
    "changed_fields",
    "current_labels",
    "desired_fields",
    "issue_field_type",
    "label_changes",
    "render_changes",
    "required_field_ids",
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


def _kind(fdef: FieldDef) -> str:
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
    kind = _kind(fdef)
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
    kind = _kind(fdef)
    if kind == "period":
        return {"minutes": round(hours * 60)}
    if kind == "integer":
        return round(hours)
    if kind in ("string", "text"):
        return _enc_text(fdef, f"{hours:.2f}")
    return round(hours, 2)


def _enc_time(fdef: FieldDef, at: datetime) -> Any:
    kind = _kind(fdef)
    if kind == "date":
        # YouTrack keeps a date field as 12:00 UTC of that day.
        return int(datetime.combine(at.date(), time(12), UTC).timestamp() * 1000)
    if kind in ("string", "text"):
        return _enc_text(fdef, at.isoformat(timespec="minutes"))
    return int(at.timestamp() * 1000)


def desired_fields(
    result: SlaResult, profile: Profile, catalog: CatalogLike, *, include_hours: bool = True
) -> DesiredFields:
    """`customFields` entries for the SLA figures the profile writes, keyed by field name."""
    resolved = resolve_fields(profile, catalog)
    w = profile.write
    encoders: dict[str, Any] = {
        "due": lambda d: None if result.due_at is None else _enc_time(d, result.due_at),
        "state": lambda d: _enc_text(d, w.state_values[result.state]),
        "breached": lambda d: _enc_flag(d, result.breached, w.yes_value, w.no_value),
        "elapsed_hours": lambda d: _enc_hours(d, result.elapsed_hours),
        "remaining_hours": lambda d: _enc_hours(d, result.remaining_hours),
    }
    out: dict[str, Any] = {}
    names: dict[str, str] = {}
    hours: set[str] = set()
    for key, encode in encoders.items():
        fdef = resolved.by_key.get(key)
        if fdef is None or f"write.{key}" not in profile.field_refs:
            continue
        if key in HOURS_FIELDS:
            hours.add(fdef.name)
            if not include_hours:
                continue
        out[fdef.name] = _entry(fdef, encode(fdef))
        names[fdef.name] = fdef.name
    labels = {}
    if w.label_breached:
        labels[w.label_breached] = result.breached
    if w.label_at_risk:
        labels[w.label_at_risk] = result.at_risk and not result.breached
    return DesiredFields(out, labels, names, frozenset(hours))


def _canonical(value: Any) -> Any:
    """Reduce an issue value or an entry value to what "already written" depends on."""
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


def _same(current: Any, desired: Any) -> bool:
    a, b = _canonical(current), _canonical(desired)
    if a is None or b is None:
        return a is b
    if a[0] == b[0] == "num":
        return abs(a[1] - b[1]) < 0.01 - 1e-9  # hours are written with 2 decimals
    if a[0] == b[0] == "time":
        return abs(a[1] - b[1]) < 60_000  # due times are minute-precise in the UI
    return a == b


def current_labels(raw_issue_fields: Mapping[str, Any]) -> list[str]:
    """The issue's tag names, in YouTrack's order."""
    return [str(t.get("name")) for t in raw_issue_fields.get("tags") or () if t.get("name")]


def changed_fields(raw_issue_fields: Mapping[str, Any], desired: DesiredFields) -> dict[str, Any]:
    """Entries whose current value differs (normalised), plus `labels` when tags must move."""
    current = custom_fields(raw_issue_fields)
    out: dict[str, Any] = {}
    for name, entry in desired.fields.items():
        cf = current.get(norm_key(name)) or {}
        if not _same(cf.get("value"), entry.get("value")):
            out[name] = entry
    have = current_labels(raw_issue_fields)
    wanted = [t for t in have if desired.labels.get(t, True)]
    wanted += [t for t, want in desired.labels.items() if want and t not in have]
    if wanted != have:
        out["labels"] = wanted
    return out


def label_changes(
    raw_issue_fields: Mapping[str, Any], changed: Mapping[str, Any]
) -> tuple[list[str], list[str]]:
    """(`labels_add`, `labels_remove`) for `Tracker.update` from `changed["labels"]`."""
    if "labels" not in changed:
        return [], []
    have, wanted = current_labels(raw_issue_fields), list(changed["labels"])
    return [t for t in wanted if t not in have], [t for t in have if t not in wanted]


def _show(value: Any, tz: tzinfo) -> str:
    canon = _canonical(value)
    if canon is None:
        return "—"
    kind, inner = canon
    if kind == "time":
        return datetime.fromtimestamp(inner / 1000, tz=tz).strftime("%Y-%m-%d %H:%M")
    if kind == "num":
        return f"{inner:.2f}".rstrip("0").rstrip(".")
    if kind == "set":
        return ", ".join(sorted(inner)) or "—"
    return str(field_value(value))


def render_changes(
    raw_issue_fields: Mapping[str, Any],
    changed: Mapping[str, Any],
    desired: DesiredFields,
    *,
    tz: tzinfo = UTC,
) -> list[str]:
    """One `name: old → new` line per changed field or tag set, for `--dry-run`."""
    current = custom_fields(raw_issue_fields)
    lines = []
    for name, new in changed.items():
        if name == "labels":
            old_tags = ", ".join(current_labels(raw_issue_fields)) or "—"
            lines.append(f"tags: {old_tags} → {', '.join(new) or '—'}")
            continue
        old = (current.get(norm_key(name)) or {}).get("value")
        label = desired.names.get(name, name)
        lines.append(f"{label}: {_show(old, tz)} → {_show(new.get('value'), tz)}")
    return lines


def required_field_ids(profile: Profile, catalog: CatalogLike) -> list[str]:
    """Custom field names a search must return (`customFields=`): tracked, read and SLA fields.

    Only names the catalog has are listed, so a localised instance gets no unknown names.
    """
    cat = as_catalog(catalog)
    sf = SystemFields()
    names = [*sf.state, *sf.priority, *sf.resolution, *sf.type]
    found = [m.name for n in names for m in cat.matches(n)]
    found += [d.name for d in resolve_fields(profile, cat).by_key.values()]
    return list(dict.fromkeys(found))
