"""Tracker value parsing and comparison shared by the tracker mappings (pure)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

_SPACES = re.compile(r"\s+")
# Epoch numbers above this are milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973.
_MS_THRESHOLD = 1e11


def norm_key(value: object) -> str:
    """Matching key of a name or id: trimmed, inner whitespace collapsed, case-folded."""
    return _SPACES.sub(" ", str(value)).strip().casefold()


def parse_datetime(value: object) -> datetime:
    """Parse a tracker timestamp (ISO 8601 with any offset, or epoch s/ms) as an aware datetime."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, bool):
        raise ValueError(f"not a timestamp: {value!r}")
    elif isinstance(value, int | float):
        seconds = value / 1000 if abs(value) > _MS_THRESHOLD else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+(\.\d+)?", text):
            return parse_datetime(float(text))
        # Python 3.11 fromisoformat takes "Z", "+0300", "+03:00" and any number of fraction digits.
        parsed = datetime.fromisoformat(text)
    else:
        raise ValueError(f"not a timestamp: {value!r}")
    if parsed.utcoffset() is None:
        raise ValueError(f"timestamp {value!r} has no UTC offset")
    return parsed


def try_datetime(value: object) -> datetime | None:
    """`parse_datetime`, or None when the value is not an aware timestamp."""
    try:
        return parse_datetime(value)
    except (ValueError, TypeError, OverflowError):
        return None


def format_jira_datetime(value: datetime) -> str:
    """Jira's datetime field format in the value's own offset: 2026-11-18T18:00:00.000+0300."""
    return (
        value.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{value.microsecond // 1000:03d}"
        + (value.strftime("%z"))
    )


def option_value(raw: object) -> str | None:
    """The visible value of a select/user/version object, a plain string or a number."""
    if raw is None:
        return None
    if isinstance(raw, Mapping):
        for key in ("value", "name", "displayName", "key", "id"):
            if raw.get(key) is not None:
                return str(raw[key])
        return None
    if isinstance(raw, list | tuple):
        return option_value(raw[0]) if raw else None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    text = str(raw).strip()
    return text or None


def _canonical(value: Any) -> Any:
    """Reduce a field value to what matters for "is it already written": instant, values, number."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, Mapping):
        # A select option equals the same text in a text field: only the visible value counts.
        return ("str", option_value(value))
    if isinstance(value, list | tuple):
        return ("opts", frozenset(option_value(v) for v in value))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("num", float(value))
    if isinstance(value, str):
        instant = try_datetime(value) if not re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value) else None
        if instant is not None:
            return ("time", instant)
        try:
            return ("num", float(value))
        except ValueError:
            return ("str", value.strip())
    return ("str", str(value))


def same_value(current: Any, desired: Any) -> bool:
    """True when the tracker's current value already says what `desired` says."""
    a, b = _canonical(current), _canonical(desired)
    if a is None or b is None:
        return a is b
    if a[0] == b[0] == "num":
        # Hours are written rounded to 2 decimals; half a unit of the last digit is "the same".
        return math.isclose(a[1], b[1], abs_tol=0.005 + 1e-9)
    return a == b


def display_value(value: Any, tz_of: Any = None) -> str:
    """A short human rendering for dry-run output; datetimes are shown in `tz_of`'s offset."""
    canon = _canonical(value)
    if canon is None:
        return "—"
    kind, inner = canon
    if kind == "time":
        zone = tz_of.tzinfo if isinstance(tz_of, datetime) else inner.tzinfo
        return inner.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if kind == "opts":
        return ", ".join(sorted(v for v in inner if v)) or "—"
    if kind == "num":
        return f"{inner:.2f}".rstrip("0").rstrip(".")
    return str(inner)
