"""Mapping profiles: the shipped Jira default, validation errors, field resolution."""

from __future__ import annotations

import copy

import pytest
import yaml

from mappings.profile import (
    DEFAULT_JIRA_PROFILE,
    FieldCatalog,
    load_profile,
    profile_from_mapping,
    resolve_fields,
)
from mappings.raw import FieldDef
from sla.enums import Channel, ClockState, Line, Priority, RequestType, Resolution, Status
from sla.errors import ConfigError

DEFAULT = load_profile()
RAW = yaml.safe_load(DEFAULT_JIRA_PROFILE.read_text(encoding="utf-8"))


def edited(**changes):
    data = copy.deepcopy(RAW)
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("vocab", "name", "expected"),
    [
        ("statuses", "Создана", Status.CREATED),
        ("statuses", "В работе", Status.IN_PROGRESS),
        ("statuses", "Уточнение", Status.CLARIFICATION),
        ("statuses", "Выполнено", Status.DONE),
        ("priorities", "Критический", Priority.CRITICAL),
        ("priorities", "Высокий", Priority.HIGH),
        ("priorities", "Средний", Priority.MEDIUM),
        ("priorities", "Низкий", Priority.LOW),
        ("resolutions", "Решена", Resolution.RESOLVED),
        ("resolutions", "Не воспроизводится", Resolution.NOT_REPRODUCIBLE),
        ("resolutions", "Ошибка пользователя", Resolution.USER_ERROR),
        ("resolutions", "Инфраструктура", Resolution.INFRASTRUCTURE),
        ("resolutions", "Отозвана", Resolution.WITHDRAWN),
        ("request_types", "Заявка на дефект", RequestType.DEFECT),
        ("request_types", "Запрос", RequestType.QUERY),
        ("channels", "E-mail", Channel.EMAIL),
        ("channels", "Телефон", Channel.PHONE),
        ("channels", "Telegram", Channel.MESSENGER),
        ("channels", "WhatsApp", Channel.MESSENGER),
    ],
)
def test_default_profile_knows_the_regulation_and_sandbox_russian_names(vocab, name, expected):
    assert getattr(DEFAULT, vocab).match(name) is expected


@pytest.mark.parametrize(
    ("vocab", "name", "expected"),
    [
        ("statuses", "To Do", Status.CREATED),
        ("statuses", "open", Status.CREATED),
        ("statuses", "Backlog", Status.CREATED),
        ("statuses", "In Progress", Status.IN_PROGRESS),
        ("statuses", "Waiting for  customer", Status.CLARIFICATION),
        ("statuses", "Pending", Status.CLARIFICATION),
        ("statuses", "Resolved", Status.DONE),
        ("statuses", "CLOSED", Status.DONE),
        ("priorities", "Highest", Priority.CRITICAL),
        ("priorities", "Blocker", Priority.CRITICAL),
        ("priorities", "Major", Priority.HIGH),
        ("priorities", "Minor", Priority.MEDIUM),
        ("priorities", "Trivial", Priority.LOW),
        ("resolutions", "Cannot Reproduce", Resolution.NOT_REPRODUCIBLE),
        ("resolutions", "Withdrawn", Resolution.WITHDRAWN),
        ("resolutions", "Cancelled", Resolution.WITHDRAWN),
        ("resolutions", "Canceled", Resolution.WITHDRAWN),
        ("request_types", "Bug", RequestType.DEFECT),
        ("request_types", "Service Request", RequestType.QUERY),
        ("lines", "3 линия", Line.L3),
    ],
)
def test_default_profile_knows_the_usual_english_jira_names(vocab, name, expected):
    assert getattr(DEFAULT, vocab).match(name) is expected


def test_default_profile_names_the_sandbox_fields_and_writes_every_sla_figure():
    refs = DEFAULT.field_refs
    assert refs["fields.line"][0] == "Линия поддержки"
    assert "Support line" in refs["fields.line"]
    assert refs["fields.customer"][0] == "Заказчик"
    assert refs["fields.channel"][0] == "Канал"
    assert refs["fields.registered_at"][0] == "Дата регистрации"
    assert refs["write.due"] == ("SLA due",)
    assert DEFAULT.write.state_values[ClockState.PAUSED] == "paused"
    assert (DEFAULT.write.yes_value, DEFAULT.write.no_value) == ("Yes", "No")
    assert DEFAULT.write.label_breached == "sla-breached"
    assert DEFAULT.write.comment_enabled is False
    assert DEFAULT.default_priority is None
    assert DEFAULT.source == "mappings/jira.yaml"


