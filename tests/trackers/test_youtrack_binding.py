"""YouTrack's binding: own-write recognition, saved issues, and the adapter from settings."""

from __future__ import annotations

import pytest

from config.settings import RetrySettings, TrackerSettings
from mappings.youtrack import YOUTRACK_MAPPING, raw_from_export
from mappings.youtrack.fields import is_own_sla_change
from sla.errors import UnknownValueError
from sync.binding import connect
from sync.trackers.youtrack.adapter import YouTrackTracker
from sync.trackers.youtrack.kind import YOUTRACK


def act(login, field=None, category="CustomFieldCategory", **extra):
    return {
        "author": {"login": login},
        "category": {"id": category},
        "field": {"name": field} if field else None,
        **extra,
    }


def test_own_write_is_the_service_account_touching_only_sla_fields_or_tags():
    sla = {"SLA due", "SLA state"}
    assert is_own_sla_change(act("sla-bot", "SLA due"), "sla-bot", sla)
    assert not is_own_sla_change(act("sla-bot", "State"), "sla-bot", sla)
    assert not is_own_sla_change(act("anna", "SLA due"), "sla-bot", sla)
    tags = act("sla-bot", category="TagsCategory", added=[{"name": "sla-breached"}], removed=[])
    assert is_own_sla_change(tags, "sla-bot", sla, sla_labels={"sla-breached"})


def test_saved_issue_with_activities_becomes_a_raw_issue():
    raw = raw_from_export(
        {"issue": {"id": "2-1", "idReadable": "SUP-1"}, "activities": [{"id": "a"}]}
    )
    assert (raw.key, raw.id, raw.histories) == ("SUP-1", "2-1", ({"id": "a"},))
    with pytest.raises(UnknownValueError):
        raw_from_export([1, 2])


def test_settings_with_kind_youtrack_bind_the_youtrack_adapter_and_profile():
    cfg = TrackerSettings(
        name="yt", kind="youtrack", url="https://acme.youtrack.cloud", token="perm:x.y.z"
    )
    binding = connect(cfg, RetrySettings())
    assert isinstance(binding.tracker, YouTrackTracker)
    assert binding.kind is YOUTRACK and binding.mapping is YOUTRACK_MAPPING
    assert binding.profile.tracker == "youtrack"
