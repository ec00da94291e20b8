"""SlaResult -> Jira field values (jira_write), the fields to ask for, and the profile check."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from mappings.breach_comment import breach_comment
from mappings.check import check_profile
from mappings.jira import JIRA_MAPPING, history_field_ids, required_field_ids, sla_field_ids
from mappings.jira.write import changed_fields, desired_fields, render_changes
from mappings.port import FieldChanges, TrackerValue, Vocabulary
from mappings.profile import DEFAULT_JIRA_PROFILE, load_profile, profile_from_mapping
from mappings.raw import FieldDef
from sla.enums import ClockState, Line, Priority, Status
from sla.result import SlaResult

MSK = timezone(timedelta(hours=3))
REAL = Path(__file__).resolve().parents[1] / "fixtures/jira/real"
PROFILE = load_profile()
SELECT = {"type": "option", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select"}
CHECKBOX = {
    "type": "array",
    "items": "option",
    "custom": "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes",
}
DATETIME = {
    "type": "datetime",
    "custom": "com.atlassian.jira.plugin.system.customfieldtypes:datetime",
}
FLOAT = {"type": "number", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:float"}
# The sandbox's fields (see the sandbox vocabulary in the brief).
CATALOG = [
    FieldDef("customfield_10100", "Линия поддержки", True, SELECT),
    FieldDef("customfield_10101", "Заказчик", True, SELECT),
    FieldDef("customfield_10102", "Канал", True, SELECT),
    FieldDef("customfield_10103", "Дата регистрации", True, DATETIME),
    FieldDef("customfield_10110", "SLA due", True, DATETIME),
    FieldDef("customfield_10111", "SLA state", True, SELECT),
    FieldDef("customfield_10112", "SLA breached", True, SELECT),
    FieldDef("customfield_10113", "SLA elapsed h", True, FLOAT),
    FieldDef("customfield_10114", "SLA remaining h", True, FLOAT),
]


def result(**changes):
    base = SlaResult(
        key="SUP-12",
        metric="resolution",
        policy="default",
        now=datetime(2026, 11, 17, 12, tzinfo=MSK),
        priority=Priority.CRITICAL,
        line=Line.L1_2,
        status=Status.IN_PROGRESS,
        state=ClockState.RUNNING,
        target_seconds=6 * 3600,
        elapsed_seconds=4.123456 * 3600,
        paused_seconds=0.0,
        remaining_seconds=1.876544 * 3600,
        breached=False,
        breached_at=None,
        due_at=datetime(2026, 11, 18, 18, tzinfo=MSK),
        at_risk=False,
        at_risk_at=None,
        withdrawn=False,
        segments=(),
    )
    return dataclasses.replace(base, **changes)


def test_result_becomes_jira_values_for_every_written_field():
    desired = desired_fields(result(), PROFILE, CATALOG)
    assert desired.fields == {
        "customfield_10110": "2026-11-18T18:00:00.000+0300",
        "customfield_10111": {"value": "running"},
        "customfield_10112": {"value": "No"},
        "customfield_10113": 4.12,
        "customfield_10114": 1.88,
    }
    assert desired.labels == {"sla-breached": False, "sla-at-risk": False}
    assert desired.hours_field_ids == {"customfield_10113", "customfield_10114"}


def test_paused_clock_clears_the_due_field():
    desired = desired_fields(result(state=ClockState.PAUSED, due_at=None), PROFILE, CATALOG)
    assert desired.fields["customfield_10110"] is None
    assert desired.fields["customfield_10111"] == {"value": "paused"}


def test_breached_flag_goes_to_a_checkbox_field_as_a_ticked_option_or_nothing():
    catalog = [*CATALOG[:6], FieldDef("customfield_10112", "SLA breached", True, CHECKBOX)]
    assert desired_fields(result(breached=True), PROFILE, catalog).fields["customfield_10112"] == [
        {"value": "Yes"}
    ]
    assert desired_fields(result(), PROFILE, catalog).fields["customfield_10112"] == []


def test_hours_can_be_left_out_of_the_write_set():
    desired = desired_fields(result(), PROFILE, CATALOG, include_hours=False)
    assert "customfield_10113" not in desired.fields
    assert desired.hours_field_ids == {"customfield_10113", "customfield_10114"}


def test_fields_absent_from_the_profile_or_from_jira_are_not_written():
    data = yaml.safe_load(DEFAULT_JIRA_PROFILE.read_text(encoding="utf-8"))
    del data["write"]["state"]
    data["write"]["labels"] = {}
    profile = profile_from_mapping(data, "team.yaml")
    desired = desired_fields(result(), profile, CATALOG[:5])  # no breached/hours fields in Jira
    assert desired.fields == {"customfield_10110": "2026-11-18T18:00:00.000+0300"}
    assert desired.labels == {}


def test_state_values_follow_the_profile():
    data = yaml.safe_load(DEFAULT_JIRA_PROFILE.read_text(encoding="utf-8"))
    data["write"]["state"]["values"] = {"running": "Идёт", "paused": "Пауза", "stopped": "Стоп"}
    profile = profile_from_mapping(data, "team.yaml")
    fields = desired_fields(result(state=ClockState.STOPPED), profile, CATALOG).fields
    assert fields["customfield_10111"] == {"value": "Стоп"}


def current_issue_fields():
    return {
        "customfield_10110": "2026-11-18T15:00:00.000+0000",  # same instant, other offset
        "customfield_10111": {
            "self": "https://j/rest/api/2/customFieldOption/1",
            "id": "1",
            "value": "running",
        },
        "customfield_10112": {
            "self": "https://j/rest/api/2/customFieldOption/4",
            "id": "4",
            "value": "No",
        },
        "customfield_10113": 4.1234,
        "customfield_10114": 1.88,
        "labels": ["vip", "sla-at-risk"],
    }


def test_only_fields_that_differ_after_normalisation_are_changed():
    desired = desired_fields(result(), PROFILE, CATALOG)
    assert changed_fields(current_issue_fields(), desired) == FieldChanges({}, (), ("sla-at-risk",))


def test_recompute_that_changes_nothing_writes_nothing():
    desired = desired_fields(result(), PROFILE, CATALOG)
    current = {**current_issue_fields(), "labels": ["vip"]}
    assert not changed_fields(current, desired)


def test_breach_changes_due_flag_and_labels_keeping_other_labels():
    breached = result(
        breached=True,
        breached_at=datetime(2026, 11, 19, 12, tzinfo=MSK),
        due_at=datetime(2026, 11, 19, 12, tzinfo=MSK),
    )
    desired = desired_fields(breached, PROFILE, CATALOG)
    changed = changed_fields(current_issue_fields(), desired)
    assert changed == FieldChanges(
        {
            "customfield_10110": "2026-11-19T12:00:00.000+0300",
            "customfield_10112": {"value": "Yes"},
        },
        ("sla-breached",),
        ("sla-at-risk",),
    )
    assert render_changes(current_issue_fields(), changed, desired, tz=MSK) == [
        "SLA due: 2026-11-18 18:00 → 2026-11-19 12:00",
        "SLA breached: No → Yes",
        "labels: vip, sla-at-risk → vip, sla-breached",
    ]


def test_missing_fields_on_the_issue_are_written():
    desired = desired_fields(result(), PROFILE, CATALOG)
    changed = changed_fields({}, desired)
    assert set(changed.fields) == set(desired.fields)
    assert "SLA state: — → running" in render_changes({}, changed, desired)


def test_breach_comment_is_off_by_default_and_russian_when_enabled():
    breached = result(breached=True, breached_at=datetime(2026, 11, 18, 18, tzinfo=MSK))
    assert breach_comment(breached, PROFILE) is None
    data = yaml.safe_load(DEFAULT_JIRA_PROFILE.read_text(encoding="utf-8"))
    data["write"]["breach_comment"]["enabled"] = True
    profile = profile_from_mapping(data, "team.yaml")
    assert breach_comment(breached, profile) == (
        "SLA нарушен по заявке SUP-12: приоритет Критический, норматив 6 раб. ч, "
        "срок истёк 2026-11-18 18:00 +0300."
    )
    assert breach_comment(result(), profile) is None


def test_search_asks_for_system_mapped_and_sla_fields():
    ids = required_field_ids(PROFILE, CATALOG)
    assert ids[:9] == [
        "status",
        "priority",
        "resolution",
        "issuetype",
        "created",
        "updated",
        "labels",
        "reporter",
        "assignee",  # the live view and reports show who works on a request
    ]
    assert set(ids[9:]) == {d.id for d in CATALOG}
    assert history_field_ids(PROFILE, CATALOG) == [
        "status",
        "priority",
        "resolution",
        "customfield_10100",
    ]
    assert "SLA due" in sla_field_ids(PROFILE, CATALOG)
    assert "customfield_10100" not in sla_field_ids(PROFILE, CATALOG)


def read(name):
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def _values(items):
    """Jira list entries (objects as the REST API sends them, or bare names) as values."""
    out = []
    for v in items:
        if isinstance(v, str):
            out.append(TrackerValue(None, v))
        else:
            cat = (v.get("statusCategory") or {}).get("key")
            out.append(TrackerValue(v.get("id"), v["name"], cat))
    return tuple(out)


def check_jira(profile, catalog, statuses=(), priorities=(), resolutions=(), issue_types=()):
    """The profile check with Jira's field kinds over Jira-shaped lists."""
    vocab = Vocabulary(
        _values(statuses), _values(priorities), _values(resolutions), _values(issue_types)
    )
    return check_profile(
        profile,
        catalog,
        vocab,
        field_kinds=JIRA_MAPPING.field_kinds,
        field_kind=JIRA_MAPPING.field_kind,
        tracker="Jira",
    )


