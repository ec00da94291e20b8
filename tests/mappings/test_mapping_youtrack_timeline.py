"""YouTrack raw issue + activities -> sla.Timeline with the default YouTrack profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from config.regulation import load_regulation
from mappings.errors import MappingError
from mappings.profile import load_profile, profile_from_mapping
from mappings.raw import RawIssue
from mappings.settle import settle
from mappings.youtrack import DEFAULT_YOUTRACK_PROFILE, SystemFields, field_value, map_issue
from sla.enums import Line, Priority, RequestType, Resolution, Status
from tests.helpers import msk
from tests.real_samples import load_outside_sample

REAL = Path(__file__).resolve().parents[1] / "fixtures/youtrack/real"
PROFILE = load_profile(DEFAULT_YOUTRACK_PROFILE)
CREATED = msk(2026, 11, 16, 10, 0)


def ms(at) -> int:
    return int(at.timestamp() * 1000)


def cf(name, value, type_="SingleEnumIssueCustomField", value_type="enum"):
    return {
        "name": name,
        "$type": type_,
        "value": value,
        "projectCustomField": {"field": {"fieldType": {"valueType": value_type}}},
    }


def state(name, resolved=False):
    return {"name": name, "isResolved": resolved, "$type": "StateBundleElement"}


def activity(at, field, removed, added, value_type="enum"):
    return {
        "$type": "CustomFieldActivityItem",
        "id": f"0-0.1-{ms(at)}-{field}",
        "timestamp": ms(at),
        "category": {"id": "CustomFieldCategory"},
        "field": {
            "name": field,
            "customField": {"name": field, "fieldType": {"valueType": value_type}},
        },
        "removed": removed,
        "added": added,
    }


def issue(*custom, activities=(), **extra):
    fields = {
        "id": "2-7",
        "idReadable": "SUP-7",
        "created": ms(CREATED),
        "reporter": {"login": "client", "email": "client@example.com"},
        "customFields": list(custom)
        or [
            cf("State", state("Submitted"), "StateIssueCustomField", "state"),
            cf("Priority", {"name": "Major"}),
        ],
        **extra,
    }
    return RawIssue("youtrack", "SUP-7", "2-7", fields, tuple(activities))


def test_new_issue_without_history_takes_current_values():
    mapped = map_issue(issue(), PROFILE, [])
    t = mapped.timeline
    assert (t.status, t.priority, t.line, t.registered_at) == (
        Status.CREATED,
        Priority.HIGH,
        Line.L1_2,
        CREATED,
    )
    assert t.changes == () and mapped.warnings == ()
    assert mapped.requester_email == "client@example.com"  # the reporter, without a field


def test_initial_values_come_from_the_removed_side_of_the_first_change():
    t1, t2 = msk(2026, 11, 16, 11), msk(2026, 11, 17, 12)
    raw = issue(
        cf("State", state("Waiting for reporter"), "StateIssueCustomField", "state"),
        cf("Priority", {"name": "Critical"}),
        cf("Support line", {"name": "3"}),
        activities=[  # newest first on purpose: the mapping orders by timestamp
            activity(t2, "State", [state("In Progress")], [state("Waiting for reporter")], "state"),
            activity(t1, "State", [state("Open")], [state("In Progress")], "state"),
            activity(t1, "Priority", [{"name": "Normal"}], [{"name": "Critical"}]),
            activity(t2, "Support line", [], [{"name": "3"}]),
        ],
    )
    t = map_issue(raw, PROFILE, []).timeline
    assert (t.status, t.priority, t.line) == (Status.CREATED, Priority.MEDIUM, Line.L1_2)
    assert [(c.at, c.status, c.priority, c.line) for c in t.changes] == [
        (t1, Status.IN_PROGRESS, Priority.CRITICAL, None),
        (t2, Status.CLARIFICATION, None, Line.L3),
    ]


def test_resolved_state_is_both_done_and_the_resolution():
    t1 = msk(2026, 11, 18, 15)
    raw = issue(
        cf("State", state("Duplicate", True), "StateIssueCustomField", "state"),
        cf("Priority", {"name": "Minor"}),
        activities=[activity(t1, "State", [state("Open")], [state("Duplicate", True)], "state")],
    )
    t = map_issue(raw, PROFILE, []).timeline
    assert t.changes[0].status is Status.DONE
    assert t.changes[0].resolution is Resolution.WITHDRAWN
    assert t.resolution is Resolution.WITHDRAWN and t.withdrawn


def test_resolution_field_wins_over_the_state_name():
    raw = issue(
        cf("State", state("Выполнено", True), "StateIssueCustomField", "state"),
        cf("Приоритет", {"name": "Высокий"}),
        cf("Резолюция", {"name": "Инфраструктура"}),
    )
    assert map_issue(raw, PROFILE, []).timeline.resolution is Resolution.INFRASTRUCTURE


def test_unlisted_resolved_state_counts_as_done_with_a_warning():
    raw = issue(
        cf("State", state("Shipped", True), "StateIssueCustomField", "state"),
        cf("Priority", {"name": "Normal"}),
    )
    mapped = map_issue(raw, PROFILE, [])
    assert mapped.timeline.status is Status.DONE
    assert "Shipped" in mapped.warnings[0] and "resolved" in mapped.warnings[0]


def test_unlisted_open_state_fails_naming_value_and_profile_file():
    raw = issue(
        cf("State", state("Triage"), "StateIssueCustomField", "state"),
        cf("Priority", {"name": "Normal"}),
    )
    with pytest.raises(MappingError, match=r"SUP-7: status 'Triage' .*mappings/youtrack.yaml"):
        map_issue(raw, PROFILE, [])


def test_missing_priority_uses_default_priority_when_the_profile_sets_one():
    raw = issue(cf("State", state("Open"), "StateIssueCustomField", "state"))
    # Unplaceable values are settled under the policy (as the pass does): an unset priority
    # decides the target, so without a default it fails the issue.
    with pytest.raises(MappingError, match="priority is not set"):
        settle(map_issue(raw, PROFILE, []), load_regulation().policies.default, msk(2026, 11, 18))
    data = yaml.safe_load(DEFAULT_YOUTRACK_PROFILE.read_text(encoding="utf-8"))
    profile = profile_from_mapping({**data, "default_priority": "medium"}, "p.yaml")
    assert map_issue(raw, profile, []).timeline.priority is Priority.MEDIUM


def test_registered_at_field_in_epoch_ms_overrides_created():
    phoned = msk(2026, 11, 16, 8, 45)
    raw = issue(
        cf("State", state("Open"), "StateIssueCustomField", "state"),
        cf("Priority", {"name": "Normal"}),
        cf("Дата регистрации", ms(phoned), "SimpleIssueCustomField", "date and time"),
        cf("Заказчик", {"name": "ООО Ромашка"}),
        cf("Type", {"name": "Bug"}),
    )
    t = map_issue(raw, PROFILE, []).timeline
    assert t.registered_at == phoned
    assert (t.customer, t.request_type) == ("ООО Ромашка", RequestType.DEFECT)


def test_real_issue_sample_maps_state_priority_and_type():
    sample = json.loads(
        (REAL / "youtrack_issue_scrum_state_priority_sprint.deskpro.json").read_text()
    )
    raw = RawIssue("youtrack", "SDP-1", sample["id"], {**sample, "created": ms(CREATED)})
    mapped = map_issue(raw, PROFILE, [])
    t = mapped.timeline
    assert (t.status, t.priority, t.request_type) == (
        Status.IN_PROGRESS,
        Priority.LOW,
        RequestType.QUERY,
    )


def test_real_activity_capture_values_parse_by_field_type():
    items = load_outside_sample(
        "youtrack_activities_customfield_state_datetime_period_user.ytrack.json"
    )
    by_type = {a["field"]["customField"]["fieldType"]["valueType"]: a for a in items}
    assert field_value(by_type["state"]["added"]) == "Реализовано"
    assert field_value(by_type["date and time"]["added"]) == 1764116587829
    assert field_value(by_type["period"]["removed"]) == 340
    assert field_value(by_type["user"]["added"]) == "Сидорова Анна"
    # Tracked as the State field, the capture becomes one change, newest-first input sorted.
    profile = profile_from_mapping(
        {
            "tracker": "youtrack",
            "statuses": {"in_progress": ["Готово к передаче"], "done": ["Реализовано"]},
            "priorities": {"medium": ["Normal"]},
        },
        "capture.yaml",
    )
    raw = issue(
        cf("Статус анализа", state("Реализовано", True), "StateIssueCustomField", "state"),
        cf("Priority", {"name": "Normal"}),
        activities=items,
    )
    t = map_issue(raw, profile, [], system_fields=SystemFields(state=("Статус анализа",))).timeline
    assert t.status is Status.IN_PROGRESS
    assert [c.status for c in t.changes] == [Status.DONE]
    assert t.changes[0].at.year == 2025
