"""Scenario files for the sandbox trackers: YAML loading and absolute/relative times.

Time syntax (see the header of scenarios/demo.yaml):
  2026-11-10T10:30:00+03:00   absolute ISO-8601 with offset
  now, now-3d, now-2h30m, now+1w2d   relative to the scenario's `now` (units w d h m s)
  day-5 10:30  or  {day: -5, at: "10:30"}   5 calendar days before now's date, 10:30 local time
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

__all__ = ["Scenario", "load_scenario", "parse_time", "synthetic_scenario"]

_REL = re.compile(r"^now(?:([+-])((?:\d+[wdhms])+))?$")
_PART = re.compile(r"(\d+)([wdhms])")
_DAY = re.compile(r"^day([+-]\d+)\s+(\d{1,2}):(\d{2})$")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_time(value: Any, now: datetime, tz: ZoneInfo) -> datetime:
    """Resolve an absolute or relative scenario time to an aware datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"scenario time {value!r} has no UTC offset")
        return value
    if isinstance(value, dict):
        if set(value) - {"day", "at"} or "day" not in value:
            raise ValueError(f"scenario time {value!r}: expected {{day: N, at: 'HH:MM'}}")
        hh, mm = str(value.get("at", "00:00")).split(":")
        return _day_at(now, tz, int(value["day"]), int(hh), int(mm))
    text = str(value).strip().replace(" ", "") if str(value).startswith("now") else str(value)
    if m := _REL.match(text):
        delta = sum(
            (
                timedelta(**{_UNITS[unit]: int(amount)})
                for amount, unit in _PART.findall(m.group(2) or "")
            ),
            timedelta(),
        )
        return now - delta if m.group(1) == "-" else now + delta
    if m := _DAY.match(text.strip()):
        return _day_at(now, tz, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"cannot read scenario time {value!r}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"scenario time {value!r} has no UTC offset")
    return parsed


def _day_at(now: datetime, tz: ZoneInfo, days: int, hh: int, mm: int) -> datetime:
    local: date = now.astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(local, time(hh, mm), tzinfo=tz)


@dataclass
class Scenario:
    """A loaded scenario: catalog overrides, users, issues (raw), options and faults."""

    name: str
    now: datetime
    timezone: ZoneInfo
    issues: list[dict[str, Any]] = field(default_factory=list)
    catalog: dict[str, Any] = field(default_factory=dict)
    users: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)
    fixed_now: bool = True

    def time(self, value: Any) -> datetime:
        """Resolve a scenario time expression against this scenario's `now`."""
        return parse_time(value, self.now, self.timezone)


def load_scenario(ref: str | Path | dict[str, Any] | Scenario | None = "demo") -> Scenario:
    """Load a scenario by name (package data), path, or an already parsed mapping."""
    if isinstance(ref, Scenario):
        return ref
    if ref is None:
        return from_mapping({"issues": []}, "empty")
    if isinstance(ref, dict):
        return from_mapping(ref, str(ref.get("name", "inline")))
    text, name = _read(ref)
    # libyaml's C parser when present: the demo scenario is parsed by most sandbox tests.
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"scenario {name}: the top level must be a mapping")
    return from_mapping(raw, name)


def _read(ref: str | Path) -> tuple[str, str]:
    text_ref = str(ref)
    if re.fullmatch(r"[\w-]+", text_ref):
        packaged = resources.files("sandbox").joinpath("scenarios", f"{text_ref}.yaml")
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8"), text_ref
    path = Path(text_ref)
    if not path.is_file():
        raise FileNotFoundError(f"scenario {text_ref!r}: no packaged scenario and no such file")
    return path.read_text(encoding="utf-8"), path.stem


def from_mapping(raw: dict[str, Any], name: str) -> Scenario:
    """Build a Scenario from a parsed YAML mapping."""
    tz = ZoneInfo(str(raw.get("timezone", "Europe/Moscow")))
    fixed = raw.get("now") is not None
    now = (
        parse_time(raw["now"], datetime.now(tz), tz)
        if fixed
        else datetime.now(tz).replace(microsecond=0)
    )
    return Scenario(
        name=name,
        now=now,
        timezone=tz,
        fixed_now=fixed,
        issues=list(raw.get("issues") or []),
        catalog={
            k: raw[k]
            for k in (
                "project",
                "projects",
                "statuses",
                "priorities",
                "resolutions",
                "issuetypes",
                "custom_fields",
            )
            if k in raw
        },
        users=list(raw.get("users") or []),
        options=dict(raw.get("options") or {}),
        faults=list(raw.get("faults") or []),
    )


_STATUS_FLOW = ["В работе", "Уточнение", "В работе", "Выполнено", "В работе"]
_PRIORITIES = ["Критический", "Высокий", "Средний", "Низкий"]
_CUSTOMERS = ["Магнит", "Лента", "Перекрёсток"]


def synthetic_scenario(
    n: int, changes_per_issue: int = 10, seed: int = 0, now: datetime | None = None
) -> Scenario:
    """A scenario with `n` SUP issues of ~`changes_per_issue` history entries each (for benches)."""
    rng = random.Random(seed)
    tz = ZoneInfo("Europe/Moscow")
    now = now or datetime(2026, 11, 18, 15, 0, tzinfo=tz)
    issues = []
    for i in range(1, n + 1):
        created = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 60))
        step = (now - created) / (changes_per_issue + 1)
        history = []
        status_i = 0
        for c in range(changes_per_issue):
            at = created + step * (c + 1)
            if c % 3 == 2:
                change = {"priority": rng.choice(_PRIORITIES)}
            elif c % 5 == 4:
                change = {"Линия поддержки": rng.choice("123")}
            else:
                change = {"status": _STATUS_FLOW[status_i % len(_STATUS_FLOW)]}
                if change["status"] == "Выполнено":
                    change["resolution"] = "Решена"
                status_i += 1
            history.append({"at": at, "by": "agent", "set": change})
        issues.append(
            {
                "key": f"SUP-{i}",
                "summary": f"Synthetic request {i}",
                "issuetype": "Запрос" if i % 2 else "Заявка на дефект",
                "created": created,
                "fields": {
                    "status": "Создана",
                    "priority": rng.choice(_PRIORITIES),
                    "Заказчик": rng.choice(_CUSTOMERS),
                    "Линия поддержки": "1",
                },
                "history": history,
            }
        )
    return Scenario(name=f"synthetic-{n}x{changes_per_issue}", now=now, timezone=tz, issues=issues)
