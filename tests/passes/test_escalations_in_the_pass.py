"""Escalation rules in the pass and the sweep: fired once, recorded, on time, dry-run listed."""

from __future__ import annotations

import yaml

from config.regulation import default_regulation_path
from tests.helpers import msk


def regulation_with(tmp_path, rules) -> str:
    data = yaml.safe_load(default_regulation_path().read_text(encoding="utf-8"))
    data["escalations"] = rules
    path = tmp_path / "regulation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


RULES = [
    {
        "name": "at-80",
        "enabled": True,
        "when": {"reached": 0.8},
        "actions": [{"comment": "{mention} {number}: {share}"}, {"label": "sla-80"}],
    },
    {
        "name": "late",
        "enabled": True,
        "when": {"breach": True},
        "only": {"priorities": ["critical"]},
        "actions": [{"set_field": {"field": "state", "value": "escalated"}}],
    },
]


def test_the_sweep_fires_a_rule_at_its_point_once_and_explain_shows_it(tmp_path, make_world):
    world = make_world(regulation_with(tmp_path, RULES))
    world.tracker.add("M-1", msk(2026, 11, 16, 9), priority="P1")  # critical: 6 h, 80 % 13:48
    world.runner().sync_since()  # first pass: nothing reached yet
    assert world.tracker.issues["M-1"]["comments"] == []
    world.at(msk(2026, 11, 16, 13, 48))
    world.runner().sweep()  # the store asked for a sweep at exactly the 80 % point
    issue = world.tracker.issues["M-1"]
    assert issue["comments"] == ["M-1: 80%"] and "sla-80" in issue["fields"]["labels"]
    world.at(msk(2026, 11, 16, 14, 30))
    world.runner().sync_since()
    world.runner().sweep()
    world.runner().recompute("M-1")
    assert issue["comments"] == ["M-1: 80%"]  # once per cycle
    _, lines = world.runner().explain_with_escalations("M-1")
    assert "escalation at-80 (comment): sent 2026-11-16 13:48" in lines
    assert "escalation late: ahead, at 2026-11-16 15:00" in lines


def test_the_breach_rule_sets_its_field_and_a_medium_request_never_gets_it(tmp_path, make_world):
    world = make_world(regulation_with(tmp_path, RULES))
    world.tracker.add("M-1", msk(2026, 11, 16, 9), priority="P1")
    world.tracker.add("M-2", msk(2026, 11, 16, 9), priority="P3")
    world.runner().sync_since()
    world.at(msk(2026, 11, 16, 15, 0, 2))
    world.runner().sweep()
    assert world.tracker.issues["M-1"]["fields"]["sla"]["state"] == "escalated"
    assert world.tracker.issues["M-2"]["fields"]["sla"]["state"] == "running"


def test_dry_run_lists_the_escalations_that_would_fire_and_fires_none(tmp_path, make_world):
    world = make_world(regulation_with(tmp_path, RULES))
    world.tracker.add("M-1", msk(2026, 11, 16, 9), priority="P1")
    world.runner().sync_since()
    world.at(msk(2026, 11, 16, 14))
    world.tracker.change("M-1", msk(2026, 11, 16, 14), status="Work")
    report = world.runner().sync_since(dry_run=True)
    (m1,) = [o for o in report.issues if o.key == "M-1"]
    assert "escalation at-80: comment: M-1: 83%" in m1.changes  # 5 of 6 h at 14:00
    assert "escalation at-80: label sla-80" in m1.changes
    assert world.tracker.issues["M-1"]["comments"] == []


def test_reached_before_the_first_pass_is_recorded_and_never_sent(tmp_path, make_world):
    world = make_world(regulation_with(tmp_path, RULES))
    world.tracker.add("M-1", msk(2026, 11, 16, 9), priority="P1")
    world.at(msk(2026, 11, 16, 14))
    world.runner().sync_since()  # first look: 5 h counted, past the 80 % point
    world.at(msk(2026, 11, 16, 14, 30))
    world.runner().sweep()
    world.runner().recompute("M-1")
    assert world.tracker.issues["M-1"]["comments"] == []
