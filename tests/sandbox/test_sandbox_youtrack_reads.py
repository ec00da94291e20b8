"""YouTrack sandbox reads: queries in the user's time zone, `$skip/$top`, activity cursors, demo."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox import Sandbox, start_sandbox
from sync.ports import SearchQuery
from sync.trackers.youtrack.adapter import YouTrackTracker
from tests.sandbox.conftest import SMALL, session


def _keys(sb: Sandbox, query: str, **params: object) -> list[str]:
    resp = session(sb).get(
        f"{sb.url}/api/issues", params={"query": query, "fields": "idReadable", **params}
    )
    assert resp.status_code == 200, resp.text
    return [i["idReadable"] for i in resp.json()]


def test_issues_page_with_skip_and_top_without_an_envelope(youtrack: Sandbox) -> None:
    pages = [_keys(youtrack, "project: SUP", **{"$skip": n, "$top": 2}) for n in (0, 2, 4)]
    assert pages == [["SUP-1", "SUP-2"], ["SUP-3"], []]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("#Unresolved", ["SUP-2", "SUP-3"]),
        ("project: SUP #Resolved", ["SUP-1"]),
        ("issue id: SUP-2", ["SUP-2"]),
        ("(project: SUP) and State: {Уточнение}", ["SUP-3"]),
        ("project: SUP sort by: updated desc", ["SUP-2", "SUP-1", "SUP-3"]),
        # now-2h is 13:00 Moscow: the query's wall-clock time is read in the profile zone.
        ("updated: 2026-11-18T13:00 .. * sort by: created asc", ["SUP-2"]),
        ("updated: 2026-11-18T13:01 .. Today", []),
        ("updated: 2026-11-17 .. 2026-11-17", ["SUP-1"]),
    ],
)
def test_query_subset_reads_times_in_the_users_zone(
    youtrack: Sandbox, query: str, expected: list[str]
) -> None:
    assert _keys(youtrack, query) == expected


def test_unsupported_query_is_a_400_not_a_silent_empty_list(youtrack: Sandbox) -> None:
    resp = session(youtrack).get(f"{youtrack.url}/api/issues", params={"query": "a or b"})
    assert resp.status_code == 400 and resp.json()["error"] == "bad_request"


def test_issue_by_entity_id_and_custom_fields_filter(youtrack: Sandbox) -> None:
    doc = (
        session(youtrack)
        .get(
            f"{youtrack.url}/api/issues/2-1",
            params={"fields": "idReadable,customFields(name,value(name))", "customFields": "State"},
        )
        .json()
    )
    assert doc["idReadable"] == "SUP-1"
    assert [(c["name"], c["value"]["name"]) for c in doc["customFields"]] == [
        ("State", "Выполнено")
    ]


def test_activity_cursor_pages_cover_the_history_once(youtrack: Sandbox) -> None:
    s, url = session(youtrack), f"{youtrack.url}/api/issues/SUP-3/activitiesPage"
    params = {"categories": "CustomFieldCategory", "fields": "activities(id),afterCursor,hasAfter"}
    seen, cursor, pages = [], None, 0
    while True:
        page = s.get(url, params={**params, "$top": 50, **({"cursor": cursor} if cursor else {})})
        body = page.json()
        seen += [a["id"] for a in body["activities"]]
        pages += 1
        if not body["hasAfter"]:
            break
        cursor = body["afterCursor"]
    assert pages == 3 and len(seen) == len(set(seen)) == 120


def test_activities_need_categories_and_filter_by_them(youtrack: Sandbox) -> None:
    s, url = session(youtrack), f"{youtrack.url}/api/issues/SUP-1/activities"
    assert s.get(url).status_code == 400
    created = s.get(url, params={"categories": "IssueCreatedCategory", "fields": "$type"}).json()
    resolved = s.get(
        url, params={"categories": "IssueResolvedCategory", "fields": "added,removed"}
    ).json()
    assert created == [{"$type": "IssueCreatedActivityItem"}]
    assert isinstance(resolved[0]["added"], int) and resolved[0]["removed"] is None


def test_profile_and_field_definitions_for_the_adapter(youtrack: Sandbox) -> None:
    s = session(youtrack)
    me = s.get(
        f"{youtrack.url}/api/users/me", params={"fields": "login,profiles(general(timezone(id)))"}
    ).json()
    defs = s.get(
        f"{youtrack.url}/api/admin/customFieldSettings/customFields",
        params={"fields": "name,fieldType(id,valueType),instances($type)", "$top": -1},
    ).json()
    bundle = s.get(
        f"{youtrack.url}/api/admin/projects/SUP/customFields",
        params={"fields": "field(name),bundle(values(name,isResolved))", "$top": 1},
    ).json()
    assert me["login"] == "sla-bot"
    assert me["profiles"]["general"]["timezone"]["id"] == "Europe/Moscow"
    kinds = {d["name"]: d["fieldType"]["valueType"] for d in defs}
    assert kinds["SLA due"] == "date and time" and kinds["SLA elapsed h"] == "float"
    assert kinds["Линия поддержки"] == "enum" and kinds["State"] == "state"
    assert [v["isResolved"] for v in bundle[0]["bundle"]["values"]] == [False, False, False, True]


def test_demo_scenario_seeds_youtrack_with_the_same_50_requests_as_jira() -> None:
    with start_sandbox("youtrack", scenario="demo") as yt, start_sandbox(scenario="demo") as jira:
        yt_issues, jira_issues = (
            yt.issues(stable=True)["issues"],
            jira.issues(stable=True)["issues"],
        )
        assert [i["key"] for i in yt_issues] == [i["key"] for i in jira_issues]
        assert len(yt_issues) == 50
        for mine, theirs in zip(yt_issues, jira_issues, strict=True):
            assert mine["fields"]["State"] == theirs["fields"]["status"]["name"]
            assert mine["fields"]["Priority"] == theirs["fields"]["priority"]["name"]
            assert mine["fields"]["Резолюция"] == (theirs["fields"]["resolution"] or {}).get("name")
            assert mine["tags"] == theirs["labels"]


def test_the_youtrack_adapter_reads_the_sandbox_end_to_end(youtrack: Sandbox) -> None:
    tracker = YouTrackTracker.connect(youtrack.url, youtrack.token, project="SUP")
    since = youtrack.now - timedelta(days=30)
    issues = [
        i
        for page in tracker.search(SearchQuery("project: SUP", updated_since=since), [])
        for i in page.issues
    ]
    assert [i.key for i in issues] == ["SUP-3", "SUP-1", "SUP-2"]  # by updated, ascending
    assert len(issues[0].histories) == 121  # 120 changes + creation
    assert [v.name for v in tracker.statuses()][-1] == "Выполнено"
    assert SMALL["issues"][0]["key"] == tracker.fetch("SUP-1", []).key
