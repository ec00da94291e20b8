"""Issue 11, finding 1: one history order, and the issue's current fields win over the replay.

Jira Data Center clusters stamp `created` with the clock of the node that saved the change, so
two histories can carry instants in the opposite order of their ids. Before, the adapter
sorted by id and the mapping re-sorted by `created`: an issue whose `fields.status` was In
Progress came out "paused", silently.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from config.regulation import load_regulation
from mappings.jira import map_issue
from mappings.profile import load_profile
from mappings.raw import FieldDef, RawIssue
from mappings.settle import settle
from sla import ClockState, compute
from sla.enums import Priority, Status

MSK = timezone(timedelta(hours=3))
PROFILE = load_profile()
CATALOG = [FieldDef("customfield_10100", "Линия поддержки", True, {"type": "option"})]
POLICY = load_regulation().policies.default
NOW = datetime(2026, 11, 18, 15, tzinfo=MSK)


def _status(sid: str, name: str) -> dict:
    return {"id": sid, "name": name}


def _move(hid: int, created: str, field: str, frm: tuple, to: tuple) -> dict:
    return {
        "id": str(hid),
        "created": created,
        "author": {"name": "agent"},
        "items": [
            {
                "field": field,
                "fieldtype": "jira",
                "from": frm[0],
                "fromString": frm[1],
                "to": to[0],
                "toString": to[1],
            }
        ],
    }


def _raw(histories, **fields) -> RawIssue:
    base = {
        "created": "2026-11-16T10:00:00.000+0300",
        "status": _status("3", "В работе"),
        "priority": {"id": "2", "name": "Высокий"},
        "resolution": None,
        "issuetype": {"id": "10005", "name": "Запрос"},
        "labels": [],
        **fields,
    }
    return RawIssue("jira", "SUP-31", "10031", base, tuple(histories))


NEW, WAIT, WORK = ("10000", "Создана"), ("10001", "Уточнение"), ("3", "В работе")


def test_a_later_history_with_an_earlier_clock_still_comes_last():
    # 1001 was saved after 1000 (ids), but its node's clock was two minutes behind.
    raw = _raw(
        [
            _move(1000, "2026-11-16T11:05:00.000+0300", "status", NEW, WAIT),
            _move(1001, "2026-11-16T11:03:00.000+0300", "status", WAIT, WORK),
        ]
    )
    mapped = settle(map_issue(raw, PROFILE, CATALOG), POLICY, NOW)
    result = compute(mapped.timeline, POLICY, NOW)
    assert result.status is Status.IN_PROGRESS and result.state is ClockState.RUNNING
    assert [(c.at.strftime("%H:%M"), c.status) for c in mapped.timeline.changes] == [
        ("11:05", Status.CLARIFICATION),
        ("11:05", Status.IN_PROGRESS),
    ]
    assert mapped.warnings == ()  # consistent once ordered: nothing to warn about


def test_a_history_that_contradicts_the_issue_yields_to_its_current_fields_with_a_warning():
    # The last recorded move is to Уточнение, yet the issue is В работе (a move the changelog
    # lost: an import, a workflow migration). The current fields are the truth from then on.
    raw = _raw(
        [
            _move(1000, "2026-11-16T11:00:00.000+0300", "status", NEW, WORK),
            _move(1001, "2026-11-16T12:00:00.000+0300", "status", WORK, WAIT),
            _move(
                1002, "2026-11-16T13:00:00.000+0300", "priority", ("2", "Высокий"), ("4", "Низкий")
            ),
        ],
        priority={"id": "1", "name": "Критический"},
    )
    mapped = settle(map_issue(raw, PROFILE, CATALOG), POLICY, NOW)
    last = mapped.timeline.changes[-1]
    assert last.at == datetime(2026, 11, 16, 13, tzinfo=MSK)  # the last recorded change
    assert (last.status, last.priority) == (Status.IN_PROGRESS, Priority.CRITICAL)
    result = compute(mapped.timeline, POLICY, NOW)
    assert result.state is ClockState.RUNNING and result.priority is Priority.CRITICAL
    assert len(mapped.warnings) == 2
    status_note, priority_note = mapped.warnings
    assert status_note.startswith("SUP-31: the change history ends with status clarification")
    assert "'В работе' now" in status_note and "2026-11-16T13:00:00+03:00" in status_note
    assert priority_note.startswith("SUP-31: the change history ends with priority low")
    assert "'Критический' now" in priority_note


def test_a_history_that_agrees_with_the_issue_adds_nothing():
    raw = _raw([_move(7, "2026-11-16T11:00:00.000+0300", "status", NEW, WORK)])
    mapped = settle(map_issue(raw, PROFILE, CATALOG), POLICY, NOW)
    assert len(mapped.timeline.changes) == 1 and mapped.warnings == ()
