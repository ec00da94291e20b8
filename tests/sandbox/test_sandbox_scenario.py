"""Scenario files: time syntax, the shipped demo, synthetic projects."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sandbox import load_scenario, parse_time, start_sandbox, synthetic_scenario

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=MSK)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("now", NOW),
        ("now-3d", datetime(2026, 11, 15, 15, 0, tzinfo=MSK)),
        ("now-2h30m", datetime(2026, 11, 18, 12, 30, tzinfo=MSK)),
        ("now+1w", datetime(2026, 11, 25, 15, 0, tzinfo=MSK)),
        ("day-5 10:30", datetime(2026, 11, 13, 10, 30, tzinfo=MSK)),
        ({"day": -14, "at": "09:00"}, datetime(2026, 11, 4, 9, 0, tzinfo=MSK)),
        ("2026-10-19T10:00:00+03:00", datetime(2026, 10, 19, 10, 0, tzinfo=MSK)),
    ],
)
def test_scenario_times_are_absolute_or_relative_to_now(expr: object, expected: datetime) -> None:
    assert parse_time(expr, NOW, MSK) == expected


@pytest.mark.parametrize("bad", ["2026-10-19T10:00:00", "yesterday", {"days": 1}])
def test_scenario_times_without_offset_or_unknown_syntax_are_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_time(bad, NOW, MSK)


def test_demo_scenario_loads_with_every_status_priority_and_resolution() -> None:
    with start_sandbox(scenario="demo") as sb:
        state, cat = sb.state, sb.state.cat
        assert len(state.issues) == 50 and sb.now == NOW
        used = {
            f: {i.fields[f] for i in state.issues.values()}
            for f in ("status", "priority", "resolution", "issuetype", "customfield_10101")
        }
        assert used["status"] == {s["id"] for s in cat.statuses}
        assert used["priority"] == {p["id"] for p in cat.priorities}
        assert used["resolution"] - {None} == {r["id"] for r in cat.resolutions}
        assert len(used["issuetype"]) == 2 and len(used["customfield_10101"]) >= 3
        registered = [i for i in state.issues.values() if i.fields["customfield_10103"]]
        assert any(i.fields["customfield_10103"] < i.fields["created"] for i in registered)
        assert all(i.fields["updated"] <= NOW for i in state.issues.values())


def test_default_vocabulary_matches_the_mapping_profile() -> None:
    with start_sandbox(scenario=None) as sb:
        cat = sb.state.cat
        assert [s["name"] for s in cat.statuses] == [
            "Создана",
            "В работе",
            "Уточнение",
            "Выполнено",
        ]
        assert [p["name"] for p in cat.priorities] == [
            "Критический",
            "Высокий",
            "Средний",
            "Низкий",
        ]
        assert "Отозвана" in [r["name"] for r in cat.resolutions]
        assert [c.name for c in cat.custom.values()] == [
            "Линия поддержки",
            "Заказчик",
            "Канал",
            "Дата регистрации",
            "SLA due",
            "SLA state",
            "SLA breached",
            "SLA elapsed h",
            "SLA remaining h",
        ]


def test_scenario_is_found_by_name_or_path(tmp_path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("now: 2026-01-01T12:00:00+03:00\nissues:\n  - key: SUP-7\n", "utf-8")
    assert load_scenario(str(path)).issues[0]["key"] == "SUP-7"
    assert load_scenario("demo").name == "demo"
    with pytest.raises(FileNotFoundError):
        load_scenario("no-such-scenario")


def test_synthetic_scenario_builds_the_issues_and_histories_asked_for() -> None:
    # How fast 10 000 issues load is measured in `make bench`, not asserted here.
    with start_sandbox(scenario=synthetic_scenario(2_000, 10, seed=3)) as sb:
        assert len(sb.state.issues) == 2_000
        assert sum(len(i.histories) for i in sb.state.issues.values()) >= 16_000
