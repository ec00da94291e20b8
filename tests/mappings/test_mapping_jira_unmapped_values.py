"""Issue 11, finding 2: a value the profile cannot place fails the issue only when it matters.

Before, a priority renamed or deleted years ago failed the issue forever, even with
`priority_rule: current`, and so did a status since deleted (no category to fall back on).
Now it fails only when the SLA depends on it under the configured rules; otherwise it is one
warning naming the value and when it was set.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from config.regulation import load_regulation
from mappings.errors import MappingError
from mappings.jira import map_issue
from mappings.port import TrackerValue, Vocabulary
from mappings.profile import load_profile
from mappings.raw import RawIssue
from mappings.settle import settle
from sla import compute
from sla.enums import Priority, Status
from sla.policy import PriorityRule

MSK = timezone(timedelta(hours=3))
PROFILE = load_profile()
DEFAULT = load_regulation().policies.default
NOW = datetime(2026, 11, 18, 15, tzinfo=MSK)
# /rest/api/2/status of today's Jira: "На согласовании" was deleted, so it has no category.
VOCAB = Vocabulary(
    statuses=(
        TrackerValue("10000", "Создана", "new"),
        TrackerValue("3", "В работе", "indeterminate"),
        TrackerValue("10002", "Выполнено", "done"),
    )
)
URGENT = ("9", "Срочный (удалён)")


def _policy(**changes):
    return dataclasses.replace(DEFAULT, **changes)


def _history(hid: int, at: str, field: str, frm: tuple, to: tuple) -> dict:
    item = {"field": field, "fieldtype": "jira", "fieldId": field}
    item |= {"from": frm[0], "fromString": frm[1], "to": to[0], "toString": to[1]}
    return {"id": str(hid), "created": at, "author": {"name": "agent"}, "items": [item]}


def _raw(histories, priority=("2", "Высокий"), status=("3", "В работе")) -> RawIssue:
    fields = {
        "created": "2026-11-16T10:00:00.000+0300",
        "status": {"id": status[0], "name": status[1]},
        "priority": {"id": priority[0], "name": priority[1]},
        "resolution": None,
        "issuetype": {"id": "10005", "name": "Запрос"},
        "labels": [],
    }
    return RawIssue("jira", "SUP-40", "10040", fields, tuple(histories))


def _settled(raw, policy=DEFAULT):
    return settle(map_issue(raw, PROFILE, (), VOCAB), policy, NOW)


# Registered Monday 10:00 as Срочный, a priority deleted since; made Высокий at 12:00.
RENAMED = [
    _history(1, "2026-11-16T10:30:00.000+0300", "status", ("10000", "Создана"), ("3", "В работе")),
    _history(2, "2026-11-16T12:00:00.000+0300", "priority", URGENT, ("2", "Высокий")),
]


def test_a_deleted_initial_priority_is_a_warning_under_priority_rule_current():
    mapped = _settled(_raw(RENAMED))
    assert mapped.warnings == (
        "SUP-40: priority 'Срочный (удалён)' is not mapped in mappings/jira.yaml (priorities) "
        "(since registration); it does not change the SLA under the configured rules, "
        "so it is ignored",
    )
    assert compute(mapped.timeline, DEFAULT, NOW).priority is Priority.HIGH
    assert mapped.holes == ()


def test_the_same_value_decides_the_target_under_priority_rule_initial():
    with pytest.raises(MappingError, match=r"'Срочный \(удалён\)'.*it changes the SLA"):
        _settled(_raw(RENAMED), _policy(priority_rule=PriorityRule.INITIAL))


def test_under_priority_rule_highest_it_matters_unless_a_higher_one_is_known():
    with pytest.raises(MappingError, match="it changes the SLA"):
        _settled(_raw(RENAMED), _policy(priority_rule=PriorityRule.HIGHEST))
    critical_later = [
        *RENAMED,
        _history(
            3, "2026-11-16T13:00:00.000+0300", "priority", ("2", "Высокий"), ("1", "Критический")
        ),
    ]
    mapped = _settled(
        _raw(critical_later, priority=("1", "Критический")),
        _policy(priority_rule=PriorityRule.HIGHEST),
    )
    assert len(mapped.warnings) == 1 and "Срочный" in mapped.warnings[0]


def test_with_breach_final_it_matters_only_where_it_would_have_fixed_a_breach():
    policy = _policy(breach_final=True)
    # 2 business hours under Срочный: no target (6 h at most) was reached while it held.
    mapped = _settled(_raw(RENAMED), policy)
    assert len(mapped.warnings) == 1 and "Срочный" in mapped.warnings[0]
    # 11 business hours under it (Mon 10:00 - Tue 12:00): as Critical (6 h) that is a final
    # breach, as High (15 h) it is not: the value decides the outcome.
    long_held = [
        RENAMED[0],
        _history(2, "2026-11-17T12:00:00.000+0300", "priority", URGENT, ("2", "Высокий")),
    ]
    with pytest.raises(MappingError, match="it changes the SLA"):
        _settled(_raw(long_held), policy)


def test_the_current_priority_always_matters_under_priority_rule_current():
    with pytest.raises(
        MappingError, match=r"SUP-40: priority 'Срочный \(удалён\)'.*changes the SLA"
    ):
        _settled(_raw([], priority=URGENT))


WAITING_DELETED = ("10050", "На согласовании")


def test_a_deleted_status_held_for_no_business_time_is_a_warning():
    # Friday 19:00 to Monday 08:00: outside working hours, whatever the status meant.
    history = [
        _history(1, "2026-11-13T19:00:00.000+0300", "status", ("3", "В работе"), WAITING_DELETED),
        _history(2, "2026-11-16T08:00:00.000+0300", "status", WAITING_DELETED, ("3", "В работе")),
    ]
    raw = _raw(history)
    raw = dataclasses.replace(raw, fields={**raw.fields, "created": "2026-11-13T10:00:00.000+0300"})
    mapped = _settled(raw)
    assert mapped.warnings == (
        "SUP-40: status 'На согласовании' is not mapped in mappings/jira.yaml (statuses) and "
        "Jira reports no category for it (set 2026-11-13T19:00:00+03:00); it does not change "
        "the SLA under the configured rules, so it is ignored",
    )


def test_a_deleted_status_held_during_business_hours_fails_naming_value_and_date():
    history = [
        _history(1, "2026-11-16T11:00:00.000+0300", "status", ("3", "В работе"), WAITING_DELETED),
        _history(2, "2026-11-16T14:00:00.000+0300", "status", WAITING_DELETED, ("3", "В работе")),
    ]
    with pytest.raises(MappingError) as err:
        _settled(_raw(history))
    assert "'На согласовании'" in str(err.value)
    assert "(set 2026-11-16T11:00:00+03:00) and it changes the SLA" in str(err.value)
    assert err.value.key == "SUP-40"


def test_one_deleted_value_met_twice_is_one_warning():
    history = [
        _history(1, "2026-11-14T10:00:00.000+0300", "status", ("3", "В работе"), WAITING_DELETED),
        _history(2, "2026-11-14T11:00:00.000+0300", "status", WAITING_DELETED, ("3", "В работе")),
        _history(3, "2026-11-15T10:00:00.000+0300", "status", ("3", "В работе"), WAITING_DELETED),
        _history(4, "2026-11-15T11:00:00.000+0300", "status", WAITING_DELETED, ("3", "В работе")),
    ]
    raw = _raw(history)  # a weekend: Saturday and Sunday
    raw = dataclasses.replace(raw, fields={**raw.fields, "created": "2026-11-13T10:00:00.000+0300"})
    mapped = _settled(raw)
    assert len(mapped.warnings) == 1
    assert "2026-11-14T10:00:00+03:00" in mapped.warnings[0]
    assert [c.status for c in mapped.timeline.changes] == [Status.IN_PROGRESS] * 4


def test_a_past_resolution_that_no_longer_exists_is_a_warning_only():
    history = [
        _history(1, "2026-11-16T11:00:00.000+0300", "resolution", (None, None), ("77", "Старая")),
        _history(2, "2026-11-16T11:05:00.000+0300", "resolution", ("77", "Старая"), (None, None)),
    ]
    mapped = _settled(_raw(history))
    assert len(mapped.warnings) == 1 and "'Старая'" in mapped.warnings[0]
