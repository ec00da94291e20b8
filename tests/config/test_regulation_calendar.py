"""The regulation's calendar: the official data by default, and per-key policy merging."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from config.regulation import default_regulation_path, load_regulation
from sla import ConfigError
from tests.helpers import HOUR, msk


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(default_regulation_path().read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "regulation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _policy(d, calendar) -> None:
    d["policies"] = [{"name": "magnit", "customers": ["Магнит"], "calendar": calendar}]


def test_the_default_policy_runs_on_the_official_calendar():
    cal = load_regulation().policies.default.calendar
    assert cal.official_years() == tuple(range(2013, 2028))
    assert cal.windows_on(date(2025, 11, 1)) == ((9 * 60, 17 * 60),)
    assert not cal.is_working_day(date(2020, 4, 15))  # non-working by decree


def test_official_false_falls_back_to_the_holidays_package(tmp_path):
    reg = load_regulation(_write(tmp_path, lambda d: d["calendar"].update(official=False)))
    cal = reg.policies.default.calendar
    assert cal.official_years() == ()
    assert cal.windows_on(date(2025, 11, 1)) == ((9 * 60, 18 * 60),)  # not shortened
    assert cal.is_working_day(date(2020, 4, 15))  # the package has no decree days


def test_an_empty_country_in_the_regulation_names_the_file_and_key(tmp_path):
    path = _write(tmp_path, lambda d: d["calendar"].update(country=""))
    with pytest.raises(ConfigError) as err:
        load_regulation(path)
    assert str(err.value).startswith(f"{path}: calendar.country: expected a country code")


def test_policy_date_lists_add_to_the_regulation_s(tmp_path):
    def mutate(d):
        d["calendar"]["extra_holidays"] = [date(2026, 12, 30)]
        _policy(d, {"extra_holidays": [date(2026, 12, 29)]})

    reg = load_regulation(_write(tmp_path, mutate))
    magnit = reg.policies.for_customer("Магнит").calendar
    assert magnit.spec.extra_holidays == {date(2026, 12, 29), date(2026, 12, 30)}
    assert reg.policies.default.calendar.spec.extra_holidays == {date(2026, 12, 30)}
    assert magnit.spec.official is not None  # the official data is kept, not replaced


def test_policy_removes_a_regulation_date_for_its_customer_only(tmp_path):
    def mutate(d):
        d["calendar"]["extra_holidays"] = [date(2026, 12, 30)]
        d["calendar"]["shortened_days"] = {date(2026, 12, 29): ["09:00-16:00"]}
        _policy(d, {"remove": {"extra_holidays": [date(2026, 12, 30)]}})

    reg = load_regulation(_write(tmp_path, mutate))
    magnit = reg.policies.for_customer("магнит").calendar
    assert magnit.is_working_day(date(2026, 12, 30))
    assert magnit.windows_on(date(2026, 12, 29)) == ((9 * 60, 16 * 60),)  # kept
    assert not reg.policies.default.calendar.is_working_day(date(2026, 12, 30))


def test_policy_week_and_shortened_days_merge_by_key_and_scalars_override(tmp_path):
    def mutate(d):
        _policy(
            d,
            {
                "week": {"sat": ["10:00-14:00"]},
                "shortened_days": {date(2026, 12, 30): ["09:00-15:00"]},
                "shorten_pre_holidays": False,
            },
        )

    magnit = load_regulation(_write(tmp_path, mutate)).policies.for_customer("Магнит").calendar
    assert magnit.windows_on(date(2026, 12, 5)) == ((600, 840),)  # Saturday added
    assert magnit.windows_on(date(2026, 12, 7)) == ((540, 1080),)  # Monday kept
    assert magnit.windows_on(date(2026, 12, 30)) == ((540, 900),)
    assert magnit.business_seconds(msk(2026, 11, 3), msk(2026, 11, 4)) == 9 * HOUR


@pytest.mark.parametrize(
    ("calendar", "key", "expected"),
    [
        (
            {"remove": {"extra_holidays": [date(2026, 1, 2)]}},
            "policies.0.calendar.remove.extra_holidays.0",
            "a date in the regulation's extra_holidays",
        ),
        ({"week": {"sat": ["14:00-10:00"]}}, "policies.0.calendar.week.sat.0", "HH:MM"),
        ({"country": ""}, "policies.0.calendar.country", "a country code"),
        ({"holidays": []}, "policies.0.calendar.holidays", "unknown key"),
    ],
)
def test_a_wrong_policy_calendar_names_the_policy_and_key(tmp_path, calendar, key, expected):
    path = _write(tmp_path, lambda d: _policy(d, calendar))
    with pytest.raises(ConfigError) as err:
        load_regulation(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: expected"), message
    assert expected in message and "\n" not in message