def test_profile_check_lists_unmapped_values_missing_fields_and_wrong_types():
    catalog = [*CATALOG[:4], FieldDef("customfield_10110", "SLA due", True, {"type": "string"})]
    findings = check_jira(
        PROFILE,
        catalog,
        statuses=read("jira_dc_statuses.go-jira.json"),
        priorities=read("jira_dc_priorities.apache.go-jira.json"),
        resolutions=read("jira_dc_resolutions.apache.go-jira.json"),
        issue_types=[{"id": "5", "name": "Epic"}, {"id": "1", "name": "Bug"}],
    )
    messages = [(f.severity, f.key, f.message) for f in findings]
    assert (
        "warning",
        "statuses",
        "status 'Idea' is not mapped in mappings/jira.yaml; its Jira "
        "category 'new' makes it created",
    ) in messages
    assert (
        "error",
        "statuses",
        "status 'Archived' is not mapped in mappings/jira.yaml and has no usable Jira category",
    ) in messages
    assert not any("'Blocker'" in m for _, _, m in messages)  # all five Apache priorities map
    assert (
        "error",
        "resolutions",
        "resolution 'Later' is not mapped in mappings/jira.yaml (resolutions)",
    ) in messages
    assert (
        "warning",
        "request_types",
        "issue type 'Epic' is not mapped in mappings/jira.yaml (request_types)",
    ) in messages
    assert (
        "warning",
        "write.state",
        "Jira has no field SLA state (mappings/jira.yaml: write.state); it will not be written",
    ) in messages
    assert (
        "error",
        "write.due",
        "field SLA due (customfield_10110) is of type 'string'; due "
        "needs one of ['date', 'datetime']",
    ) in messages


def test_sandbox_vocabulary_passes_the_profile_check():
    statuses = [
        {"id": str(i), "name": n}
        for i, n in enumerate(["Создана", "В работе", "Уточнение", "Выполнено"])
    ]
    priorities = ["Критический", "Высокий", "Средний", "Низкий"]
    resolutions = [
        "Решена",
        "Не воспроизводится",
        "Ошибка пользователя",
        "Инфраструктура",
        "Отозвана",
    ]
    findings = check_jira(
        PROFILE,
        CATALOG,
        statuses=statuses,
        priorities=priorities,
        resolutions=resolutions,
        issue_types=["Заявка на дефект", "Запрос"],
    )
    # Only the optional requester e-mail field is absent from the sandbox.
    assert [(f.severity, f.key) for f in findings] == [("warning", "fields.requester_email")]


def test_profile_check_reports_an_ambiguous_field_name_instead_of_crashing():
    catalog = [*CATALOG, FieldDef("customfield_20000", "SLA due", True, DATETIME)]
    findings = check_jira(PROFILE, catalog)
    assert [(f.severity, f.key) for f in findings] == [("error", "write.due")]
    assert "name it by id" in findings[0].message
