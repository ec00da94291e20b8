"""The Jira adapter's select options: the requests it sends, as the REST docs describe them.

https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-contexts/
https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-options/
"""

from __future__ import annotations

import json

import pytest
import responses

from sync.errors import UnsupportedError
from sync.trackers.http import RetryPolicy
from sync.trackers.jira.adapter import JiraTracker

BASE = "https://cera.atlassian.test"
CTX = f"{BASE}/rest/api/3/field/customfield_10105/context"


def _tracker(deployment: str) -> JiraTracker:
    return JiraTracker.connect(
        BASE,
        email="bot@x",
        api_token="t",
        deployment=deployment,
        policy=RetryPolicy(max_attempts=1),
    )


def _page(values):
    return {"isLast": True, "maxResults": 50, "startAt": 0, "total": len(values), "values": values}


@responses.activate
def test_cloud_options_are_read_from_every_context_and_disabled_ones_do_not_count():
    responses.get(CTX, json=_page([{"id": "10025", "name": "Default", "isGlobalContext": True}]))
    responses.get(
        f"{CTX}/10025/option",
        json=_page(
            [
                {"id": "1", "value": "running", "disabled": False},
                {"id": "2", "value": "paused", "disabled": True},
            ]
        ),
    )
    assert _tracker("Cloud").field_options("customfield_10105") == ("running",)


@responses.activate
def test_cloud_adds_a_global_context_when_there_is_none_and_only_the_missing_options():
    responses.get(
        f"{BASE}/rest/api/2/field", json=[{"id": "customfield_10105", "name": "SLA state"}]
    )
    responses.get(CTX, json=_page([]))
    responses.post(CTX, status=201, json={"id": "10030", "name": "SLA state context"})
    responses.get(f"{CTX}/10030/option", json=_page([{"id": "1", "value": "running"}]))
    responses.post(f"{CTX}/10030/option", json={"options": []})
    _tracker("Cloud").add_field_options("customfield_10105", ["running", "paused"])
    posted = [json.loads(c.request.body) for c in responses.calls if c.request.method == "POST"]
    assert posted == [
        {"name": "SLA state context", "projectIds": [], "issueTypeIds": []},
        {"options": [{"value": "paused", "disabled": False}]},
    ]


@responses.activate
def test_datacenter_reads_options_from_the_edit_screen_and_cannot_add_them():
    responses.get(
        f"{BASE}/rest/api/2/issue/SUP-1/editmeta",
        json={
            "fields": {"customfield_10105": {"allowedValues": [{"id": "1", "value": "running"}]}}
        },
    )
    responses.get(
        f"{BASE}/rest/api/2/field", json=[{"id": "customfield_10105", "name": "SLA state"}]
    )
    dc = _tracker("DataCenter")
    assert dc.field_options("customfield_10105") is None  # no options API, no issue to look at
    assert dc.field_options("customfield_10105", "SUP-1") == ("running",)
    assert dc.field_options("customfield_99", "SUP-1") == ()  # not on the edit screen
    with pytest.raises(UnsupportedError) as err:
        dc.add_field_options("customfield_10105", ["paused", "stopped"])
    assert "needs the options paused, stopped" in str(err.value)
    assert "Edit Options" in err.value.steps
