"""The `calendar:` section of the regulation and of per-customer policies.

A policy's calendar merges with the regulation's per key: date lists (`extra_holidays`,
`extra_working_days`) add up, mappings (`week` by weekday, `shortened_days` by date) merge
with the policy's entry winning, scalars override; `remove:` takes regulation dates out
for that customer.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from config.official_calendars import official_calendar
from sla import CalendarSpec, ConfigError
from sla.calendar import DayWindows

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def window(text: str) -> tuple[int, int]:
    """Minutes after midnight of an 'HH:MM-HH:MM' window (ValueError if malformed)."""
    try:
        start, end = (part.strip() for part in text.split("-"))
        sh, sm = (int(x) for x in start.split(":"))
        eh, em = (int(x) for x in end.split(":"))
    except ValueError:
        raise ValueError("a window 'HH:MM-HH:MM'") from None
    lo, hi = sh * 60 + sm, eh * 60 + em
    if not (0 <= sh < 24 and 0 <= sm < 60 and 0 <= em < 60 and 0 <= lo < hi <= 1440):
        raise ValueError("a window 'HH:MM-HH:MM' within one day, start before end")
    return lo, hi


def _valid_window(text: str) -> str:
    window(text)
    return text


WindowText = Annotated[str, AfterValidator(_valid_window)]


class CalendarModel(_Strict):
    """The regulation's `calendar:` section."""

    timezone: str = "Europe/Moscow"
    country: str | None = "RU"
    subdivision: str | None = None
    official: bool = True  # use the official production calendar shipped for the country
    shorten_pre_holidays: bool = True  # its shortened days end the last window an hour early
    week: dict[Weekday, list[WindowText]] = Field(
        default_factory=lambda: {
            d: (["09:00-18:00"] if d not in ("sat", "sun") else []) for d in WEEKDAYS
        }
    )
    extra_holidays: list[date] = Field(default_factory=list)
    extra_working_days: list[date] = Field(default_factory=list)
    shortened_days: dict[date, list[WindowText]] = Field(default_factory=dict)
    always_open: bool = False

    def spec(self) -> CalendarSpec:
        """The pure calendar spec, with the country's official calendar when one is shipped."""

        def parse(ws: list[str]) -> DayWindows:
            return tuple(window(w) for w in ws)

        return CalendarSpec(
            timezone=self.timezone,
            week=tuple(parse(self.week.get(d, [])) for d in WEEKDAYS),
            country=self.country,
            subdivision=self.subdivision,
            extra_holidays=frozenset(self.extra_holidays),
            extra_working_days=frozenset(self.extra_working_days),
            shortened_days={d: parse(ws) for d, ws in self.shortened_days.items()},
            always_open=self.always_open,
            official=official_calendar(self.country) if self.official else None,
            shorten_pre_holidays=self.shorten_pre_holidays,
        )


class _Remove(_Strict):
    extra_holidays: list[date] = Field(default_factory=list)
    extra_working_days: list[date] = Field(default_factory=list)
    shortened_days: list[date] = Field(default_factory=list)


class CalendarPatch(_Strict):
    """A policy's `calendar:`: only the keys it sets, merged onto the regulation's."""

    timezone: str | None = None
    country: str | None = None
    subdivision: str | None = None
    official: bool | None = None
    shorten_pre_holidays: bool | None = None
    week: dict[Weekday, list[WindowText]] | None = None
    extra_holidays: list[date] | None = None
    extra_working_days: list[date] | None = None
    shortened_days: dict[date, list[WindowText]] | None = None
    always_open: bool | None = None
    remove: _Remove | None = None

    def merged(self, base: CalendarModel, where: str) -> CalendarModel:
        """The regulation's calendar with this policy's keys merged in (see module doc)."""
        data = base.model_dump()
        for key in self.model_fields_set - {"remove"}:
            value = getattr(self, key)
            if key in ("extra_holidays", "extra_working_days"):
                data[key] = sorted(set(data[key]) | set(value or ()))
            elif key in ("week", "shortened_days"):
                data[key] = {**data[key], **(value or {})}
            else:
                data[key] = value
        if self.remove is not None:
            for key in ("extra_holidays", "extra_working_days", "shortened_days"):
                for i, day in enumerate(getattr(self.remove, key)):
                    if day not in data[key]:
                        raise ConfigError(
                            where, f"remove.{key}.{i}", f"a date in the regulation's {key}", day
                        )
                    if isinstance(data[key], dict):
                        del data[key][day]
                    else:
                        data[key].remove(day)
        return CalendarModel.model_validate(data)
