"""The regulation as data: the shipped file, per-customer policies, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from config.regulation import default_regulation_path, load_regulation
from sla import ConfigError, Line, Priority, Resolution
from tests.helpers import HOUR


def test_shipped_regulation_has_the_targets_table_of_section_4():
    reg = load_regulation()
    targets = reg.policies.default.primary.targets
    expected = {"critical": (6, 12), "high": (15, 30), "medium": (30, 60), "low": (75, 150)}
    for p, (l12, l3) in expected.items():
        assert targets.get(Priority(p), Line.L1_2) == l12 * HOUR
        assert targets.get(Priority(p), Line.L3) == l3 * HOUR
    assert reg.policies.default.at_risk_ratio == 0.8
    assert reg.name_of("resolutions", Resolution.WITHDRAWN) == "Отозвана пользователем"
    assert reg.name_of("priorities", "critical") == "Критический"
    first = reg.policies.default.metric("first_response")
    assert not first.enabled and reg.policies.default.primary.name == "resolution"


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(default_regulation_path().read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "regulation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_customer_policy_overrides_calendar_and_targets(tmp_path):
    def add_policy(d):
        d["policies"] = [
            {
                "name": "lenta-24x7",
                "customers": ["Лента"],
                "calendar": {"always_open": True},
                "targets": {
                    "critical": {"1-2": 4, "3": 8},
                    "high": {"1-2": 15, "3": 30},
                    "medium": {"1-2": 30, "3": 60},
                    "low": {"1-2": 75, "3": 150},
                },
            }
        ]

    reg = load_regulation(_write(tmp_path, add_policy))
    lenta = reg.policies.for_customer("  лента ")
    assert lenta.name == "lenta-24x7"
    assert lenta.calendar.spec.always_open
    assert lenta.primary.targets.get(Priority.CRITICAL, Line.L1_2) == 4 * HOUR
    assert reg.policies.for_customer("Магнит") is reg.policies.default
    assert reg.policies.for_customer(None) is reg.policies.default


@pytest.mark.parametrize(
    ("mutate", "key", "expected"),
    [
        (
            lambda d: d["metrics"][0]["targets"]["high"].update({"3": "много"}),
            "metrics.0.targets.high.3",
            "valid number",
        ),
        (
            lambda d: d["metrics"][0]["targets"].pop("low"),
            "metrics.0.targets.low.1-2",
            "a target (it is missing)",
        ),
        (
            lambda d: d["calendar"].update(timezone="Europe/Moskva"),
            "calendar.timezone",
            "IANA time zone",
        ),
        (
            lambda d: d["calendar"]["week"].update(mon=["18:00-09:00"]),
            "calendar.week.mon.0",
            "HH:MM-HH:MM",
        ),
        (lambda d: d.update(at_risk_ratio=1.5), "at_risk_ratio", "less than or equal to 1"),
        (
            lambda d: d["metrics"][0].update(paused=["ожидание"]),
            "metrics.0.paused.0",
            "'created', 'in_progress', 'clarification' or 'done'",
        ),
        (lambda d: d.update(priorites={}), "priorites", "unknown key"),
        (lambda d: d["clock"].update(priority_rule="latest"), "clock.priority_rule", "current"),
    ],
)
def test_a_wrong_regulation_file_names_the_file_the_key_and_what_was_expected(
    tmp_path, mutate, key, expected
):
    path = _write(tmp_path, mutate)
    with pytest.raises(ConfigError) as err:
        load_regulation(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: expected"), message
    assert expected in message
    assert "\n" not in message


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "regulation.yaml"
    path.write_text("priorities: [\n  critical: {name: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"regulation.yaml: line \d+: expected valid YAML"):
        load_regulation(path)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="expected a readable YAML file"):
        load_regulation(tmp_path / "nope.yaml")
