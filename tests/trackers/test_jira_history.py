"""Complete histories for one issue: changelog paging, the DC fallback, and `fetch`."""

from __future__ import annotations

import json

import pytest
import responses

from sync.errors import FatalTrackerError
from sync.ports import SearchQuery
from sync.trackers.http import RetryPolicy
from sync.trackers.jira.adapter import JiraTracker
from tests.real_samples import load_outside_sample

BASE = "https://jira.acme.test"


def _tracker(deployment: str) -> JiraTracker:
    return JiraTracker.connect(
        BASE, pat="pat", deployment=deployment, policy=RetryPolicy(max_attempts=1)
    )


def _history(hid: int) -> dict:
    return {
        "id": str(hid),
        "author": {"name": "alice", "key": "JIRAUSER1"},
        "created": "2024-05-01T09:00:00.000+0300",
        "items": [{"field": "status", "fieldtype": "jira", "from": "1", "to": "3"}],
    }


def _issue(key: str, changelog) -> dict:
    issue = {"id": "10001", "key": key, "fields": {"updated": "2024-05-02T10:00:00.000+0300"}}
    return {**issue, "changelog": changelog} if changelog is not None else issue


def _search(*issues) -> dict:
    return {"startAt": 0, "maxResults": 100, "total": len(issues), "issues": list(issues)}


@responses.activate
def test_dc_truncated_changelog_is_paged_from_the_changelog_endpoint():
    capped = {"startAt": 0, "maxResults": 2, "total": 3, "histories": [_history(2), _history(3)]}
    responses.get(f"{BASE}/rest/api/2/search", json=_search(_issue("SUP-1", capped)))
    url = f"{BASE}/rest/api/2/issue/SUP-1/changelog"

    def page(request):
        start = int(request.params["startAt"])
        values = [_history(h) for h in (3, 1, 2)][start : start + 2]
        return (
            200,
            {},
            json.dumps(
                {
                    "startAt": start,
                    "maxResults": 2,
                    "total": 3,
                    "isLast": start + 2 >= 3,
                    "values": values,
                }
            ),
        )

    responses.add_callback("GET", url, callback=page)
    (issue,) = next(_tracker("Server").search(SearchQuery("project = SUP"), ["status"])).issues
    assert [h["id"] for h in issue.histories] == ["1", "2", "3"]  # oldest first, by id
    assert [c.request.params.get("startAt") for c in responses.calls[1:]] == ["0", "2"]


@responses.activate
def test_dc_truncated_changelog_without_the_endpoint_falls_back_to_expand_and_remembers():
    capped = {"startAt": 0, "maxResults": 1, "total": 2, "histories": [_history(10)]}
    responses.get(
        f"{BASE}/rest/api/2/search",
        json=_search(_issue("SUP-1", capped), {**_issue("SUP-2", capped), "id": "10002"}),
    )
    responses.get(
        f"{BASE}/rest/api/2/issue/SUP-1/changelog",
        status=404,
        json={"errorMessages": ["null for uri: .../changelog"], "errors": {}},
    )
    for key, hid in (("SUP-1", 11), ("SUP-2", 12)):
        full = {
            "startAt": 0,
            "maxResults": 2,
            "total": 2,
            "histories": [_history(10), _history(hid)],
        }
        responses.get(f"{BASE}/rest/api/2/issue/{key}", json=_issue(key, full))
    (one, two) = next(_tracker("Server").search(SearchQuery("project = SUP"), ["status"])).issues
    assert [h["id"] for h in one.histories] == ["10", "11"]
    assert [h["id"] for h in two.histories] == ["10", "12"]
    asked = [c.request.path_url.split("?")[0] for c in responses.calls]
    assert asked.count("/rest/api/2/issue/SUP-1/changelog") == 1
    assert "/rest/api/2/issue/SUP-2/changelog" not in asked
    fallback = next(
        c.request
        for c in responses.calls
        if c.request.path_url.startswith("/rest/api/2/issue/SUP-1?")
    )
    assert fallback.params["expand"] == "changelog"


@responses.activate
def test_dc_changelog_endpoint_errors_other_than_404_are_not_swallowed():
    capped = {"startAt": 0, "maxResults": 1, "total": 2, "histories": [_history(10)]}
    responses.get(f"{BASE}/rest/api/2/search", json=_search(_issue("SUP-1", capped)))
    responses.get(f"{BASE}/rest/api/2/issue/SUP-1/changelog", status=403, json={})
    with pytest.raises(FatalTrackerError, match="lacks a permission"):
        list(_tracker("Server").search(SearchQuery("project = SUP"), ["status"]))


@responses.activate
def test_cloud_fetch_pages_the_changelog_when_the_embedded_one_is_capped():
    sample = load_outside_sample("jira_cloud_v3_issue_changelog_page.openapi-example.json")
    embedded = {"startAt": 0, "maxResults": 100, "total": 101, "histories": [_history(10002)]}
    responses.get(
        f"{BASE}/rest/api/3/issue/TT-1",
        json={**_issue("TT-1", embedded), "names": {"status": "Status", "updated": "Updated"}},
    )
    responses.get(
        f"{BASE}/rest/api/3/issue/TT-1/changelog", json={**sample, "startAt": 0, "isLast": True}
    )
    issue = _tracker("Cloud").fetch("TT-1", ["status"])
    assert [h["id"] for h in issue.histories] == ["10001", "10002"]
    assert issue.histories[0]["items"][0]["toString"] == "label-1"
    assert issue.names["status"] == "Status"
    first = responses.calls[0].request.params
    assert first == {"fields": "status,updated", "expand": "changelog,names"}


@responses.activate
def test_dc_fetch_with_complete_embedded_changelog_is_one_call():
    responses.get(
        f"{BASE}/rest/api/2/issue/SUP-9",
        json=_issue(
            "SUP-9",
            {"startAt": 0, "maxResults": 2, "total": 2, "histories": [_history(5), _history(4)]},
        ),
    )
    issue = _tracker("DataCenter").fetch("SUP-9", ["status"])
    assert [h["id"] for h in issue.histories] == ["4", "5"]
    assert len(responses.calls) == 1