def test_profile_may_name_values_and_fields_by_id():
    data = edited(priorities={"critical": [1], "high": ["2"], "medium": [3], "low": [4]})
    data["fields"] = {"line": "customfield_10100"}
    profile = profile_from_mapping(data, "team.yaml")
    assert profile.priorities.match("1", "Something else") is Priority.CRITICAL
    catalog = [FieldDef("customfield_10100", "Линия поддержки", True)]
    assert resolve_fields(profile, catalog).id("line") == "customfield_10100"


def test_write_field_absent_from_profile_is_not_written():
    data = edited()
    del data["write"]["elapsed_hours"]
    profile = profile_from_mapping(data, "team.yaml")
    assert "write.elapsed_hours" not in profile.field_refs


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        ({"statuse": {}}, "statuse", "no such key"),
        ({"statuses": {"waiting": ["Pending"]}}, "statuses.waiting", "'created'"),
        ({"default_priority": "urgent"}, "default_priority", "'critical'"),
        (
            {"write": {"breached": {"field": "SLA breached", "yes_value": True}}},
            "write.breached.yes_value",
            "quote yes/no",
        ),
        (
            {"write": {"breach_comment": {"enabled": "sometimes"}}},
            "write.breach_comment.enabled",
            "boolean",
        ),
        (
            {"write": {"state": {"field": "SLA state", "values": {"sleeping": "x"}}}},
            "write.state.values.sleeping",
            "'running'",
        ),
    ],
)
def test_wrong_profile_names_file_key_and_expectation(change, key, expected):
    with pytest.raises(ConfigError) as err:
        profile_from_mapping(edited(**change), "team.yaml")
    message = str(err.value)
    assert message.startswith(f"team.yaml: {key}: expected ")
    assert expected in message
    assert "\n" not in message
    assert err.value.key == key


def test_missing_required_section_is_reported():
    data = edited()
    del data["statuses"]
    with pytest.raises(ConfigError, match=r"^team.yaml: statuses: expected this key"):
        profile_from_mapping(data, "team.yaml")


def test_same_name_under_two_values_is_rejected():
    data = edited(statuses={"created": ["Open"], "done": ["open"]})
    with pytest.raises(ConfigError, match=r"statuses.done: .*one value only.*also under created"):
        profile_from_mapping(data, "team.yaml")


def test_unknown_placeholder_in_breach_comment_is_rejected():
    data = edited()
    data["write"]["breach_comment"] = {"enabled": True, "template": "{key} {assignee}"}
    with pytest.raises(ConfigError, match=r"write.breach_comment.template: .*\{assignee\}"):
        profile_from_mapping(data, "team.yaml")


def test_unreadable_or_invalid_profile_file_names_the_file(tmp_path):
    with pytest.raises(ConfigError, match=r"absent.yaml: expected a readable mapping profile"):
        load_profile(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("statuses: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken.yaml: expected valid YAML") as err:
        load_profile(broken)
    assert "\n" not in str(err.value)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"list.yaml: expected a mapping of profile sections"):
        load_profile(listing)


def test_fields_resolve_by_id_or_name_case_insensitively():
    catalog = FieldCatalog(
        [
            FieldDef("customfield_1", "support LINE", True),
            FieldDef("customfield_2", "SLA Due", True),
        ]
    )
    resolved = resolve_fields(DEFAULT, catalog)
    assert resolved.id("line") == "customfield_1"  # second alternative, "Support line"
    assert resolved.id("due") == "customfield_2"
    assert "fields.customer" in resolved.missing


def test_field_name_shared_by_two_fields_must_be_named_by_id():
    catalog = [
        FieldDef("customfield_1", "SLA due", True),
        FieldDef("customfield_2", "SLA due", True),
    ]
    with pytest.raises(
        ConfigError, match=r"write.due: .*name it by id.*customfield_1, customfield_2"
    ):
        resolve_fields(DEFAULT, catalog)
