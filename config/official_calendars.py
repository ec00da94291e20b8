"""Official production calendars shipped as data (`config/calendars/<country>.yaml`).

One file per country code, one entry per year with the acts it comes from; loaded into a
pure `sla.official.OfficialCalendar`. Another country (BY, KZ) is another file in the same
format. The loader checks each year against the rules of the law (see the file's header),
so a typo in the data fails loudly, naming the file and the key.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from config import yaml_text
from sla.errors import ConfigError
from sla.official import DayKind, OfficialCalendar, OfficialDay

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Law(_Strict):
    holidays: str
    observed: str
    shortened: str


class _Decree(_Strict):
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    act: str
    unconfirmed: str | None = None


class _Year(_Strict):
    transfers: str
    unconfirmed: str | None = None
    holidays: dict[date, str] = Field(default_factory=dict)  # movable ones, if a country has
    moved: dict[date, date] = Field(default_factory=dict)
    observed: dict[date, date] = Field(default_factory=dict)
    working: list[date] = Field(default_factory=list)
    shortened: list[date] = Field(default_factory=list)
    decreed: list[_Decree] = Field(default_factory=list)
    notes: dict[date, str] = Field(default_factory=dict)


class _File(_Strict):
    country: str = Field(min_length=2)
    name: str
    law: _Law
    fixed_holidays: dict[str, str]
    weekend_holidays_replaced: bool = True  # RU: a weekend holiday gives a later day off
    observed_excluded_months: list[int] = Field(default_factory=list)
    years: dict[int, _Year] = Field(min_length=1)


def calendars_dir() -> Path:
    """Where the shipped official calendars live (`config/calendars/`)."""
    return Path(str(resources.files("config").joinpath("calendars")))


def official_calendar(country: str | None) -> OfficialCalendar | None:
    """The shipped official calendar of a country code, or None when none is shipped."""
    if not country or not country.strip():
        return None
    path = calendars_dir() / f"{country.strip().lower()}.yaml"
    return _load_cached(path) if path.is_file() else None


@functools.cache
def _load_cached(path: Path) -> OfficialCalendar:
    return load_official_calendar(path)


def load_official_calendar(path: str | Path) -> OfficialCalendar:
    """Read, validate and check one official calendar file; ConfigError names file and key."""
    file = Path(path)
    try:
        raw = yaml_text.safe_load(file.read_text(encoding="utf-8"))
        model = _File.model_validate(raw)
    except OSError as exc:
        raise ConfigError(file, "", "a readable YAML file", exc.strerror) from None
    except yaml.YAMLError as exc:
        raise ConfigError(file, "", "valid YAML", getattr(exc, "problem", str(exc))) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise ConfigError(file, key, str(err["msg"]), err.get("input")) from None
    try:
        days: dict[date, OfficialDay] = {}
        for year, entry in model.years.items():
            days.update(_Builder(model, year, entry).build())
    except _Bad as bad:
        raise ConfigError(file, bad.key, bad.expected, bad.got) from None
    years = {y: _citation(e) for y, e in model.years.items()}
    return OfficialCalendar(
        model.country.upper(), years, days, source=f"{model.name} ({file.name})"
    )


class _Bad(Exception):
    def __init__(self, key: str, expected: str, got: Any) -> None:
        super().__init__(key)
        self.key, self.expected, self.got = key, expected, got


def _citation(entry: _Year) -> str:
    text = entry.transfers
    return f"{text} (not cross-checked: {entry.unconfirmed})" if entry.unconfirmed else text


def _short(act: str) -> str:
    # Notes cite an act by its kind, date and number; the title is in the file.
    return act.split(" «")[0].strip()


class _Builder:
    """Turns one year's facts into dated entries, checking them against the law."""

    def __init__(self, model: _File, year: int, entry: _Year) -> None:
        self.model, self.year, self.entry = model, year, entry
        self.key = f"years.{year}"
        self.days: dict[date, OfficialDay] = {}
        self.holidays = self._holidays()

    def build(self) -> dict[date, OfficialDay]:
        law, entry, act = self.model.law, self.entry, _short(self.entry.transfers)
        for day, name in self.holidays.items():
            self._off(day, f"public holiday {name} ({law.holidays})", "holidays")
        for to, frm in entry.moved.items():
            self._weekday(to, f"moved.{to}")
            self._off(to, f"day off moved from {_WEEKDAYS[frm.weekday()]} {frm} ({act})", "moved")
        for to, holiday in entry.observed.items():
            self._weekday(to, f"observed.{to}")
            if holiday not in self.holidays or holiday.weekday() < 5:
                raise _Bad(f"{self.key}.observed.{to}", "a public holiday on a weekend", holiday)
            name = self.holidays[holiday]
            reason = f"day off for {name} on {_WEEKDAYS[holiday.weekday()]} {holiday}"
            self._off(to, f"{reason} ({law.observed})", "observed")
        self._check_replaced()
        for i, day in enumerate(entry.working):
            if day.weekday() < 5 or day in self.days:
                raise _Bad(f"{self.key}.working.{i}", "a Saturday or Sunday not off", day)
            self._put(day, DayKind.WORKING, f"working {_WEEKDAYS[day.weekday()]} ({act})", i)
        for to, frm in entry.moved.items():
            if frm.weekday() >= 5 and frm not in self.holidays and frm not in entry.working:
                raise _Bad(f"{self.key}.moved.{to}", f"{frm} listed under working", frm)
        for i, day in enumerate(entry.shortened):
            if day in self.days and self.days[day].kind is DayKind.DAY_OFF:
                raise _Bad(f"{self.key}.shortened.{i}", "a working day, not a day off", day)
            if day.weekday() >= 5 and day not in entry.working:
                raise _Bad(f"{self.key}.shortened.{i}", "a weekday or a working weekend day", day)
            reason = f"shortened pre-holiday day ({law.shortened})"
            self._put(day, DayKind.SHORTENED, reason, i, replace=True)
        for i, decree in enumerate(entry.decreed):
            self._decree(i, decree)
        for day, note in entry.notes.items():
            if day not in self.days:
                raise _Bad(f"{self.key}.notes.{day}", "a date listed in this year", day)
            old = self.days[day]
            self.days[day] = OfficialDay(old.kind, f"{old.reason}; {note}")
        return self.days

    def _holidays(self) -> dict[date, str]:
        out: dict[date, str] = {}
        for md, name in self.model.fixed_holidays.items():
            try:
                out[date.fromisoformat(f"{self.year}-{md}")] = name
            except ValueError:
                raise _Bad(f"fixed_holidays.{md}", "a date MM-DD", md) from None
        for day, name in self.entry.holidays.items():
            self._in_year(day, f"holidays.{day}")
            out[day] = name
        return out

    def _check_replaced(self) -> None:
        # ТК РФ ст. 112 ч. 2: a holiday on a weekend (not in January) gives a later day off;
        # the year must say which (observed), or where the resolution moved it (moved).
        if not self.model.weekend_holidays_replaced:
            return  # e.g. Belarus: a holiday on a weekend is simply lost
        sources = set(self.entry.observed.values()) | set(self.entry.moved.values())
        for day in sorted(self.holidays):
            if day.weekday() < 5 or day.month in self.model.observed_excluded_months:
                continue
            if not any(day + timedelta(days=k) in sources for k in range(3)):
                raise _Bad(f"{self.key}.observed", "the day off for this weekend holiday", day)

    def _decree(self, i: int, decree: _Decree) -> None:
        if decree.end < decree.start:
            raise _Bad(f"{self.key}.decreed.{i}.to", "a date on or after `from`", decree.end)
        day = decree.start
        reason = f"non-working day ({_short(decree.act)})"
        while day <= decree.end:
            self._in_year(day, f"decreed.{i}")
            old = self.days.get(day)
            # A holiday or moved day off keeps its own reason; a working day yields.
            if old is None or old.kind is not DayKind.DAY_OFF:
                self.days[day] = OfficialDay(DayKind.DAY_OFF, reason)
            day += timedelta(days=1)

    def _off(self, day: date, reason: str, where: str) -> None:
        self._in_year(day, f"{where}.{day}")
        if day in self.days and where != "holidays":
            raise _Bad(f"{self.key}.{where}.{day}", "a day not already off", day)
        self.days[day] = OfficialDay(DayKind.DAY_OFF, reason)

    def _put(self, day: date, kind: DayKind, reason: str, i: int, replace=False) -> None:
        self._in_year(day, f"{kind.value}.{i}")
        if day in self.days and not replace:
            raise _Bad(f"{self.key}.{kind.value}.{i}", "a date listed once", day)
        self.days[day] = OfficialDay(kind, reason)

    def _weekday(self, day: date, where: str) -> None:
        if day.weekday() >= 5:
            raise _Bad(f"{self.key}.{where}", "a Monday-Friday (a weekend is off anyway)", day)

    def _in_year(self, day: date, where: str) -> None:
        if day.year != self.year:
            raise _Bad(f"{self.key}.{where}", f"a date in {self.year}", day)
