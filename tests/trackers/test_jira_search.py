"""Incremental search: JQL, both paging schemes, complete histories, and the call budget."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
import responses

from sla.errors import NaiveDatetimeError
from sync.ports import SearchQuery
from sync.trackers.http import RetryPolicy
from sync.trackers.jira.adapter import JiraTracker, jql_for
from tests.real_samples import load_outside_sample

BASE = "https://acme.atlassian.net"
SEARCH_JQL = f"{BASE}/rest/api/3/search/jql"
BULK = f"{BASE}/rest/api/3/changelog/bulkfetch"
DC_SEARCH = f"{BASE}/rest/api/2/search"
NY = ZoneInfo("America/New_York")


def _tracker(deployment: str, **kw) -> JiraTracker:
    return JiraTracker.connect(
        BASE,
        email="bot@acme.test",
        api_token="t0k3n",
        deployment=deployment,
        policy=RetryPolicy(max_attempts=1),
        **kw,
    )


def _issue(n: int, minute: int = 0, changelog=None) -> dict:
    issue = {
        "id": str(10000 + n),
        "key": f"SUP-{n}",
        "self": f"{BASE}/rest/api/2/issue/{n}",
        "fields": {
            "status": {"name": "Open", "id": "1"},
            "updated": f"2024-05-01T10:{minute:02d}:00.000+0000",
        },
    }
    if changelog is not None:
        issue["changelog"] = changelog
    return issue


def _history(hid: int, field: str = "status", created="2024-05-01T09:00:00.000+0000") -> dict:
    return {
        "id": str(hid),
        "author": {"accountId": "5b10a2844c20165700ede21g"},
        "created": created,
        "items": [
            {
                "field": field,
                "fieldtype": "jira",
                "fieldId": field,
                "from": "1",
                "fromString": "Open",
                "to": "3",
                "toString": "In Progress",
            }
        ],
    }


def _params(request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}


# -- JQL ------------------------------------------------------------------------------------


def test_jql_cursor_is_written_in_the_users_time_zone_floored_to_the_minute():
    since = datetime(2024, 3, 10, 7, 30, 45, tzinfo=UTC)  # the morning DST began in New York
    assert jql_for(SearchQuery("project = SUP", updated_since=since), NY) == (
        '(project = SUP) AND updated >= "2024-03-10 03:30" ORDER BY created ASC, key ASC'
    )


def test_jql_cursor_as_epoch_milliseconds():
    since = datetime(2024, 3, 10, 7, 30, 45, 123999, tzinfo=UTC)
    assert jql_for(SearchQuery("project = SUP", updated_since=since), NY, "epoch_ms") == (
        "(project = SUP) AND updated >= 1710055845123 ORDER BY created ASC, key ASC"
    )


def test_jql_without_cursor_and_naive_cursor():
    assert (
        jql_for(SearchQuery("project = SUP"), NY) == "(project = SUP) ORDER BY created ASC, key ASC"
    )
    with pytest.raises(NaiveDatetimeError):
        jql_for(SearchQuery("project = SUP", updated_since=datetime(2024, 3, 10, 7, 30)), NY)


@responses.activate
def test_search_sends_new_york_local_time_for_a_new_york_user():
    responses.get(
        f"{BASE}/rest/api/2/myself", json={"accountId": "a", "timeZone": "America/New_York"}
    )
    responses.get(DC_SEARCH, json={"startAt": 0, "maxResults": 100, "total": 0, "issues": []})
    since = datetime(2024, 7, 1, 12, 0, 59, tzinfo=UTC)
    pages = list(
        _tracker("Server").search(SearchQuery("project = SUP", updated_since=since), ["status"])
    )
    sent = _params(responses.calls[1].request)
    assert (
        sent["jql"]
        == '(project = SUP) AND updated >= "2024-07-01 08:00" ORDER BY created ASC, key ASC'
    )
    assert sent["expand"] == "changelog" and sent["fields"] == "status,updated"
    assert pages[0].issues == () and pages[0].last_updated is None


# -- Cloud: search/jql + bulkfetch --------------------------------------------------------------


@responses.activate
def test_cloud_search_follows_next_page_token_across_three_pages():
    pages = {None: ([1, 2], "tok-2"), "tok-2": ([3], "tok-3"), "tok-3": ([4], None)}

    def search(request):
        p = _params(request)
        ns, token = pages[p.get("nextPageToken")]
        body = {"issues": [_issue(n, minute=n) for n in ns], "isLast": token is None}
        return 200, {}, json.dumps({**body, **({"nextPageToken": token} if token else {})})

    responses.add_callback("GET", SEARCH_JQL, callback=search)
    responses.post(BULK, json={"issueChangeLogs": []})
    got = list(_tracker("Cloud").search(SearchQuery("project = SUP"), ["status", "priority"]))
    assert [[i.key for i in p.issues] for p in got] == [["SUP-1", "SUP-2"], ["SUP-3"], ["SUP-4"]]
    assert got[0].last_updated == datetime(2024, 5, 1, 10, 2, tzinfo=UTC)
    first = _params(responses.calls[0].request)
    assert first == {
        "jql": "(project = SUP) ORDER BY created ASC, key ASC",
        "fields": "status,priority,updated",
        "maxResults": "100",
    }


@responses.activate
def test_bulkfetch_pages_split_field_ids_by_ten_and_merge_by_history_id():
    responses.get(SEARCH_JQL, json={"issues": [_issue(1), _issue(2)], "isLast": True})
    tracked = ["status", "priority", "resolution"] + [f"customfield_{i}" for i in range(9)]
    bodies: list[dict] = []

    def bulk(request):
        body = json.loads(request.body)
        bodies.append(body)
        first_chunk = "status" in body["fieldIds"]
        if first_chunk and "nextPageToken" not in body:
            logs = [{"issueId": "10001", "changeHistories": [_history(7), _history(5)]}]
            return 200, {}, json.dumps({"issueChangeLogs": logs, "nextPageToken": "p2"})
        if first_chunk:
            logs = [{"issueId": "10002", "changeHistories": [_history(9)]}]
            return 200, {}, json.dumps({"issueChangeLogs": logs})
        # second chunk: history 7 also changed customfield_8 in the same edit
        logs = [{"issueId": "10001", "changeHistories": [_history(7, "customfield_8")]}]
        return 200, {}, json.dumps({"issueChangeLogs": logs})

    responses.add_callback("POST", BULK, callback=bulk)
    page = next(_tracker("Cloud").search(SearchQuery("project = SUP"), ["status"], tracked))
    assert [len(b["fieldIds"]) for b in bodies] == [10, 10, 2]
    assert bodies[0] == {
        "issueIdsOrKeys": ["10001", "10002"],
        "maxResults": 1000,
        "fieldIds": tracked[:10],
    }
    assert bodies[1]["nextPageToken"] == "p2"
    sup1, sup2 = page.issues
    assert [h["id"] for h in sup1.histories] == ["5", "7"]
    assert [i["fieldId"] for i in sup1.histories[1]["items"]] == ["status", "customfield_8"]
    assert [h["id"] for h in sup2.histories] == ["9"]


@responses.activate
def test_bulkfetch_epoch_created_is_kept_as_sent():
    sample = load_outside_sample("jira_cloud_v3_changelog_bulkfetch.openapi-example.json")
    sample.pop("nextPageToken")
    responses.get(SEARCH_JQL, json={"issues": [{**_issue(100), "id": "10100"}], "isLast": True})
    responses.post(BULK, json=sample)
    (issue,) = next(_tracker("Cloud").search(SearchQuery("project = SUP"), ["status"])).issues
    assert [h["created"] for h in issue.histories] == [1492070429, 1492071429]
    assert {"id", "author", "created", "items"} <= set(issue.histories[0])


@responses.activate
def test_search_jql_docs_example_page_parses():
    sample = load_outside_sample("jira_cloud_v3_search_jql_page.openapi-example.json")
    responses.get(SEARCH_JQL, json=sample)
    responses.post(BULK, json={"issueChangeLogs": []})
    (page,) = _tracker("Cloud").search(SearchQuery("project = ED"), ["updated"])
    assert [i.key for i in page.issues] == ["ED-1"]
    assert page.last_updated is None  # the example's "updated": 1 is schematic


# -- Data Center: startAt + embedded changelog --------------------------------------------------


@responses.activate
def test_dc_search_pages_by_start_at_with_embedded_changelogs():
    def search(request):
        start = int(_params(request)["startAt"])
        issues = [
            _issue(
                n, changelog={"startAt": 0, "maxResults": 1, "total": 1, "histories": [_history(n)]}
            )
            for n in range(start, min(start + 2, 3))
        ]
        return (
            200,
            {},
            json.dumps({"startAt": start, "maxResults": 2, "total": 3, "issues": issues}),
        )

    responses.add_callback("GET", DC_SEARCH, callback=search)
    got = list(_tracker("DataCenter").search(SearchQuery("project = SUP"), ["status"]))
    assert [[i.key for i in p.issues] for p in got] == [["SUP-0", "SUP-1"], ["SUP-2"]]
    assert [_params(c.request)["startAt"] for c in responses.calls] == ["0", "2"]
    assert got[1].issues[0].histories[0]["id"] == "2"


# -- call budget ------------------------------------------------------------------------------


def _paths() -> Counter[str]:
    return Counter(urlparse(c.request.url).path for c in responses.calls)


@responses.activate
def test_cloud_pass_over_1000_issues_costs_10_searches_and_one_bulkfetch():
    # bulkfetch takes 1 000 issues and pages 1 000 histories: one history each fits one page.
    def search(request):
        page = int(_params(request).get("nextPageToken", "0"))
        body = {"issues": [_issue(page * 100 + n) for n in range(100)], "isLast": page == 9}
        return (
            200,
            {},
            json.dumps({**body, **({} if page == 9 else {"nextPageToken": str(page + 1)})}),
        )

    def bulk(request):
        ids = json.loads(request.body)["issueIdsOrKeys"]
        logs = [{"issueId": i, "changeHistories": [_history(int(i))]} for i in ids]
        return 200, {}, json.dumps({"issueChangeLogs": logs})

    responses.add_callback("GET", SEARCH_JQL, callback=search)
    responses.add_callback("POST", BULK, callback=bulk)
    issues = [
        i
        for p in _tracker("Cloud").search(SearchQuery("project = SUP"), ["status"])
        for i in p.issues
    ]
    assert len(issues) == 1000 and all(len(i.histories) == 1 for i in issues)
    assert _paths() == {"/rest/api/3/search/jql": 10, "/rest/api/3/changelog/bulkfetch": 1}


@responses.activate
def test_dc_pass_over_1000_issues_fetches_changelogs_only_for_truncated_ones():
    truncated = {17, 250, 999}

    def search(request):
        start = int(_params(request)["startAt"])
        issues = []
        for n in range(start, start + 100):
            total = 150 if n in truncated else 1
            issues.append(
                _issue(
                    n,
                    changelog={
                        "startAt": 0,
                        "maxResults": 100,
                        "total": total,
                        "histories": [_history(n)],
                    },
                )
            )
        return (
            200,
            {},
            json.dumps({"startAt": start, "maxResults": 100, "total": 1000, "issues": issues}),
        )

    responses.add_callback("GET", DC_SEARCH, callback=search)
    for n in truncated:
        responses.get(
            f"{BASE}/rest/api/2/issue/SUP-{n}/changelog",
            json={
                "startAt": 0,
                "maxResults": 100,
                "total": 2,
                "isLast": True,
                "values": [_history(n), _history(n + 5000)],
            },
        )
    issues = [
        i
        for p in _tracker("Server").search(SearchQuery("project = SUP"), ["status"])
        for i in p.issues
    ]
    assert len(issues) == 1000
    assert _paths()["/rest/api/2/search"] == 10
    assert sum(v for k, v in _paths().items() if k.endswith("/changelog")) == len(truncated)
    assert len(next(i for i in issues if i.key == "SUP-250").histories) == 2


# -- issues the caller already processed (`known`) -----------------------------------------


@responses.activate
def test_cloud_bulkfetch_leaves_out_the_issues_the_caller_knows_at_that_version():
    responses.get(SEARCH_JQL, json={"issues": [_issue(1), _issue(2), _issue(3)], "isLast": True})
    bodies: list[dict] = []

    def bulk(request):
        bodies.append(json.loads(request.body))
        logs = [{"issueId": "10002", "changeHistories": [_history(2)]}]
        return 200, {}, json.dumps({"issueChangeLogs": logs})

    responses.add_callback("POST", BULK, callback=bulk)
    asked: list[tuple[str, datetime | None]] = []

    def known(key, updated):
        asked.append((key, updated))
        return key != "SUP-2"

    (page,) = _tracker("Cloud").search(SearchQuery("project = SUP"), ["status"], known=known)
    assert [b["issueIdsOrKeys"] for b in bodies] == [["10002"]]
    assert page.known == {"SUP-1", "SUP-3"}
    assert [(i.key, len(i.histories)) for i in page.issues] == [
        ("SUP-1", 0),
        ("SUP-2", 1),
        ("SUP-3", 0),
    ]
    # the caller judges by the `updated` of the search page, parsed
    assert asked[0] == ("SUP-1", datetime(2024, 5, 1, 10, 0, tzinfo=UTC))


@responses.activate
def test_cloud_search_whose_issues_are_all_known_sends_no_bulkfetch():
    responses.get(SEARCH_JQL, json={"issues": [_issue(1), _issue(2)], "isLast": True})
    (page,) = _tracker("Cloud").search(
        SearchQuery("project = SUP"), ["status"], known=lambda key, updated: True
    )
    assert [i.key for i in page.issues] == ["SUP-1", "SUP-2"]
    assert _paths() == {"/rest/api/3/search/jql": 1}


@responses.activate
def test_dc_truncated_changelog_of_a_known_issue_is_not_completed():
    truncated = {"startAt": 0, "maxResults": 1, "total": 150, "histories": [_history(1)]}
    responses.get(
        DC_SEARCH,
        json={
            "startAt": 0,
            "maxResults": 100,
            "total": 1,
            "issues": [_issue(1, changelog=truncated)],
        },
    )
    (page,) = _tracker("DataCenter").search(
        SearchQuery("project = SUP"), ["status"], known=lambda key, updated: True
    )
    assert page.known == {"SUP-1"} and page.issues[0].histories == ()
    assert _paths() == {"/rest/api/2/search": 1}


@responses.activate
def test_cloud_issues_needing_history_across_many_search_pages_share_one_bulkfetch():
    def search(request):
        page = int(_params(request).get("nextPageToken", "0"))
        body = {"issues": [_issue(page * 100 + n) for n in range(100)], "isLast": page == 11}
        return (
            200,
            {},
            json.dumps({**body, **({} if page == 11 else {"nextPageToken": str(page + 1)})}),
        )

    bodies: list[dict] = []

    def bulk(request):
        bodies.append(json.loads(request.body))
        return 200, {}, json.dumps({"issueChangeLogs": []})

    responses.add_callback("GET", SEARCH_JQL, callback=search)
    responses.add_callback("POST", BULK, callback=bulk)
    changed = {f"SUP-{p * 100 + 7}" for p in range(12)}  # one changed issue per search page
    pages = list(
        _tracker("Cloud").search(
            SearchQuery("project = SUP"), ["status"], known=lambda key, updated: key not in changed
        )
    )
    assert sum(len(p.issues) for p in pages) == 1200
    assert _paths()["/rest/api/3/search/jql"] == 12
    assert [sorted(b["issueIdsOrKeys"]) for b in bodies] == [
        sorted(str(10000 + p * 100 + 7) for p in range(12))
    ]
