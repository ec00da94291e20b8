"""One scenario as Jira changelog and as YouTrack activities: the same SLA figures."""

from __future__ import annotations

from datetime import UTC, datetime

from config.regulation import load_regulation
from mappings.jira import map_issue as map_jira
from mappings.profile import load_profile
from mappings.raw import FieldDef, RawIssue
from mappings.youtrack import DEFAULT_YOUTRACK_PROFILE
from mappings.youtrack import map_issue as map_youtrack
from sla.clock import compute
from tests.helpers import msk

POLICY = load_regulation().policies.default
NOW = msk(2026, 11, 25, 12, 0)
# Created Mon 10:00, taken Mon 11:30, waiting for the reporter Tue 10:00 .. Thu 15:00,
# raised to critical and line 3 on Thu 15:00 (one command), done Fri 17:00, reopened Mon 10:00.
CREATED = msk(2026, 11, 16, 10, 0)
STEPS = [
    (msk(2026, 11, 16, 11, 30), {"status": ("Создана", "В работе")}),
    (msk(2026, 11, 17, 10, 0), {"status": ("В работе", "Уточнение")}),
    (
        msk(2026, 11, 19, 15, 0),
        {
            "status": ("Уточнение", "В работе"),
            "priority": ("Высокий", "Критический"),
            "line": ("1", "3"),
        },
    ),
    (
        msk(2026, 11, 20, 17, 0),
        {"status": ("В работе", "Выполнено"), "resolution": (None, "Решена")},
    ),
    (
        msk(2026, 11, 23, 10, 0),
        {"status": ("Выполнено", "В работе"), "resolution": ("Решена", None)},
    ),
]


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _jira_issue() -> RawIssue:
    jira_field = {"status": "status", "priority": "priority", "resolution": "resolution"}
    histories = []
    for n, (at, moves) in enumerate(STEPS, start=1):
        items = []
        for which, (old, new) in moves.items():
            if which == "line":
                items.append(
                    {
                        "field": "Линия поддержки",
                        "fieldtype": "custom",
                        "fieldId": "customfield_10100",
                        "fromString": old,
                        "toString": new,
                    }
                )
            else:
                items.append(
                    {
                        "field": which,
                        "fieldtype": "jira",
                        "fieldId": jira_field[which],
                        "from": None,
                        "fromString": old,
                        "to": None,
                        "toString": new,
                    }
                )
        histories.append({"id": str(100 + n), "created": at.isoformat(), "items": items})
    fields = {
        "created": CREATED.isoformat(),
        "status": {"id": "3", "name": "В работе"},
        "priority": {"id": "1", "name": "Критический"},
        "resolution": None,
        "issuetype": {"id": "1", "name": "Заявка на дефект"},
        "customfield_10100": {"value": "3"},
        "labels": [],
    }
    return RawIssue("jira", "SUP-1", "10001", fields, tuple(histories))


# A Russian project keeps the regulation's resolution in a «Резолюция» enum beside State.
YT_NAMES = {"status": "State", "priority": "Priority", "line": "Линия поддержки"}
YT_NAMES["resolution"] = "Резолюция"
YT_TYPES = {"status": "state", "priority": "enum", "line": "enum", "resolution": "enum"}


def _yt_value(which: str, name: str | None) -> list[dict]:
    if name is None:
        return []
    value = {
        "name": name,
        "$type": "StateBundleElement" if which == "status" else "EnumBundleElement",
    }
    if which == "status":
        value["isResolved"] = name == "Выполнено"
    return [value]


def _youtrack_issue() -> RawIssue:
    activities = []
    for n, (at, moves) in enumerate(STEPS, start=1):
        for which, (old, new) in moves.items():
            name = YT_NAMES[which]
            activities.append(
                {
                    "$type": "CustomFieldActivityItem",
                    "id": f"0-0.1-{n}{which}",
                    "timestamp": _ms(at),
                    "category": {"id": "CustomFieldCategory"},
                    "field": {
                        "name": name,
                        "customField": {"name": name, "fieldType": {"valueType": YT_TYPES[which]}},
                    },
                    "removed": _yt_value(which, old),
                    "added": _yt_value(which, new),
                }
            )

    def cf(name, type_, value):
        return {"name": name, "$type": type_, "value": value}

    fields = {
        "id": "2-1",
        "idReadable": "SUP-1",
        "created": _ms(CREATED),
        "resolved": None,
        "customFields": [
            cf("State", "StateIssueCustomField", {"name": "В работе", "isResolved": False}),
            cf("Priority", "SingleEnumIssueCustomField", {"name": "Критический"}),
            cf("Линия поддержки", "SingleEnumIssueCustomField", {"name": "3"}),
            cf("Type", "SingleEnumIssueCustomField", {"name": "Заявка на дефект"}),
            cf("Резолюция", "SingleEnumIssueCustomField", None),
        ],
        "tags": [],
    }
    return RawIssue("youtrack", "SUP-1", "2-1", fields, tuple(activities))


def test_same_scenario_gives_identical_figures_in_jira_and_youtrack():
    jira = map_jira(
        _jira_issue(),
        load_profile(),
        [FieldDef("customfield_10100", "Линия поддержки", True, {"type": "option"})],
    )
    youtrack = map_youtrack(_youtrack_issue(), load_profile(DEFAULT_YOUTRACK_PROFILE), [])
    assert jira.timeline.changes == youtrack.timeline.changes
    a, b = compute(jira.timeline, POLICY, NOW), compute(youtrack.timeline, POLICY, NOW)
    for attr in ("elapsed_seconds", "paused_seconds", "due_at", "breached_at", "state", "segments"):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert (a.priority, a.line, a.breached, a.target_seconds) == (
        b.priority,
        b.line,
        b.breached,
        b.target_seconds,
    )
    assert a.elapsed_seconds > 0 and a.paused_seconds > 0  # the scenario exercises the pause


def test_parity_holds_at_an_instant_inside_the_pause():
    now = msk(2026, 11, 18, 12, 0).astimezone(UTC)
    jira = map_jira(
        _jira_issue(),
        load_profile(),
        [FieldDef("customfield_10100", "Линия поддержки", True, {"type": "option"})],
    )
    youtrack = map_youtrack(_youtrack_issue(), load_profile(DEFAULT_YOUTRACK_PROFILE), [])
    assert compute(jira.timeline, POLICY, now) == compute(youtrack.timeline, POLICY, now)
