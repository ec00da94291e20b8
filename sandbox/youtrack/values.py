"""YouTrack sandbox value codecs: scenario and REST input to stored values, stored values to JSON.

Stored values: bundle value name (state/enum), login (user), aware datetime (date and time,
date), int/float/str, minutes (period), text. Issue JSON and activity JSON differ: an issue
carries one object per single-value field, an activity item carries lists of objects for
bundle/user fields and bare epoch ms / minutes for dates and periods (see the real capture
`youtrack_activities_customfield_state_datetime_period_user.ytrack.json`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sandbox.youtrack.catalog import YtCatalog, YtField, epoch_ms

__all__ = ["ValueError400", "activity_value", "issue_value", "parse_input", "scenario_value"]

# Types YouTrack accepts on write for a kind besides its own `$type`: a state field driven by a
# state machine is a StateMachineIssueCustomField (api-entity-StateMachineIssueCustomField).
# A date-and-time field is a SimpleIssueCustomField only (api-entity-SimpleIssueCustomField;
# DateIssueCustomField is the date-only field, api-entity-DateIssueCustomField).
_ALSO_ACCEPTED = {"state": {"StateMachineIssueCustomField"}}
# Period presentations: weeks, days, hours, minutes, with YouTrack's default 5-day weeks and
# 8-hour days (Time Tracking settings; https://www.jetbrains.com/help/youtrack/cloud/time-tracking.html).
_PERIOD_PART = re.compile(r"\s*(\d+)\s*([wdhm])", re.I)
_PERIOD_MINUTES = {"w": 5 * 8 * 60, "d": 8 * 60, "h": 60, "m": 1}


class ValueError400(ValueError):
    """A written value YouTrack would reject with 400 bad_request."""


def scenario_value(cat: YtCatalog, f: YtField, value: Any, time: Callable[[Any], datetime]) -> Any:
    """A scenario value (names, scenario times, numbers) as a stored value."""
    if value is None:
        return None
    if f.kind in ("state", "enum"):
        row = f.value_row(str(value))
        if row is None:
            raise ValueError(f"scenario: {f.name} has no value {value!r}")
        return row[1]
    if f.kind == "user":
        return cat.user(value).name
    if f.kind in ("date and time", "date"):
        return time(value)
    if f.kind == "float":
        return float(value)
    if f.kind in ("integer", "period"):
        return int(value)
    return str(value)


def parse_input(cat: YtCatalog, f: YtField, type_name: Any, value: Any) -> Any:
    """A `customFields[]` entry of `POST /api/issues/{id}` as a stored value, or ValueError400."""
    accepted = {f.issue_type, *_ALSO_ACCEPTED.get(f.kind, ())}
    if type_name is not None and type_name not in accepted:
        raise ValueError400(
            f"Incompatible field type: {type_name} cannot be used for the field {f.name!r} "
            f"of type {f.kind} (expected {f.issue_type})"
        )
    if value is None:
        if f.kind == "state":
            raise ValueError400(f"Field {f.name!r} cannot be empty")
        return None
    if f.kind in ("state", "enum"):
        ref = value.get("name") or value.get("id") if isinstance(value, dict) else None
        row = f.value_row(str(ref)) if ref else None
        if row is None:
            raise ValueError400(f"Unknown value {ref or value!r} for the field {f.name!r}")
        return row[1]
    if f.kind == "user":
        ref = value.get("login") or value.get("id") if isinstance(value, dict) else None
        user = next((u for u in cat.users.values() if ref in (u.name, cat.user_id(u))), None)
        if user is None:
            raise ValueError400(f"Unknown user {ref or value!r} for the field {f.name!r}")
        return user.name
    if f.kind in ("date and time", "date"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError400(f"Field {f.name!r} takes a timestamp in milliseconds")
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if f.kind in ("float", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError400(f"Field {f.name!r} takes a number")
        return float(value) if f.kind == "float" else int(value)
    if f.kind == "period":
        return _period_input(f, value)
    if f.kind == "text":
        text = value.get("text") if isinstance(value, dict) else value
        if not isinstance(text, str):
            raise ValueError400(f"Field {f.name!r} takes a TextFieldValue")
        return text
    if not isinstance(value, str):
        raise ValueError400(f"Field {f.name!r} takes a string")
    return value


def _period_input(f: YtField, value: Any) -> int:
    """Minutes of a written PeriodValue: `{"$type": "PeriodValue", "presentation": "2h 30m"}`.

    `minutes`, `presentation` and `id` are all marked read-only on PeriodValue
    (api-entity-PeriodValue); the documented write is the presentation text, as in the
    conditional-field example (api-troubleshoot-updating-conditional-field). A body with
    `minutes` is refused: the docs do not say the server reads it (they mark it read-only).
    """
    if not isinstance(value, dict) or value.get("$type", "PeriodValue") != "PeriodValue":
        raise ValueError400(f"Field {f.name!r} takes a PeriodValue")
    if "minutes" in value:
        raise ValueError400(f"PeriodValue.minutes is read-only (field {f.name!r})")
    text = value.get("presentation")
    parts = _PERIOD_PART.findall(text) if isinstance(text, str) else []
    if not parts or _PERIOD_PART.sub("", text).strip():
        raise ValueError400(f"Cannot parse period {text!r} for the field {f.name!r}")
    return sum(int(n) * _PERIOD_MINUTES[unit.lower()] for n, unit in parts)


def _period(minutes: int) -> dict[str, Any]:
    # YouTrack's default: 8-hour days, 5-day weeks.
    d, rest = divmod(minutes, 8 * 60)
    h, m = divmod(rest, 60)
    text = " ".join(f"{n}{u}" for n, u in ((d, "d"), (h, "h"), (m, "m")) if n) or "0m"
    iso = "P" + (f"{d}D" if d else "") + ("T" + f"{h}H" * bool(h) + f"{m}M" * bool(m))
    return {
        "$type": "PeriodValue",
        "id": iso.rstrip("T") if minutes else "PT0M",
        "minutes": minutes,
        "presentation": text,
    }


def issue_value(cat: YtCatalog, f: YtField, value: Any) -> Any:
    """The `value` of an issue's custom field."""
    if value is None:
        return None
    if f.kind in ("state", "enum"):
        return cat.bundle_value_json(f, f.value_row(value) or ("0-0", value, False))
    if f.kind == "user":
        return cat.user_json(value)
    if f.kind in ("date and time", "date"):
        return epoch_ms(value)
    if f.kind == "period":
        return _period(value)
    if f.kind == "text":
        return {"$type": "TextFieldValue", "id": "text", "text": value, "markdownText": value}
    return value


def activity_value(cat: YtCatalog, f: YtField, value: Any) -> Any:
    """The `added` / `removed` of a CustomFieldActivityItem."""
    if f.kind in ("state", "enum", "user"):
        return [] if value is None else [issue_value(cat, f, value)]
    if f.kind in ("date and time", "date"):
        return epoch_ms(value)
    return value  # period: bare minutes; numbers and strings: bare values
