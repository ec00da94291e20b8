"""Jira raw issue + changelog -> sla.Timeline with the default profile."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from config.regulation import load_regulation
from mappings.errors import MappingError
from mappings.jira import is_own_sla_change, map_issue
from mappings.port import TrackerValue, Vocabulary
from mappings.profile import DEFAULT_JIRA_PROFILE, load_profile, profile_from_mapping
from mappings.raw import FieldDef, RawIssue
from mappings.settle import settle
from sla.enums import Channel, Line, Priority, RequestType, Resolution, Status
from sla.errors import UnknownValueError

MSK = timezone(timedelta(hours=3))
REGULATION = load_regulation()
REAL = Path(__file__).resolve().parents[1] / "fixtures/jira/real"
PROFILE = load_profile()
CATALOG = [
    FieldDef("customfield_10100", "Линия поддержки", True, {"type": "option"}),
    FieldDef("customfield_10101", "Заказчик", True, {"type": "option"}),
    FieldDef("customfield_10102", "Канал", True, {"type": "option"}),
    FieldDef("customfield_10103", "Дата регистрации", True, {"type": "datetime"}),
    FieldDef("customfield_10104", "E-mail заявителя", True, {"type": "string"}),
]


def status(name, sid="1", category=None):
    obj = {"id": sid, "name": name}
    if category:
        obj["statusCategory"] = {"key": category}
    return obj


def issue(histories=(), **fields):
    base = {
        "created": "2026-11-16T10:00:00.000+0300",
        "status": status("Создана"),
        "priority": {"id": "2", "name": "Высокий"},
        "resolution": None,
        "issuetype": {"id": "10001", "name": "Заявка на дефект"},
        "labels": [],
    }
    base.update(fields)
    return RawIssue("jira", "SUP-12", "10012", base, tuple(histories))


def history(hid, created, *items, author=None):
    return {
        "id": str(hid),
        "created": created,
        "author": author or {"accountId": "u1"},
        "items": list(items),
    }


def item(field, frm, frm_s, to, to_s, field_id=None, fieldtype="jira"):
    out = {
        "field": field,
        "fieldtype": fieldtype,
        "from": frm,
        "fromString": frm_s,
        "to": to,
        "toString": to_s,
    }
    if field_id:
        out["fieldId"] = field_id
    return out


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=MSK)


def settled(raw, profile=PROFILE, vocabulary=None):
    """Map and settle under the shipped regulation at 2026-11-18 15:00 MSK, as a pass does."""
    mapped = map_issue(raw, profile, CATALOG, vocabulary)
    return settle(mapped, REGULATION.policies.default, at(18, 15))


def test_changelog_becomes_initial_values_plus_changes():
    raw = issue(
        [
            history(
                1,
                "2026-11-16T11:00:00.000+0300",
                item("status", "1", "Создана", "3", "В работе", "status"),
            ),
            history(
                2,
                "2026-11-16T12:00:00.000+0300",
                item("priority", "2", "Высокий", "1", "Критический", "priority"),
                item("Линия поддержки", "10020", "1", "10022", "3", "customfield_10100", "custom"),
            ),
            history(
                3,
                "2026-11-16T13:00:00.000+0300",
                item("status", "3", "В работе", "4", "Уточнение", "status"),
            ),
        ],
        status=status("Уточнение", "4"),
        priority={"id": "1", "name": "Критический"},
        customfield_10100={"value": "3", "id": "10022"},
    )
    mapped = map_issue(raw, PROFILE, CATALOG)
    tl = mapped.timeline
    assert (tl.status, tl.priority, tl.line) == (Status.CREATED, Priority.HIGH, Line.L1_2)
    assert tl.registered_at == at(16, 10)
    assert [(c.at, c.status, c.priority, c.line) for c in tl.changes] == [
        (at(16, 11), Status.IN_PROGRESS, None, None),
        (at(16, 12), None, Priority.CRITICAL, Line.L3),
        (at(16, 13), Status.CLARIFICATION, None, None),
    ]
    assert mapped.warnings == ()


def test_fields_without_history_start_at_their_current_value():
    raw = issue(
        status=status("В работе"),
        priority={"id": "4", "name": "Низкий"},
        customfield_10100={"value": "3"},
    )
    tl = map_issue(raw, PROFILE, CATALOG).timeline
    assert (tl.status, tl.priority, tl.line, tl.changes) == (
        Status.IN_PROGRESS,
        Priority.LOW,
        Line.L3,
        (),
    )


def test_histories_follow_their_ids_and_an_instant_never_goes_backwards():
    # Ids are handed out in save order; `created` comes from the saving node's clock. History
    # 11 was saved after 10 although its node's clock said 08:30Z (11:30 MSK) < 12:00.
    raw = issue(
        [
            history(
                12,
                "2026-11-16T13:00:00.000+0300",
                item("status", "3", "В работе", "4", "Выполнено", "status"),
            ),
            history(
                10,
                "2026-11-16T12:00:00+03:00",
                item("status", "1", "Создана", "3", "В работе", "status"),
            ),
            history(
                11,
                "2026-11-16T08:30:00Z",
                item("priority", "2", "Высокий", "3", "Средний", "priority"),
            ),
            history(
                9,
                "2026-11-16T11:00:00.000+0300",
                item("resolution", None, None, "1", "Решена", "resolution"),
            ),
        ],
        status=status("Выполнено", "4"),
        priority={"id": "3", "name": "Средний"},
    )
    mapped = map_issue(raw, PROFILE, CATALOG)
    changes = mapped.timeline.changes
    assert [c.at for c in changes] == [at(16, 11), at(16, 12), at(16, 12), at(16, 13)]
    assert changes[0].resolution is Resolution.RESOLVED
    assert (changes[1].status, changes[2].priority) == (Status.IN_PROGRESS, Priority.MEDIUM)
    assert changes[3].status is Status.DONE
    assert mapped.warnings == ()


def test_histories_without_numeric_ids_are_ordered_by_created():
    raw = issue(
        [
            history(
                "b",
                "2026-11-16T12:00:00.000+0300",
                item("status", "3", "В работе", "4", "Выполнено", "status"),
            ),
            history(
                "a",
                "2026-11-16T08:00:00Z",
                item("status", "1", "Создана", "3", "В работе", "status"),
            ),
        ],
        status=status("Выполнено", "4"),
    )
    changes = map_issue(raw, PROFILE, CATALOG).timeline.changes
    assert [(c.at, c.status) for c in changes] == [
        (at(16, 11), Status.IN_PROGRESS),
        (at(16, 12), Status.DONE),
    ]


def test_unmapped_status_falls_back_to_jira_category():
    raw = issue(status=status("Ждёт релиза", "10500", "indeterminate"))
    mapped = map_issue(raw, PROFILE, CATALOG)
    assert mapped.timeline.status is Status.IN_PROGRESS
    assert mapped.warnings == (
        "SUP-12: status 'Ждёт релиза' is not mapped in mappings/jira.yaml (statuses); "
        "using Jira category 'indeterminate' -> in_progress",
    )


def test_history_status_falls_back_to_category_the_caller_looked_up():
    raw = issue(
        [
            history(
                1,
                "2026-11-16T11:00:00+0300",
                item("status", "10500", "Triage", "10501", "Dev Active", "status"),
            ),
        ],
        status=status("Dev Active", "10501"),
    )
    # Keys are status ids or lower-cased names, as built from /rest/api/2/status.
    cats = Vocabulary(
        statuses=(
            TrackerValue("10500", "Triage", "new"),
            TrackerValue(None, "Dev Active", "indeterminate"),
        )
    )
    tl = map_issue(raw, PROFILE, CATALOG, cats).timeline
    assert tl.status is Status.CREATED
    assert tl.changes[0].status is Status.IN_PROGRESS


def test_unmapped_status_without_category_fails_naming_value_kind_and_profile():
    raw = issue(status=status("Ждёт релиза", "10500", "undefined"))
    with pytest.raises(MappingError) as err:
        settled(raw)
    assert str(err.value) == (
        "SUP-12: status 'Ждёт релиза' is not mapped in mappings/jira.yaml (statuses) "
        "and Jira reports no category for it (since registration) and it changes the SLA "
        "under the configured rules"
    )
    assert isinstance(err.value, UnknownValueError)  # the sync layer skips the issue
    assert (err.value.key, err.value.kind, err.value.value) == ("SUP-12", "status", "Ждёт релиза")


def test_issue_without_priority_takes_the_default_priority():
    data = yaml.safe_load(DEFAULT_JIRA_PROFILE.read_text(encoding="utf-8"))
    data["default_priority"] = "medium"
    profile = profile_from_mapping(data, "team.yaml")
    assert map_issue(issue(priority=None), profile, CATALOG).timeline.priority is Priority.MEDIUM


def test_issue_without_priority_fails_when_profile_has_no_default():
    with pytest.raises(
        MappingError,
        match=r"^SUP-12: priority is not set and "
        r"mappings/jira.yaml has no default_priority \(since registration\) and it changes",
    ):
        settled(issue(priority=None))


def test_unmapped_current_priority_fails():
    raw = issue(
        [
            history(
                1,
                "2026-11-16T11:00:00+0300",
                item("priority", "2", "Высокий", "9", "Urgent!", "priority"),
            )
        ],
        priority={"id": "9", "name": "Urgent!"},
    )
    with pytest.raises(MappingError, match=r"priority 'Urgent!' is not mapped in .*\(priorities\)"):
        settled(raw)


def test_custom_field_change_is_recognised_by_name_when_history_has_no_field_id():
    raw = issue(
        [
            history(
                1,
                "2026-11-16T11:00:00+0300",
                item("линия  поддержки", None, "2", None, "3", fieldtype="custom"),
            )
        ]
    )
    tl = map_issue(raw, PROFILE, CATALOG).timeline
    assert tl.line is Line.L1_2
    assert tl.changes[0].line is Line.L3


def test_custom_field_named_status_is_not_taken_for_the_status():
    raw = issue(
        [
            history(
                1,
                "2026-11-16T11:00:00+0300",
                item("Status", None, "green", None, "red", fieldtype="custom"),
            )
        ]
    )
    assert map_issue(raw, PROFILE, CATALOG).timeline.changes == ()


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ({"value": "3", "id": "10022"}, Line.L3),
        (3.0, Line.L3),
        ("2", Line.L1_2),
        (None, Line.L1_2),
        ({"value": "Третья линия"}, Line.L3),
    ],
)
def test_line_value_is_normalised_from_select_number_or_string(value, line):
    assert map_issue(issue(customfield_10100=value), PROFILE, CATALOG).timeline.line is line


def test_unknown_line_value_fails():
    with pytest.raises(MappingError, match=r"support line '4' is not mapped .*\(lines\)"):
        settled(issue(customfield_10100={"value": "4"}))


def test_registered_at_field_overrides_created():
    raw = issue(customfield_10103="2026-11-16T06:30:00.000Z")
    assert map_issue(raw, PROFILE, CATALOG).timeline.registered_at == at(16, 9, 30)


def test_history_created_as_epoch_number_is_accepted():
    raw = issue([history(1, 1794819600, item("status", "1", "Создана", "3", "В работе"))])
    assert map_issue(raw, PROFILE, CATALOG).timeline.changes[0].at == datetime(
        2026, 11, 16, 9, tzinfo=UTC
    )


def test_customer_channel_request_type_and_requester_email_are_read():
    raw = issue(
        customfield_10101={"value": "ООО Ромашка"},
        customfield_10102={"value": "Телефон"},
        customfield_10104=" user@example.com ",
        issuetype={"id": "10002", "name": "Запрос"},
    )
    mapped = map_issue(raw, PROFILE, CATALOG)
    tl = mapped.timeline
    assert (tl.customer, tl.channel, tl.request_type) == (
        "ООО Ромашка",
        Channel.PHONE,
        RequestType.QUERY,
    )
    assert mapped.requester_email == "user@example.com"


def test_unmapped_issue_type_and_channel_are_reported_and_left_empty():
    raw = issue(issuetype={"id": "7", "name": "Epic"}, customfield_10102={"value": "Голубь"})
    mapped = map_issue(raw, PROFILE, CATALOG)
    assert mapped.timeline.request_type is None and mapped.timeline.channel is None
    assert [w.split(" is ")[0] for w in mapped.warnings] == [
        "SUP-12: issue type 'Epic'",
        "SUP-12: channel 'Голубь'",
    ]


def test_withdrawn_resolution_marks_the_timeline_withdrawn():
    raw = issue(status=status("Выполнено"), resolution={"id": "5", "name": "Отозвана"})
    assert map_issue(raw, PROFILE, CATALOG).timeline.withdrawn


def test_unmapped_resolution_fails():
    with pytest.raises(MappingError, match=r"resolution 'Later' is not mapped"):
        map_issue(issue(resolution={"id": "7", "name": "Later"}), PROFILE, CATALOG)


def test_field_names_sent_with_the_issue_complete_an_empty_catalog():
    raw = issue(customfield_10100={"value": "3"})
    raw = RawIssue(
        raw.tracker, raw.key, raw.id, raw.fields, names={"customfield_10100": "Линия поддержки"}
    )
    assert map_issue(raw, PROFILE, []).timeline.line is Line.L3


def test_real_cloud_webhook_with_epoch_ms_timestamp_maps():
    payload = json.loads((REAL / "jira_cloud_webhook_issue_updated_status.zulip.json").read_text())
    fields = payload["issue"]["fields"]
    # A webhook changelog has no `created`; the event timestamp (epoch ms) stands in for it.
    hist = {**payload["changelog"], "created": payload["timestamp"], "author": payload["user"]}
    raw = RawIssue("jira", payload["issue"]["key"], payload["issue"]["id"], fields, (hist,))
    tl = map_issue(raw, PROFILE, []).timeline
    assert (tl.status, tl.priority, tl.request_type) == (
        Status.CREATED,
        Priority.MEDIUM,
        RequestType.QUERY,
    )
    assert tl.changes[0].status is Status.IN_PROGRESS
    assert tl.changes[0].at == datetime(2017, 1, 30, 17, 32, 14, 721000, tzinfo=UTC)


def test_real_server_webhook_custom_field_change_matches_by_name():
    payload = json.loads(
        (REAL / "jira_server_webhook_issue_updated_status_and_customfield.json").read_text()
    )
    data = yaml.safe_load(DEFAULT_JIRA_PROFILE.read_text(encoding="utf-8"))
    data["fields"]["line"] = "Story Points"  # stands in for a numeric line field
    profile = profile_from_mapping(data, "team.yaml")
    catalog = [FieldDef("customfield_10006", "Story Points", True, {"type": "number"})]
    hist = {**payload["changelog"], "created": payload["timestamp"]}
    raw = RawIssue("jira", "VRF-799", "86215", payload["issue"]["fields"], (hist,))
    tl = map_issue(raw, profile, catalog).timeline
    assert tl.status is Status.CREATED  # "Backlog", the changelog's from side
    assert (tl.changes[0].status, tl.changes[0].line) == (Status.CREATED, Line.L1_2)


# ---- own changes ----

SLA_KEYS = {"customfield_10110", "SLA due", "customfield_10112"}


def test_service_account_touching_only_sla_fields_is_its_own_change():
    cloud = history(
        1,
        "2026-11-16T11:00:00+0300",
        item("SLA due", None, "x", None, "y", "customfield_10110", "custom"),
        author={"accountId": "svc"},
    )
    assert is_own_sla_change(cloud, "svc", SLA_KEYS)
    # Jira DC: author by name/key, and old histories name the field instead of its id.
    dc = history(
        2,
        "2026-11-16T11:00:00+0300",
        item("sla DUE", None, "x", None, "y", fieldtype="custom"),
        author={"name": "svc", "key": "JIRAUSER10"},
    )
    assert is_own_sla_change(dc, "svc", SLA_KEYS)
    assert is_own_sla_change(dc, "JIRAUSER10", SLA_KEYS)


def test_sla_label_changes_by_the_service_account_are_its_own():
    labels = item("labels", None, "vip", None, "vip sla-breached", "labels")
    hist = history(1, "2026-11-16T11:00:00+0300", labels, author={"accountId": "svc"})
    assert is_own_sla_change(hist, "svc", SLA_KEYS, sla_labels={"sla-breached"})
    assert not is_own_sla_change(hist, "svc", SLA_KEYS)


@pytest.mark.parametrize(
    ("author", "extra"),
    [
        ({"accountId": "someone"}, []),
        ({"accountId": "svc"}, [item("status", "1", "A", "2", "B")]),
        (None, []),
    ],
)
def test_other_authors_or_other_fields_are_not_own_changes(author, extra):
    hist = history(
        1,
        "2026-11-16T11:00:00+0300",
        item("SLA due", None, "x", None, "y", "customfield_10110"),
        *extra,
        author=author,
    )
    if author is None:
        hist["author"] = None
    assert not is_own_sla_change(copy.deepcopy(hist), "svc", SLA_KEYS)
