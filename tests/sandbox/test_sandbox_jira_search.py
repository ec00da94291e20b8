"""Searching and reading history: pagination schemes, caps, JQL, bulk changelogs."""

from __future__ import annotations

from datetime import datetime

import pytest

from sandbox import Sandbox, start_sandbox, synthetic_scenario
from tests.sandbox.conftest import session


def test_search_jql_pages_with_next_page_token(cloud: Sandbox) -> None:
    s, keys, token, pages = session(cloud), [], None, 0
    while True:
        params = {"jql": "project = SUP ORDER BY key ASC", "maxResults": 2, "fields": "summary"}
        if token:
            params["nextPageToken"] = token
        page = s.get(f"{cloud.url}/rest/api/3/search/jql", params=params).json()
        keys += [i["key"] for i in page["issues"]]
        pages += 1
        if page["isLast"]:
            assert "nextPageToken" not in page
            break
        token = page["nextPageToken"]
    assert keys == ["SUP-1", "SUP-2", "SUP-3"] and pages == 2


def test_search_jql_without_fields_returns_only_ids(cloud: Sandbox) -> None:
    page = (
        session(cloud)
        .post(f"{cloud.url}/rest/api/3/search/jql", json={"jql": "project = SUP ORDER BY key ASC"})
        .json()
    )
    assert page["issues"] == [{"id": "10001"}, {"id": "10002"}, {"id": "10003"}]


def test_search_jql_caps_embedded_changelog_at_40_with_real_total(cloud: Sandbox) -> None:
    page = (
        session(cloud)
        .get(
            f"{cloud.url}/rest/api/3/search/jql",
            params={"jql": "key = SUP-3", "fields": "*all", "expand": "changelog,names"},
        )
        .json()
    )
    log = page["issues"][0]["changelog"]
    assert (len(log["histories"]), log["total"], log["maxResults"]) == (40, 120, 40)
    assert page["names"]["customfield_10100"] == "Линия поддержки"


def test_get_issue_caps_changelog_at_100_in_cloud_but_not_in_datacenter(
    cloud: Sandbox, dc: Sandbox
) -> None:
    c = session(cloud).get(f"{cloud.url}/rest/api/2/issue/SUP-3?expand=changelog").json()
    d = session(dc).get(f"{dc.url}/rest/api/2/issue/SUP-3?expand=changelog").json()
    assert (len(c["changelog"]["histories"]), c["changelog"]["total"]) == (100, 120)
    assert len(d["changelog"]["histories"]) == 120


def test_issue_changelog_endpoint_pages_with_start_at(cloud: Sandbox) -> None:
    s, url = session(cloud), f"{cloud.url}/rest/api/3/issue/SUP-3/changelog"
    first = s.get(url, params={"maxResults": 100}).json()
    second = s.get(url, params={"startAt": 100, "maxResults": 100}).json()
    assert (first["total"], len(first["values"]), first["isLast"]) == (120, 100, False)
    assert "startAt=100" in first["nextPage"]
    assert (len(second["values"]), second["isLast"]) == (20, True)
    ids = [h["id"] for h in first["values"] + second["values"]]
    assert ids == sorted(ids) and len(set(ids)) == 120


def test_datacenter_has_no_changelog_endpoint_unless_the_scenario_says_so(dc: Sandbox) -> None:
    assert session(dc).get(f"{dc.url}/rest/api/2/issue/SUP-3/changelog").status_code == 404
    scenario = {
        "options": {"dc_has_changelog_endpoint": True, "dc_changelog_cap": 5},
        "issues": [
            {
                "key": "SUP-1",
                "history": [
                    {"at": f"now-{n}h", "set": {"priority": p}}
                    for n, p in enumerate(["Высокий", "Низкий"] * 4, 1)
                ][::-1],
            }
        ],
    }
    with start_sandbox(scenario=scenario, mode="datacenter") as sb:
        s = session(sb)
        assert s.get(f"{sb.url}/rest/api/2/issue/SUP-1/changelog").json()["total"] == 8
        embedded = s.get(f"{sb.url}/rest/api/2/issue/SUP-1?expand=changelog").json()
        assert (len(embedded["changelog"]["histories"]), embedded["changelog"]["total"]) == (5, 8)


def test_v2_search_pages_with_start_at_in_datacenter(dc: Sandbox) -> None:
    s = session(dc)
    page = s.get(
        f"{dc.url}/rest/api/2/search",
        params={"jql": "order by key asc", "startAt": 1, "maxResults": 1},
    ).json()
    assert (page["startAt"], page["maxResults"], page["total"]) == (1, 1, 3)
    assert page["issues"][0]["key"] == "SUP-2"
    assert "summary" in page["issues"][0]["fields"]


