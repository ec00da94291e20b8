"""The shipped official calendar file loads, and a wrong one is refused naming file and key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from config.official_calendars import calendars_dir, load_official_calendar, official_calendar
from sla import ConfigError
from sla.official import DayKind

RU_FILE = calendars_dir() / "ru.yaml"


def test_the_shipped_russian_calendar_covers_2013_to_2027_with_a_resolution_per_year():
    cal = official_calendar("RU")
    assert cal is not None and cal.country == "RU"
    assert tuple(cal.years) == tuple(range(2013, 2028))
    for year, citation in cal.years.items():
        assert citation.startswith("Постановление Правительства РФ от "), year
        assert f"в {year} году" in citation


def test_the_registry_is_by_country_code_and_returns_none_without_data():
    assert official_calendar("ru") is official_calendar("RU")
    assert official_calendar("DE") is None
    assert official_calendar(None) is None
    assert official_calendar("") is None


def test_decree_days_cite_their_decree_and_holidays_their_article():
    cal = official_calendar("RU")
    assert cal is not None
    may = cal.day(date(2021, 5, 5))
    assert may is not None and may.kind is DayKind.DAY_OFF
    assert may.reason == "non-working day (Указ Президента РФ от 23.04.2021 № 242)"
    victory = cal.day(date(2024, 5, 9))
    assert victory is not None and victory.reason == "public holiday День Победы (ТК РФ ст. 112)"


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(RU_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "ru.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "key", "expected"),
    [
        (  # a typo turning a working Saturday into a Friday
            lambda d: d["years"][2024]["working"].__setitem__(0, date(2024, 4, 26)),
            "years.2024.working.0",
            "a Saturday or Sunday",
        ),
        (  # forgetting that 8 March 2026 (Sunday) gives Monday 9 March off
            lambda d: d["years"][2026]["observed"].pop(date(2026, 3, 9)),
            "years.2026.observed",
            "the day off for this weekend holiday",
        ),
        (  # a moved day off landing on a Saturday
            lambda d: d["years"][2024]["moved"].__setitem__(date(2024, 5, 11), date(2024, 1, 6)),
            "years.2024.moved.2024-05-11",
            "a Monday-Friday",
        ),
        (  # a shortened day that is a day off
            lambda d: d["years"][2025]["shortened"].append(date(2025, 5, 2)),
            "years.2025.shortened.4",
            "a working day, not a day off",
        ),
        (  # a date typed into the wrong year
            lambda d: d["years"][2023]["shortened"].append(date(2024, 3, 7)),
            "years.2023.shortened.3",
            "a date in 2023",
        ),
        (  # a Saturday's day off moved without the Saturday made working
            lambda d: d["years"][2024]["working"].remove(date(2024, 4, 27)),
            "years.2024.moved.2024-04-29",
            "listed under working",
        ),
        (
            lambda d: d["years"][2021]["decreed"][0].update(to=date(2021, 5, 1)),
            "years.2021.decreed.0.to",
            "on or after `from`",
        ),
        (lambda d: d["years"][2024].update(workng=[]), "years.2024.workng", "Extra inputs"),
    ],
)
def test_a_wrong_official_calendar_file_names_the_file_and_the_key(tmp_path, mutate, key, expected):
    path = _write(tmp_path, mutate)
    with pytest.raises(ConfigError) as err:
        load_official_calendar(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: expected"), message
    assert expected in message and "\n" not in message


def test_a_missing_official_calendar_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="a readable YAML file"):
        load_official_calendar(tmp_path / "by.yaml")
