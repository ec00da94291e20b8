"""Escalation rules on the counted clock: scenarios from the regulation's point of view."""

from __future__ import annotations

import dataclasses

from config.escalations import Escalation
from config.regulation import load_regulation
from mappings.port import MappedIssue, Person
from sla import Change, Timeline, compute
from sla.reach import counted_reaches
from sync.adapters.store import NoticeRow
from sync.passes.escalations import SKIPPED, EscalationRules, ahead, plan
from tests.helpers import msk

REG = load_regulation()
POLICY = REG.policies.default
AT_80 = Escalation.model_validate(
    {"name": "at-80", "enabled": True, "when": {"reached": 0.8},
     "actions": [{"comment": "{mention} {number}: {share}, срок {due}"},
                 {"email": {"to": ["assignee", "lead@cera.example"], "subject": "{number}",
                            "body": "{elapsed} из {target}"}}]}
)  # fmt: skip
ANNA = Person("5b10ac8d82e05b22cc7d4ef5", "Анна", "anna@cera.example")
RULES = EscalationRules(
    "jira", (AT_80,), "support@ceratech.ru", REG.name_of, lambda p: f"[~{p.id}]" if p else ""
)


def timeline(*changes, priority="critical"):
    # Monday 16 November 2026, 09:00: critical, lines 1-2 -> 6 business hours.
    return Timeline("SUP-1", msk(2026, 11, 16, 9), "created", priority, changes=tuple(changes))


def run(tl, now, recorded=None, first_pass=False):
    result = compute(tl, POLICY, now)
    mapped = MappedIssue(tl, assignee=ANNA)
    return plan("SUP-1", mapped, result, POLICY, recorded or {}, first_pass, RULES), result


def test_80_percent_of_six_hours_is_reached_at_13_48_and_fires_once():
    tl = timeline()
    result = compute(tl, POLICY, msk(2026, 11, 16, 12))
    assert counted_reaches(result, POLICY.calendar, 0.8 * 6 * 3600) == msk(2026, 11, 16, 13, 48)
    assert ahead(MappedIssue(tl), result, POLICY, RULES) == [("at-80", msk(2026, 11, 16, 13, 48))]
    assert run(tl, msk(2026, 11, 16, 13, 47))[0] == []
    rows, _ = run(tl, msk(2026, 11, 16, 13, 48))
    assert [r.event for r in rows] == ["esc:at-80:0:0", "esc:at-80:0:1.0", "esc:at-80:0:1.1"]
    comment, to_anna, to_lead = rows
    assert comment.body == "[~5b10ac8d82e05b22cc7d4ef5] SUP-1: 80%, срок 16.11.2026 15:00 MSK"
    assert (to_anna.recipient, to_lead.recipient) == ("anna@cera.example", "lead@cera.example")
    done = {r.event: dataclasses.replace(r, state="sent") for r in rows}
    assert run(tl, msk(2026, 11, 16, 17), done)[0] == []


def test_80_percent_reached_during_a_pause_never_fires_early():
    paused = timeline(Change(msk(2026, 11, 16, 12), status="clarification"))  # 3 h counted
    rows, result = run(paused, msk(2026, 11, 17, 18))
    assert rows == [] and result.elapsed_seconds == 3 * 3600
    assert ahead(MappedIssue(paused), result, POLICY, RULES) == []
    resumed = timeline(
        Change(msk(2026, 11, 16, 12), status="clarification"),
        Change(msk(2026, 11, 18, 9), status="in_progress"),
    )
    result = compute(resumed, POLICY, msk(2026, 11, 18, 9, 30))
    assert ahead(MappedIssue(resumed), result, POLICY, RULES) == [
        ("at-80", msk(2026, 11, 18, 10, 48))
    ]


def test_a_request_closed_before_the_point_never_fires_it():
    closed = timeline(Change(msk(2026, 11, 16, 12), status="done", resolution="resolved"))
    assert run(closed, msk(2026, 11, 20, 12))[0] == []


def test_a_reopen_is_a_new_cycle_and_fires_again():
    tl = timeline(
        Change(msk(2026, 11, 16, 14), status="done", resolution="resolved"),
        Change(msk(2026, 11, 16, 16), status="in_progress"),
    )
    first = {
        e: NoticeRow(e, "comment", None, None, "x", None, "sent", 1, None)
        for e in ("esc:at-80:0:0", "esc:at-80:0:1.0", "esc:at-80:0:1.1")
    }
    rows, _ = run(tl, msk(2026, 11, 16, 16, 30), first)
    assert [r.event for r in rows] == ["esc:at-80:1:0", "esc:at-80:1:1.0", "esc:at-80:1:1.1"]


def test_a_priority_change_moves_the_instant():
    medium = timeline(priority="medium")  # 30 h: 80 % = 24 h, Wednesday 15:00
    result = compute(medium, POLICY, msk(2026, 11, 16, 10))
    ((_, before),) = ahead(MappedIssue(medium), result, POLICY, RULES)
    raised = timeline(Change(msk(2026, 11, 16, 10), priority="critical"), priority="medium")
    result = compute(raised, POLICY, msk(2026, 11, 16, 10, 30))
    ((_, after),) = ahead(MappedIssue(raised), result, POLICY, RULES)
    assert before == msk(2026, 11, 18, 15) and after == msk(2026, 11, 16, 13, 48)


def test_the_first_pass_records_what_was_reached_before_as_skipped():
    rows, _ = run(timeline(), msk(2026, 11, 16, 17), first_pass=True)
    assert {r.state for r in rows} == {SKIPPED}


def test_the_regulation_ships_the_rules_off_and_in_russian():
    shipped = REG.escalations
    assert [r.name for r in shipped] == ["half-time", "at-risk", "breach", "breach-plus-4h"]
    assert not any(r.enabled for r in shipped)
    assert "срок" in shipped[0].actions[0].comment
