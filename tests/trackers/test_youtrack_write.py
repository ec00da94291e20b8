"""YouTrack writes, tags, comments, retries and secret hygiene (one HTTP exchange each)."""

from __future__ import annotations

import json
import logging
import traceback

import pytest
import responses
from structlog.testing import capture_logs

from sync.errors import FatalTrackerError, SkippableIssueError
from sync.trackers.http import RetryPolicy
from sync.trackers.youtrack.adapter import YouTrackTracker
from tests.real_samples import load_outside_sample

BASE = "https://acme.youtrack.cloud"
API = f"{BASE}/api"
TOKEN = "perm:c2xhLWJvdA==.U0xBIHN5bmM=.Zm9vYmFyYmF6cXV4c2VjcmV0"
FAST = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.001)
ENTRY = {"name": "SLA state", "$type": "SingleEnumIssueCustomField", "value": {"name": "paused"}}


def _tracker(**options) -> YouTrackTracker:
    options.setdefault("policy", FAST)
    return YouTrackTracker.connect(BASE, TOKEN, sleep=lambda _s: None, **options)


@responses.activate
def test_update_posts_custom_field_entries_with_types_and_muted_notifications():
    responses.post(f"{API}/issues/SUP-1", json={"id": "2-1"})
    due = {"name": "SLA due", "$type": "SimpleIssueCustomField", "value": 1_763_478_000_000}
    _tracker().update("SUP-1", {"SLA state": ENTRY, "SLA due": due})
    request = responses.calls[0].request
    assert request.params == {"fields": "id", "muteUpdateNotifications": "true"}
    assert json.loads(request.body) == {"customFields": [ENTRY, due]}
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"


@responses.activate
def test_muting_can_be_switched_off_for_accounts_without_apply_commands_silently():
    responses.post(f"{API}/issues/SUP-1", json={"id": "2-1"})
    _tracker(mute_notifications=False).update("SUP-1", {"SLA state": ENTRY})
    assert responses.calls[0].request.params == {"fields": "id"}


@responses.activate
def test_update_with_nothing_to_write_makes_no_call():
    _tracker().update("SUP-1", {})
    assert len(responses.calls) == 0


PROJECTS = [
    {
        "id": "0-0",
        "shortName": "SUP",
        "name": "Support",
        "team": {"id": "3-1", "name": "Support Team"},
    }
]


@responses.activate
def test_missing_tag_is_created_shared_with_the_team_and_tags_move_in_one_silent_command():
    """A new tag is its owner's alone until shared (api-usecase-add-remove-tags); tags change
    through POST /api/commands with silent (POST /api/issues/{id}/tags has no mute parameter)."""
    responses.get(f"{API}/tags", json=[{"id": "6-1", "name": "sla-at-risk"}])
    responses.get(f"{API}/admin/projects", json=PROJECTS)
    responses.post(f"{API}/tags", json={"id": "6-2", "name": "sla-breached"})
    responses.post(f"{API}/commands")
    tracker = _tracker(project="SUP")
    tracker.update("SUP-1", {}, labels_add=["sla-breached"], labels_remove=["sla-at-risk"])
    calls = [(c.request.method, c.request.url.split("?")[0]) for c in responses.calls]
    assert calls == [
        ("GET", f"{API}/tags"),
        ("GET", f"{API}/admin/projects"),
        ("POST", f"{API}/tags"),
        ("GET", f"{API}/tags"),
        ("POST", f"{API}/commands"),
    ]
    assert json.loads(responses.calls[2].request.body) == {
        "name": "sla-breached",
        "visibleFor": {"id": "3-1"},
    }
    assert json.loads(responses.calls[4].request.body) == {
        "query": "tag sla-breached untag sla-at-risk",
        "issues": [{"idReadable": "SUP-1"}],
        "silent": True,
    }
    assert not any("/issues/SUP-1/tags" in c.request.url for c in responses.calls)


@responses.activate
def test_without_a_project_a_missing_tag_is_not_created_private():
    responses.get(f"{API}/tags", json=[])
    with pytest.raises(FatalTrackerError, match="shared with the support team"):
        _tracker().update("SUP-1", {}, labels_add=["sla-breached"])
    assert [c.request.method for c in responses.calls] == ["GET"]


@responses.activate
def test_comment_is_posted_and_listed_as_texts():
    responses.post(f"{API}/issues/SUP-1/comments", json={"id": "4-1"})
    responses.get(f"{API}/issues/SUP-1/comments", json=[{"text": "SLA нарушен"}, {"text": "ok"}])
    tracker = _tracker()
    tracker.comment("SUP-1", "SLA нарушен")
    assert json.loads(responses.calls[0].request.body) == {"text": "SLA нарушен"}
    assert tracker.comments("SUP-1") == ["SLA нарушен", "ok"]


@responses.activate
def test_429_with_retry_after_is_retried_then_succeeds():
    slept: list[float] = []
    responses.get(f"{API}/users/me", status=429, headers={"Retry-After": "2"})
    responses.get(f"{API}/users/me", json={"login": "sla-bot"})
    tracker = YouTrackTracker.connect(BASE, TOKEN, policy=FAST, sleep=slept.append)
    assert tracker.account_id() == "sla-bot"
    assert slept == [2.0]


@responses.activate
def test_401_is_fatal_with_a_youtrack_hint_and_no_token_anywhere(caplog):
    caplog.set_level(logging.DEBUG)
    responses.get(
        f"{API}/users/me",
        status=401,
        json={"error": "Unauthorized", "error_description": f"Invalid token {TOKEN}"},
    )
    with capture_logs() as logs, pytest.raises(FatalTrackerError) as err:
        _tracker().account_id()
    said = "\n".join(
        [str(err.value), *traceback.format_exception(err.value), caplog.text, repr(logs)]
    )
    assert "permanent token" in str(err.value)
    assert f"GET {API}/users/me" in str(err.value)
    assert TOKEN not in said and "Zm9vYmFyYmF6cXV4c2VjcmV0" not in said


@responses.activate
def test_rejected_write_skips_the_issue_with_youtracks_own_words():
    body = load_outside_sample(
        "youtrack_error_400_invalid_properties_conditional_field.docs-example.json"
    )
    responses.post(f"{API}/issues/SUP-1", status=400, json=body)
    with pytest.raises(SkippableIssueError) as err:
        _tracker().update("SUP-1", {"SLA state": ENTRY})
    assert err.value.key == "SUP-1"
    assert "Estimation field when the value for the Type field is Task" in err.value.reason


@responses.activate
def test_missing_issue_is_fatal_and_says_what_to_check():
    responses.get(
        f"{API}/issues/SUP-404",
        status=404,
        json=load_outside_sample("youtrack_error_404_not_found.docs-example.json"),
    )
    with pytest.raises(FatalTrackerError, match=r"/youtrack context path.*HTTP 404 Not Found"):
        _tracker().fetch("SUP-404", [])
