"""SlaResult -> YouTrack `customFields` entries, the changed-only comparison and dry-run text."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from mappings.profile import load_profile
from mappings.raw import FieldDef
from mappings.youtrack import DEFAULT_YOUTRACK_PROFILE, catalog_with_issue_fields
from mappings.youtrack.fields import required_field_ids
from mappings.youtrack.write import (
    changed_fields,
    desired_fields,
    issue_field_type,
    render_changes,
    same,
)
from sla.enums import ClockState, Line, Priority, Status
from sla.result import SlaResult

MSK = timezone(timedelta(hours=3))
REAL = Path(__file__).resolve().parents[1] / "fixtures/youtrack/real"
PROFILE = load_profile(DEFAULT_YOUTRACK_PROFILE)
DUE = datetime(2026, 11, 18, 18, tzinfo=MSK)
DUE_MS = int(DUE.timestamp() * 1000)


def fdef(name, value_type, field_type=None):
    return FieldDef(
        name, name, True, {"valueType": value_type, "fieldType": field_type or value_type}
    )


CATALOG = [
    fdef("State", "state", "state[1]"),
    fdef("Priority", "enum", "enum[1]"),
    fdef("Линия поддержки", "enum", "enum[1]"),
    fdef("SLA due", "date and time"),
    fdef("SLA state", "enum", "enum[1]"),
    fdef("SLA breached", "enum", "enum[1]"),
    fdef("SLA elapsed h", "float"),
    fdef("SLA remaining h", "float"),
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
        due_at=DUE,
        at_risk=False,
        at_risk_at=None,
        withdrawn=False,
        segments=(),
    )
    return dataclasses.replace(base, **changes)


def current(**values):
    """Issue fields as YouTrack returns them, with the SLA fields already written."""
    entries = {
        "SLA due": ("SimpleIssueCustomField", DUE_MS),
        "SLA state": ("SingleEnumIssueCustomField", {"name": "running", "id": "1-1"}),
        "SLA breached": ("SingleEnumIssueCustomField", {"name": "No", "id": "1-2"}),
        "SLA elapsed h": ("SimpleIssueCustomField", 4.12),
        "SLA remaining h": ("SimpleIssueCustomField", 1.88),
    }
    for name, value in values.items():
        entries[name.replace("_", " ")] = (entries[name.replace("_", " ")][0], value)
    return {
        "customFields": [{"name": n, "$type": t, "value": v} for n, (t, v) in entries.items()],
        "tags": [{"id": "5-7", "name": "vip"}],
    }


def test_result_becomes_custom_field_entries_with_type_per_field_kind():
    desired = desired_fields(result(), PROFILE, CATALOG)
    assert desired.fields == {
        "SLA due": {"name": "SLA due", "$type": "SimpleIssueCustomField", "value": DUE_MS},
        "SLA state": {
            "name": "SLA state",
            "$type": "SingleEnumIssueCustomField",
            "value": {"name": "running"},
        },
        "SLA breached": {
            "name": "SLA breached",
            "$type": "SingleEnumIssueCustomField",
            "value": {"name": "No"},
        },
        "SLA elapsed h": {
            "name": "SLA elapsed h",
            "$type": "SimpleIssueCustomField",
            "value": 4.12,
        },
        "SLA remaining h": {
            "name": "SLA remaining h",
            "$type": "SimpleIssueCustomField",
            "value": 1.88,
        },
    }
    assert desired.labels == {"sla-breached": False, "sla-at-risk": False}
    assert desired.hours_field_ids == frozenset({"SLA elapsed h", "SLA remaining h"})


def test_period_date_integer_text_and_multi_enum_fields_get_their_own_shapes():
    catalog = [
        fdef("SLA due", "date"),
        fdef("SLA state", "text"),
        fdef("SLA breached", "enum", "enum[*]"),
        fdef("SLA elapsed h", "period"),
        fdef("SLA remaining h", "integer"),
    ]
    fields = desired_fields(result(breached=True), PROFILE, catalog).fields
    noon = int(datetime(2026, 11, 18, 12, tzinfo=UTC).timestamp() * 1000)
    assert fields["SLA due"] == {"name": "SLA due", "$type": "DateIssueCustomField", "value": noon}
    assert fields["SLA state"]["$type"] == "TextIssueCustomField"
    assert fields["SLA state"]["value"] == {"text": "running"}
    assert fields["SLA breached"]["$type"] == "MultiEnumIssueCustomField"
    assert fields["SLA breached"]["value"] == [{"name": "Yes"}]
    # PeriodValue.minutes is read-only; the documented write is the presentation
    # (https://www.jetbrains.com/help/youtrack/devportal/api-entity-PeriodValue.html).
    assert fields["SLA elapsed h"] == {
        "name": "SLA elapsed h",
        "$type": "PeriodIssueCustomField",
        "value": {"$type": "PeriodValue", "presentation": "4h 7m"},
    }
    assert fields["SLA remaining h"]["value"] == 2


def test_a_period_written_as_text_equals_the_minutes_youtrack_reads_back():
    sample = json.loads((REAL / "youtrack_issue_all_customfield_types.deskpro.json").read_text())
    (period,) = [cf for cf in sample["customFields"] if cf["$type"] == "PeriodIssueCustomField"]
    assert (
        period["value"]["minutes"] == 510
    )  # real answer: {"minutes": 510, "presentation": "1d 30m"}
    desired = {"$type": "PeriodValue", "presentation": "8h 30m"}
    assert same(period["value"], desired)
    assert not same(period["value"], {"$type": "PeriodValue", "presentation": "8h 29m"})


def test_type_comes_from_the_real_issue_when_the_catalog_lacks_value_types():
    sample = json.loads((REAL / "youtrack_issue_customfields.moneymeets.json").read_text())
    cat = catalog_with_issue_fields([], sample)
    by_name = {d.name: issue_field_type(d) for d in cat.defs}
    assert by_name["Due Date"] == "DateIssueCustomField"
    assert by_name["Started at"] == "SimpleIssueCustomField"
    assert by_name["Type"] == "SingleEnumIssueCustomField"
    # Without the issue's own `$type`, old-style fieldType ids still give the right type.
    assert issue_field_type(FieldDef("x", "x", True, {"fieldType": "enum[*]"})) == (
        "MultiEnumIssueCustomField"
    )
    assert issue_field_type(FieldDef("x", "x", True, {"fieldType": "date and time"})) == (
        "SimpleIssueCustomField"
    )


def test_recompute_that_changes_nothing_writes_nothing():
    desired = desired_fields(result(), PROFILE, CATALOG)
    assert not changed_fields(current(), desired)


def test_equal_values_in_other_spellings_are_not_rewritten():
    desired = desired_fields(result(), PROFILE, CATALOG)
    same = current(
        SLA_due=DUE_MS + 20_000,  # same minute
        SLA_state={"name": "Running", "id": "x", "$type": "EnumBundleElement"},
        SLA_elapsed_h=4.1234,
    )
    assert not changed_fields(same, desired)


def test_only_changed_fields_and_tags_are_returned():
    breached = result(breached=True, elapsed_seconds=7 * 3600, remaining_seconds=-3600)
    desired = desired_fields(breached, PROFILE, CATALOG)
    changed = changed_fields(current(), desired)
    assert set(changed.fields) == {"SLA breached", "SLA elapsed h", "SLA remaining h"}
    assert changed.fields["SLA breached"]["value"] == {"name": "Yes"}
    assert (changed.labels_add, changed.labels_remove) == (("sla-breached",), ())


def test_paused_clock_clears_the_due_field():
    desired = desired_fields(result(state=ClockState.PAUSED, due_at=None), PROFILE, CATALOG)
    changed = changed_fields(current(), desired)
    assert changed.fields["SLA due"] == {
        "name": "SLA due",
        "$type": "SimpleIssueCustomField",
        "value": None,
    }


def test_stale_at_risk_tag_is_removed_and_others_kept():
    issue = current()
    issue["tags"] = [{"id": "5-7", "name": "vip"}, {"id": "5-9", "name": "sla-at-risk"}]
    changed = changed_fields(issue, desired_fields(result(), PROFILE, CATALOG))
    assert not changed.fields
    assert (changed.labels_add, changed.labels_remove) == ((), ("sla-at-risk",))


def test_dry_run_lines_show_old_and_new_values():
    breached = result(breached=True, due_at=DUE + timedelta(hours=1))
    desired = desired_fields(breached, PROFILE, CATALOG)
    lines = render_changes(current(), changed_fields(current(), desired), desired, tz=MSK)
    assert "SLA due: 2026-11-18 18:00 → 2026-11-18 19:00" in lines
    assert "SLA breached: No → Yes" in lines
    assert "tags: vip → vip, sla-breached" in lines


def test_hours_can_be_left_out_of_a_cheap_refresh():
    desired = desired_fields(result(), PROFILE, CATALOG, include_hours=False)
    assert set(desired.fields) == {"SLA due", "SLA state", "SLA breached"}


def test_search_asks_only_for_fields_the_instance_has():
    names = required_field_ids(PROFILE, CATALOG)
    assert names[:2] == ["State", "Priority"]
    assert "Состояние" not in names and "SLA due" in names and "Линия поддержки" in names
