"""YouTrack search: the query in the user's time zone, $skip/$top pages, the activity stream."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import responses

from mappings.port import TrackerValue
from mappings.profile import load_profile
from mappings.youtrack import DEFAULT_YOUTRACK_PROFILE, map_issue
from sync.errors import FatalTrackerError
from sync.ports import SearchQuery
from sync.trackers.http import RetryPolicy
from sync.trackers.youtrack.adapter import YouTrackTracker, api_base
from sync.trackers.youtrack.http import query_for

BASE = "https://yt.acme.test/youtrack"
API = f"{BASE}/api"
ME = {"login": "sla-bot", "profiles": {"general": {"timezone": {"id": "Europe/Moscow"}}}}


def _tracker(**options) -> YouTrackTracker:
    return YouTrackTracker.connect(
        BASE, "perm:c2xh.Ym90.s3cr3tT0k3n", policy=RetryPolicy(max_attempts=1), **options
    )


def _issue(n: int, updated_ms: int) -> dict:
    return {
        "id": f"2-{n}",
        "idReadable": f"SUP-{n}",
        "created": 1_763_280_000_000,
        "updated": updated_ms,
        "customFields": [
            {"name": "State", "$type": "StateIssueCustomField", "value": {"name": "In Progress"}},
            {"name": "Priority", "$type": "SingleEnumIssueCustomField", "value": {"name": "Major"}},
        ],
    }


def _params(request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def test_base_url_gets_one_api_suffix_with_or_without_context_path():
    assert api_base("https://x.youtrack.cloud/") == "https://x.youtrack.cloud/api"
    assert api_base("https://h/youtrack/api") == "https://h/youtrack/api"


def test_query_writes_since_in_the_users_zone_to_the_minute_with_an_open_range():
    since = datetime(2026, 11, 16, 7, 5, 59, tzinfo=UTC)
    q = query_for(
        SearchQuery("project: SUP #Unresolved", updated_since=since), ZoneInfo("Europe/Moscow")
    )
    assert q == "(project: SUP #Unresolved) and updated: 2026-11-16T10:05 .. * sort by: created asc"
    assert query_for(SearchQuery(""), UTC) == "sort by: created asc"


def _item(id_: str, ts: int, n: int) -> dict:
    return {"id": id_, "timestamp": ts, "target": {"id": f"2-{n}", "idReadable": f"SUP-{n}"}}


@responses.activate
def test_search_reads_a_pages_histories_from_one_activity_stream_following_its_cursor():
    responses.get(f"{API}/users/me", json=ME)
    pages = {0: [_issue(1, 1_763_290_000_000), _issue(2, 1_763_290_060_000)], 2: [_issue(3, 1)]}

    def issues(request):
        return 200, {}, json.dumps(pages[int(_params(request)["$skip"][0])])

    responses.add_callback(responses.GET, f"{API}/issues", callback=issues)
    # https://www.jetbrains.com/help/youtrack/devportal/operations-api-activitiesPage.html:
    # a cursor page of the activities of every issue `issueQuery` selects, items naming
    # their issue in `target`; the next page by `cursor=<afterCursor>` while `hasAfter`.
    stream = {
        None: {
            "activities": [_item("a2", 2, 1), _item("b1", 3, 2)],
            "afterCursor": "c1",
            "hasAfter": True,
        },
        "c1": {"activities": [_item("a1", 1, 1)], "hasAfter": False},
    }
    asked = []

    def activities(request):
        params = _params(request)
        assert params["categories"] == [
            "CustomFieldCategory,IssueCreatedCategory,IssueResolvedCategory"
        ]
        assert "target(id,idReadable)" in params["fields"][0]
        asked.append(params["issueQuery"][0])
        if params["issueQuery"] == ["issue id: SUP-3"]:
            return 200, {}, json.dumps({"activities": [_item("c1", 1, 3)], "hasAfter": False})
        return 200, {}, json.dumps(stream[params.get("cursor", [None])[0]])

    responses.add_callback(responses.GET, f"{API}/activitiesPage", callback=activities)

    since = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)
    got = list(
        _tracker(page_size=2).search(
            SearchQuery("project: SUP", updated_since=since), ["State", "Priority"]
        )
    )

    assert [[i.key for i in p.issues] for p in got] == [["SUP-1", "SUP-2"], ["SUP-3"]]
    assert got[0].last_updated == datetime.fromtimestamp(1_763_290_060, tz=UTC)
    histories = [[a["id"] for a in i.histories] for p in got for i in p.issues]
    assert histories == [["a1", "a2"], ["b1"], ["c1"]]  # each issue's own, oldest first
    assert asked == ["issue id: SUP-1, SUP-2", "issue id: SUP-1, SUP-2", "issue id: SUP-3"]
    first = _params(responses.calls[1].request)
    assert first["query"] == [
        "(project: SUP) and updated: 2026-11-16T10:00 .. * sort by: created asc"
    ]
    assert first["customFields"] == ["State", "Priority"]
    assert (first["$skip"], first["$top"]) == (["0"], ["2"])
    assert "customFields(id,name,$type,value(" in first["fields"][0]
    mapped = map_issue(got[0].issues[0], load_profile(DEFAULT_YOUTRACK_PROFILE), [])
    assert mapped.timeline.key == "SUP-1"


@responses.activate
def test_a_server_that_ignores_issue_query_is_read_issue_by_issue_from_then_on(capsys):
    # An older server answers the stream without filtering by issueQuery (the docs do not say
    # since which version it filters): an activity of an issue not asked for gives it away.
    responses.get(f"{API}/users/me", json=ME)
    pages = {0: [_issue(1, 5)], 1: [_issue(2, 6)], 2: []}

    def issues(request):
        return 200, {}, json.dumps(pages[int(_params(request)["$skip"][0])])

    responses.add_callback(responses.GET, f"{API}/issues", callback=issues)
    responses.get(
        f"{API}/activitiesPage",
        json={"activities": [_item("x", 1, 1), _item("y", 1, 77)], "hasAfter": False},
    )
    for n in (1, 2):
        responses.get(
            f"{API}/issues/2-{n}/activitiesPage",
            json={"activities": [{"id": f"own{n}", "timestamp": 1}], "hasAfter": False},
        )

    got = list(_tracker(page_size=1).search(SearchQuery("project: SUP"), ["State"]))

    histories = [[a["id"] for a in i.histories] for p in got for i in p.issues]
    assert histories == [["own1"], ["own2"]]
    paths = [urlsplit(c.request.url).path for c in responses.calls]
    assert paths.count("/youtrack/api/activitiesPage") == 1  # not asked again this session
    assert "youtrack.activity_stream_ignored_query" in capsys.readouterr().out


@responses.activate
def test_profile_without_time_zone_is_a_clear_fatal_error_unless_overridden():
    responses.get(f"{API}/users/me", json={"login": "sla-bot", "profiles": {}})
    with pytest.raises(FatalTrackerError, match="time zone"):
        _tracker().time_zone()
    assert _tracker(query_time_zone=UTC).time_zone() is UTC


@responses.activate
def test_fetch_reads_one_issue_by_readable_id_with_history():
    responses.get(f"{API}/issues/SUP-9", json=_issue(9, 5))
    responses.get(f"{API}/issues/2-9/activitiesPage", json={"activities": [], "hasAfter": False})
    raw = _tracker().fetch("SUP-9", [])
    assert (raw.key, raw.id, raw.tracker, raw.histories) == ("SUP-9", "2-9", "youtrack", ())
    assert "customFields" not in _params(responses.calls[0].request)


@responses.activate
def test_project_fields_become_a_catalog_keyed_by_name():
    rows = [
        {
            "$type": "EnumProjectCustomField",
            "field": {
                "id": "58-1",
                "name": "Линия поддержки",
                "fieldType": {"id": "enum[1]", "valueType": "enum", "isMultiValue": False},
            },
        }
    ]
    responses.get(f"{API}/admin/projects", json=[{"id": "0-7", "shortName": "SUP"}])
    responses.get(f"{API}/admin/projects/0-7/customFields", json=rows)
    (line,) = _tracker(project="SUP").fields()
    assert (line.id, line.name, line.schema["valueType"], line.schema["multi"]) == (
        "Линия поддержки",
        "Линия поддержки",
        "enum",
        False,
    )


@responses.activate
def test_state_values_come_from_the_project_bundle():
    rows = [
        {"field": {"name": "Priority"}, "bundle": {"values": [{"name": "Major"}]}},
        {"field": {"name": "State"}, "bundle": {"values": [{"name": "Fixed", "isResolved": True}]}},
    ]
    responses.get(f"{API}/admin/projects", json=[{"id": "0-7", "shortName": "SUP"}])
    responses.get(f"{API}/admin/projects/0-7/customFields", json=rows)
    tracker = _tracker(project="SUP")
    assert tracker.statuses() == (TrackerValue(None, "Fixed", "done"),)
    vocab = tracker.vocabulary()
    assert vocab.priorities == (TrackerValue(None, "Major"),)
    assert vocab.resolutions == (TrackerValue(None, "Fixed", "done"),)


@responses.activate
def test_search_reads_no_activities_of_the_issues_the_caller_knows_at_that_version():
    responses.get(f"{API}/users/me", json=ME)
    responses.get(
        f"{API}/issues", json=[_issue(1, 1_763_290_000_000), _issue(2, 1_763_290_060_000)]
    )
    responses.get(
        f"{API}/activitiesPage", json={"activities": [_item("a1", 1, 2)], "hasAfter": False}
    )
    asked = []

    def known(key, updated):
        asked.append((key, updated))
        return key == "SUP-1"

    (page,) = _tracker().search(SearchQuery("project: SUP"), ["State"], known=known)
    assert page.known == {"SUP-1"}
    assert [(i.key, len(i.histories)) for i in page.issues] == [("SUP-1", 0), ("SUP-2", 1)]
    assert asked[0] == ("SUP-1", datetime.fromtimestamp(1_763_290_000, tz=UTC))
    streams = [_params(c.request) for c in responses.calls if "activitiesPage" in c.request.url]
    assert [p["issueQuery"] for p in streams] == [["issue id: SUP-2"]]
