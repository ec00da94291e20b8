"""`init`'s profile draft: matched by name, by category, by rank; every guess marked CHECK."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from mappings.check import check_profile
from mappings.draft import draft_profile
from mappings.jira import JIRA_MAPPING
from mappings.port import TrackerValue, Vocabulary
from mappings.profile import FieldCatalog, load_profile, profile_from_mapping
from mappings.raw import FieldDef

REAL = Path(__file__).resolve().parents[1] / "fixtures/jira/real"
KNOWN = load_profile()


def real(name):
    items = json.loads((REAL / name).read_text(encoding="utf-8"))
    return tuple(
        TrackerValue(i.get("id"), i["name"], (i.get("statusCategory") or {}).get("key"))
        for i in items
    )


def draft(vocab, catalog=()):
    d = draft_profile("jira", vocab, FieldCatalog(catalog), KNOWN, "Jira")
    return d, profile_from_mapping(yaml.safe_load(d.text), "draft.yaml")


def test_a_draft_from_a_real_jira_maps_every_status_priority_and_resolution():
    vocab = Vocabulary(
        statuses=real("jira_dc_statuses.go-jira.json"),
        priorities=real("jira_dc_priorities.apache.go-jira.json"),
        resolutions=real("jira_dc_resolutions.apache.go-jira.json"),
    )
    d, profile = draft(vocab)
    findings = check_profile(
        profile, (), vocab, field_kinds=JIRA_MAPPING.field_kinds,
        field_kind=JIRA_MAPPING.field_kind, tracker="Jira",
    )  # fmt: skip
    # What check still reports is exactly what the draft asked a human about: statuses with
    # no category (nothing tells whether they pause the clock) and fields Jira lacks.
    placed = ("new", "indeterminate", "done")
    asked = [s.name for s in vocab.statuses if s.category not in placed]
    assert asked and all(any(n in q for q in d.open_questions) for n in asked)
    errors = [f.message for f in findings if f.severity == "error"]
    assert len(errors) == len(asked) and all(any(n in e for n in asked) for e in errors)
    others = [f.key for f in findings if f.severity != "error"]
    assert all(k.startswith(("fields.", "write.", "statuses.clarification")) for k in others)
    assert any("never pauses" in q for q in d.open_questions)  # asked about the pause too


def test_a_status_guessed_from_its_category_is_marked_for_a_human():
    vocab = Vocabulary(statuses=(TrackerValue("7", "In Review", "indeterminate"),))
    d, profile = draft(vocab)
    assert profile.statuses.match("In Review").value == "in_progress"
    assert "# CHECK: status 'In Review' guessed in_progress" in d.text
    assert any("never pauses" in q for q in d.open_questions)  # no clarification status


def test_unknown_priorities_sit_with_their_nearest_known_neighbour_by_rank():
    names = ["Blocker", "Urgent", "Normal", "Whenever"]
    vocab = Vocabulary(priorities=tuple(TrackerValue(str(i), n) for i, n in enumerate(names)))
    _, profile = draft(vocab)
    assert [profile.priorities.match(n).value for n in names] == [
        "critical", "critical", "critical", "critical",
    ]  # fmt: skip
    fresh = Vocabulary(priorities=tuple(TrackerValue(None, n) for n in ("A", "B", "C", "D")))
    _, profile = draft(fresh)
    assert [profile.priorities.match(n).value for n in "ABCD"] == [
        "critical", "high", "medium", "low",
    ]  # fmt: skip


def test_fields_are_named_as_the_tracker_spells_them_or_left_as_a_comment():
    catalog = [FieldDef("customfield_1", "Support line", True), FieldDef("cf_2", "SLA due", True)]
    d, profile = draft(Vocabulary(), catalog)
    assert profile.field_refs["fields.line"] == ("Support line",)
    assert "# customer: no field named Заказчик / Customer" in d.text
    assert "state: SLA state  # missing: `sla-sync check --create-fields`" in d.text