def test_v2_search_answers_410_in_cloud_mode(cloud: Sandbox) -> None:
    resp = session(cloud).get(f"{cloud.url}/rest/api/2/search", params={"jql": "project = SUP"})
    assert resp.status_code == 410
    assert "/rest/api/3/search/jql" in resp.json()["errorMessages"][0]


def _keys(sb: Sandbox, jql: str) -> list[str]:
    resp = session(sb).post(
        f"{sb.url}/rest/api/3/search/jql", json={"jql": jql, "fields": ["key"], "maxResults": 100}
    )
    assert resp.status_code == 200, resp.text
    return [i["key"] for i in resp.json()["issues"]]


def test_jql_updated_literal_is_read_in_the_users_time_zone(cloud: Sandbox) -> None:
    # SUP-2 was created (= updated) at 13:00 Moscow = 10:00 UTC on 2026-11-18.
    assert "SUP-2" in _keys(cloud, 'updated >= "2026-11-18 13:00"')
    assert "SUP-2" not in _keys(cloud, 'updated >= "2026/11/18 13:01"')
    assert _keys(cloud, 'updated < "2026-11-18 13:00" AND project = SUP ORDER BY key') == [
        "SUP-1",
        "SUP-3",
    ]


def test_jql_accepts_epoch_milliseconds(cloud: Sandbox) -> None:
    ms = int(datetime.fromisoformat("2026-11-18T10:00:00+00:00").timestamp() * 1000)
    assert _keys(cloud, f"updated >= {ms}") == ["SUP-2"]
    assert _keys(cloud, f"updated > {ms}") == []


def test_jql_boolean_logic_statuses_and_order(cloud: Sandbox) -> None:
    assert _keys(
        cloud,
        'statusCategory != Done AND (status = "Создана" OR status = '
        '"Уточнение") ORDER BY updated DESC',
    ) == ["SUP-2", "SUP-3"]
    assert _keys(cloud, "resolution = EMPTY AND NOT key in (SUP-3)") == ["SUP-2"]
    assert _keys(cloud, "project in (SUP, sup) AND resolution = Решена") == ["SUP-1"]


def test_unsupported_jql_is_a_400_with_error_messages(cloud: Sandbox) -> None:
    resp = session(cloud).get(
        f"{cloud.url}/rest/api/3/search/jql", params={"jql": "sprint in openSprints()"}
    )
    assert resp.status_code == 400
    assert resp.json()["errorMessages"] and resp.json()["errors"] == {}


def test_bulkfetch_filters_items_by_field_and_pages_across_issues(cloud: Sandbox) -> None:
    s, url = session(cloud), f"{cloud.url}/rest/api/3/changelog/bulkfetch"
    body = {"issueIdsOrKeys": ["SUP-1", "SUP-3", "SUP-2"], "fieldIds": ["resolution"]}
    only = s.post(url, json=body).json()
    assert only["issueChangeLogs"] == [
        {"issueId": "10001", "changeHistories": [only["issueChangeLogs"][0]["changeHistories"][0]]}
    ]
    assert only["issueChangeLogs"][0]["changeHistories"][0]["items"][0]["field"] == "resolution"
    seen, token = [], None
    while True:
        page = s.post(
            url,
            json={
                "issueIdsOrKeys": ["SUP-1", "SUP-3"],
                "maxResults": 50,
                **({"nextPageToken": token} if token else {}),
            },
        ).json()
        seen += [
            (c["issueId"], h["id"]) for c in page["issueChangeLogs"] for h in c["changeHistories"]
        ]
        token = page.get("nextPageToken")
        if not token:
            break
    assert len(seen) == 2 + 120 and len(set(seen)) == len(seen)


@pytest.mark.parametrize(
    "body",
    [
        {"issueIdsOrKeys": [f"SUP-{n}" for n in range(1001)]},
        {"issueIdsOrKeys": ["SUP-1"], "fieldIds": [f"f{n}" for n in range(11)]},
    ],
)
def test_bulkfetch_rejects_too_many_issues_or_fields(cloud: Sandbox, body: dict) -> None:
    resp = session(cloud).post(f"{cloud.url}/rest/api/3/changelog/bulkfetch", json=body)
    assert resp.status_code == 400


def test_full_pass_over_a_synthetic_project_is_fast() -> None:
    with start_sandbox(scenario=synthetic_scenario(2000, 10, seed=1)) as sb:
        s, token, n = session(sb), None, 0
        while True:
            page = s.post(
                f"{sb.url}/rest/api/3/search/jql",
                json={
                    "jql": "project = SUP ORDER BY updated ASC, key ASC",
                    "maxResults": 100,
                    "fields": ["status", "priority", "updated"],
                    "expand": "changelog",
                    **({"nextPageToken": token} if token else {}),
                },
            ).json()
            n += len(page["issues"])
            token = page.get("nextPageToken")
            if page["isLast"]:
                break
        assert n == 2000
        assert sb.count("POST", "/rest/api/{v}/search/jql") == 20
