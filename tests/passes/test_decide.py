"""The pure decision step: snapshot in, plan out — no store, no clock, no tracker."""

from __future__ import annotations

from datetime import timedelta

from config.notifications import Notifications
from config.regulation import load_regulation
from mappings.profile import FieldCatalog, load_profile
from mappings.raw import RawIssue
from sla.instant import to_us
from sync.adapters.store import IssueState, NoticeRow
from sync.binding import Binding
from sync.passes.decide import Prior, Rules, decide, evaluate, is_duplicate
from sync.passes.notices import ACK, NoticeRules
from tests.fakes.memory_mapping import PROFILE_PATH, SLA_FIELDS
from tests.fakes.memory_tracker import MEMORY
from tests.helpers import msk

REGULATION = load_regulation()
NOW = msk(2026, 11, 16, 12)
BINDING = Binding(
    "mem", "all", MEMORY, tracker=None, profile=load_profile(PROFILE_PATH),  # type: ignore[arg-type]
    catalog=FieldCatalog(SLA_FIELDS),
)  # fmt: skip


def rules(**notices) -> Rules:
    config = Notifications.model_validate(notices) if notices else Notifications()
    return Rules(
        BINDING,
        "bot",
        timedelta(minutes=60),
        None,
        NoticeRules("mem", config, None, REGULATION.name_of),
    )


def raw(sla=None, labels=(), histories=(), priority="P2", status="Open", updated=None):
    fields = {
        "status": status,
        "priority": priority,
        "line": "1",
        "created": msk(2026, 11, 16, 9),
        "sla": dict(sla or {}),
        "labels": list(labels),
    }
    return RawIssue("memory", "M-1", "M-1", fields, tuple(histories), updated=updated or NOW)


def plan_for(issue, prior=None, rule=None):
    ev = evaluate(issue, BINDING, REGULATION, NOW)
    return decide(issue, ev, prior or Prior(None), NOW, rule or rules())


def test_a_new_request_gets_every_sla_field_and_no_label():
    p = plan_for(raw())
    assert set(p.changes.fields) == {"due", "state", "breached", "elapsed", "remaining"}
    assert p.changes.fields["state"] == "running" and p.changes.fields["elapsed"] == 3.0
    assert not p.changes.labels_add and p.human


def test_a_tracker_that_already_shows_the_result_needs_no_write():
    first = plan_for(raw())
    again = plan_for(raw(sla=first.changes.fields))
    assert not again.changes
    assert not any(line.startswith(("due", "state", "labels")) for line in again.lines)


def test_our_own_writes_since_the_last_visit_are_not_a_human_change():
    seen = IssueState(to_us(msk(2026, 11, 16, 10)), None, None, "running", False, None)
    own = {"at": msk(2026, 11, 16, 11), "author": "bot", "field": "due"}
    assert not plan_for(raw(histories=[own]), Prior(seen)).human
    person = {"at": msk(2026, 11, 16, 11), "author": "anna", "field": "status"}
    person |= {"from": "Open", "to": "Work"}
    assert plan_for(raw(histories=[own, person]), Prior(seen)).human


def test_the_breach_comment_is_planned_until_the_store_says_it_was_posted():
    breached = raw(priority="P1", status="Work", updated=NOW)  # 09:00 + 6 h: due 15:00
    late = msk(2026, 11, 16, 16)
    ev = evaluate(breached, BINDING, REGULATION, late)
    assert ev.result.breached
    assert decide(breached, ev, Prior(None), late, rules()).comment
    assert (
        decide(breached, ev, Prior(None, breach_comment_done=True), late, rules()).comment is None
    )


def test_the_first_pass_takes_stock_and_plans_no_notice():
    assert plan_for(raw(), Prior(None, first_pass=True)).notices == []
    (ack,) = plan_for(raw(), Prior(None)).notices
    assert ack.event == ACK and "M-1" in ack.body


def test_an_acknowledgement_recorded_before_is_never_planned_again():
    sent = NoticeRow(ACK, "comment", None, None, "text", None, "sent", 0, None)
    assert plan_for(raw(), Prior(None, notices={ACK: sent})).notices == []


def test_hours_are_left_alone_until_the_refresh_is_due():
    written = to_us(msk(2026, 11, 16, 11, 30))
    seen = IssueState(to_us(NOW), None, written, "running", False, None)
    p = plan_for(raw(), Prior(seen))
    assert "elapsed" not in p.changes.fields and p.hours_written_us == written


def test_a_version_already_processed_is_a_duplicate_unless_a_check_is_due():
    seen = IssueState(100, None, None, "running", False, None)
    assert is_duplicate(seen, 100, now_us=500)
    assert not is_duplicate(seen, 101, now_us=500)
    due = IssueState(100, 400, None, "running", False, None)
    assert not is_duplicate(due, 100, now_us=500)
