"""Writes: field values and labels without notifications, comments, and rejected writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses

from sync.errors import SkippableIssueError
from sync.trackers.http import RetryPolicy
from sync.trackers.jira.adapter import JiraTracker

BASE = "https://acme.atlassian.net"
ISSUE = f"{BASE}/rest/api/2/issue/SUP-1"
REAL = Path(__file__).resolve().parents[1] / "fixtures/jira/real"


def _tracker() -> JiraTracker:
    return JiraTracker.connect(
        BASE,
        email="bot@acme.test",
        api_token="t0k3n",
        deployment="Cloud",
        policy=RetryPolicy(max_attempts=1),
    )


@responses.activate
def test_update_puts_fields_and_label_ops_with_notify_users_false():
    responses.put(ISSUE, status=204)
    _tracker().update(
        "SUP-1",
        {"customfield_10050": "2024-05-01T18:00:00.000+0300"},
        labels_add=["sla-breached"],
        labels_remove=["sla-at-risk"],
    )
    request = responses.calls[0].request
    assert request.params == {"notifyUsers": "false"}
    assert json.loads(request.body) == {
        "fields": {"customfield_10050": "2024-05-01T18:00:00.000+0300"},
        "update": {"labels": [{"add": "sla-breached"}, {"remove": "sla-at-risk"}]},
    }


@responses.activate
def test_update_with_labels_only_omits_fields():
    responses.put(ISSUE, status=204)
    _tracker().update("SUP-1", {}, labels_add=["sla-breached"])
    assert json.loads(responses.calls[0].request.body) == {
        "update": {"labels": [{"add": "sla-breached"}]}
    }


@responses.activate
def test_update_with_nothing_to_write_makes_no_call():
    _tracker().update("SUP-1", {})
    assert len(responses.calls) == 0


@responses.activate
def test_400_on_put_skips_the_issue_with_jiras_field_error():
    body = json.loads((REAL / "jira_error_400_put_issue_invalid_field.jira-ruby.json").read_text())
    responses.put(ISSUE, status=400, json=body)
    with pytest.raises(SkippableIssueError) as err:
        _tracker().update("SUP-1", {"invalid": 1})
    assert err.value.key == "SUP-1"
    assert "invalid: Field 'invalid' is not valid for this operation." in err.value.reason
    assert "Authorization" not in str(err.value)


@responses.activate
def test_comment_posts_a_plain_body():
    responses.post(f"{ISSUE}/comment", status=201, json={"id": "10000"})
    _tracker().comment("SUP-1", "SLA breached at 2024-05-01 18:00")
    assert json.loads(responses.calls[0].request.body) == {
        "body": "SLA breached at 2024-05-01 18:00"
    }


@responses.activate
def test_comments_pages_by_start_at_and_returns_plain_bodies():
    def comment(n: int) -> dict:
        return {"id": str(10000 + n), "body": f"comment {n}", "author": {"accountId": "u1"}}

    def page(request):
        start = int(request.params["startAt"])
        # The server caps maxResults below what was asked; paging follows what it sent.
        values = [comment(n) for n in range(5)][start : start + 2]
        body = {"startAt": start, "maxResults": 2, "total": 5, "comments": values}
        return 200, {}, json.dumps(body)

    responses.add_callback(responses.GET, f"{ISSUE}/comment", callback=page)
    assert _tracker().comments("SUP-1") == [f"comment {n}" for n in range(5)]
    assert [c.request.params["startAt"] for c in responses.calls] == ["0", "2", "4"]
    assert responses.calls[0].request.params["maxResults"] == "100"


@responses.activate
def test_comments_of_an_issue_without_comments_is_one_call():
    empty = {"startAt": 0, "maxResults": 100, "total": 0, "comments": []}
    responses.get(f"{ISSUE}/comment", json=empty)
    assert _tracker().comments("SUP-1") == []
    assert len(responses.calls) == 1
