"""YouTrack sandbox behaviour the documentation fixes, each with the page it comes from.

These were deviations: the sandbox accepted what the docs do not (DateIssueCustomField for a
date-and-time field, `{"minutes": N}` periods), listed the issue in the creation activity, had
no 403 at all, and 404'd `/api/issues/`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sandbox import Sandbox, start_sandbox
from tests.sandbox.conftest import SMALL, session
from tests.sandbox.test_sandbox_youtrack_contract import KINDS


@pytest.fixture
def kinds() -> Iterator[Sandbox]:
    with start_sandbox("youtrack", scenario=KINDS) as sb:
        yield sb


def _post(sb: Sandbox, key: str, entry: dict, **params: str) -> requests.Response:
    return session(sb).post(
        f"{sb.url}/api/issues/{key}", params=params, json={"customFields": [entry]}
    )


def _value(sb: Sandbox, key: str, field: str) -> object:
    issue = next(i for i in sb.issues()["issues"] if i["key"] == key)
    return issue["fields"][field]


def test_period_is_written_as_presentation_and_minutes_are_refused(kinds: Sandbox) -> None:
    """api-entity-PeriodValue: id, minutes and presentation are read-only; the documented
    write sends `{"$type": "PeriodValue", "presentation": …}`
    (api-troubleshoot-updating-conditional-field)."""
    entry = {"name": "Затраченное время", "$type": "PeriodIssueCustomField"}
    ok = _post(
        kinds, "SUP-1", entry | {"value": {"$type": "PeriodValue", "presentation": "1d 2h 5m"}}
    )
    assert ok.status_code == 200, ok.text
    assert _value(kinds, "SUP-1", "Затраченное время") == 8 * 60 + 125
    refused = _post(kinds, "SUP-1", entry | {"value": {"minutes": 90}})
    assert refused.status_code == 400 and "read-only" in refused.json()["error_description"]
    garbage = _post(
        kinds, "SUP-1", entry | {"value": {"$type": "PeriodValue", "presentation": "soon"}}
    )
    assert garbage.status_code == 400


def test_date_and_time_field_takes_simple_issue_custom_field_only(kinds: Sandbox) -> None:
    """A date-and-time value is a SimpleIssueCustomField (api-entity-SimpleIssueCustomField,
    and the moneymeets capture's "Started at"); DateIssueCustomField is the date-only field."""
    entry = {"name": "Started at", "value": 1795000000000}
    assert _post(kinds, "SUP-1", entry | {"$type": "SimpleIssueCustomField"}).status_code == 200
    wrong = _post(kinds, "SUP-1", entry | {"$type": "DateIssueCustomField"})
    assert wrong.status_code == 400 and "Incompatible" in wrong.json()["error_description"]


def test_issue_created_activity_has_empty_added_and_removed(youtrack: Sandbox) -> None:
    """api-entity-IssueCreatedActivityItem: added / removed 'always returns an empty list'."""
    items = (
        session(youtrack)
        .get(
            f"{youtrack.url}/api/issues/SUP-2/activities",
            params={
                "categories": "IssueCreatedCategory",
                "fields": "$type,added,removed,target(id)",
            },
        )
        .json()
    )
    assert [(i["$type"], i["added"], i["removed"]) for i in items] == [
        ("IssueCreatedActivityItem", [], [])
    ]
    assert items[0]["target"]["id"] == "2-2"


def test_trailing_slash_is_the_same_resource(youtrack: Sandbox) -> None:
    s = session(youtrack)
    plain = s.get(f"{youtrack.url}/api/issues", params={"fields": "idReadable"}).json()
    slash = s.get(f"{youtrack.url}/api/issues/", params={"fields": "idReadable"})
    assert slash.status_code == 200 and slash.json() == plain


@pytest.mark.parametrize(
    ("permission", "method", "path", "params", "body"),
    [
        ("Update Issue", "POST", "/api/issues/SUP-2", {}, {"customFields": []}),
        (
            "Apply Commands Silently",
            "POST",
            "/api/issues/SUP-2",
            {"muteUpdateNotifications": "true"},
            {"customFields": []},
        ),
        (
            "Apply Commands Silently",
            "POST",
            "/api/commands",
            {},
            {"query": "tag old", "issues": [{"idReadable": "SUP-2"}], "silent": True},
        ),
        ("Read Project", "GET", "/api/admin/projects/SUP/customFields", {}, None),
        ("Create Tag or Saved Search", "POST", "/api/tags", {}, {"name": "x"}),
    ],
)
def test_a_missing_permission_is_a_403_in_the_error_shape(
    youtrack: Sandbox, permission: str, method: str, path: str, params: dict, body: object
) -> None:
    """The docs name the permission each call needs (e.g. api-usecase-commands: Update Issue;
    muteUpdateNotifications / silent: Apply Commands Silently); they show no 403 body, so
    the sandbox answers in the documented error shape {error, error_description}."""
    youtrack.app.cat.denied["sla-bot"] = {permission}
    resp = session(youtrack).request(method, youtrack.url + path, params=params, json=body)
    assert resp.status_code == 403, resp.text
    assert set(resp.json()) == {"error", "error_description"}
    youtrack.app.cat.denied.clear()
    assert session(youtrack).request(method, youtrack.url + path, params=params, json=body).ok


def test_a_new_tag_is_seen_by_its_owner_only_until_it_is_shared(youtrack: Sandbox) -> None:
    """api-usecase-add-remove-tags: 'By default, a tag is created with these parameters set to
    its owner'; a user sees the tags they created and the ones shared with them (GET /api/tags)."""
    bot, agent = session(youtrack), session(youtrack, human=True)
    team = bot.get(f"{youtrack.url}/api/admin/projects/SUP", params={"fields": "team(id)"})
    team_id = team.json()["team"]["id"]
    private = bot.post(f"{youtrack.url}/api/tags", params={"fields": "id"}, json={"name": "p"})
    shared = bot.post(
        f"{youtrack.url}/api/tags",
        params={"fields": "id,visibleFor(id),readSharingSettings(permittedGroups(id))"},
        json={"name": "s", "visibleFor": {"id": team_id}},
    )
    assert shared.json()["visibleFor"]["id"] == team_id
    assert shared.json()["readSharingSettings"]["permittedGroups"] == [
        {"$type": "UserGroup", "id": team_id}
    ]
    for tag in (private.json()["id"], shared.json()["id"]):
        bot.post(f"{youtrack.url}/api/issues/SUP-2/tags", json={"id": tag}).raise_for_status()
    names = {"fields": "name"}
    assert {t["name"] for t in bot.get(f"{youtrack.url}/api/tags", params=names).json()} >= {
        "p",
        "s",
    }
    seen = {t["name"] for t in agent.get(f"{youtrack.url}/api/tags", params=names).json()}
    assert "s" in seen and "p" not in seen
    issue = agent.get(f"{youtrack.url}/api/issues/SUP-2", params={"fields": "tags(name)"}).json()
    assert [t["name"] for t in issue["tags"]] == ["s"]
    # The agent cannot see "p", so a tag of that name is theirs to create: a duplicate.
    again = agent.post(f"{youtrack.url}/api/tags", params={"fields": "id"}, json={"name": "p"})
    assert again.status_code == 200 and again.json()["id"] != private.json()["id"]
    assert bot.post(f"{youtrack.url}/api/tags", json={"name": "P"}).status_code == 400
    read_only = bot.post(f"{youtrack.url}/api/tags", json={"name": "r", "readSharingSettings": {}})
    assert read_only.status_code == 400


def test_silent_tag_command_tags_without_notice_and_untags(youtrack: Sandbox) -> None:
    """api-usecase-commands: POST /api/commands {query, issues, silent}; 200 with an empty body
    without `fields`. Command grammar: `tag X`, `untag X`, `remove tag X`."""
    bot = session(youtrack)
    url = f"{youtrack.url}/api/commands"
    body = {"query": "tag old", "issues": [{"idReadable": "SUP-2"}], "silent": True}
    resp = bot.post(url, json=body)
    assert resp.status_code == 200 and resp.content == b""
    issue = next(i for i in youtrack.issues()["issues"] if i["key"] == "SUP-2")
    assert issue["tags"] == ["old"]
    assert issue["activities"][-1]["type"] == "TagsActivityItem"
    assert issue["activities"][-1]["muted"] is True
    bot.post(url, json={"query": "remove tag old", "issues": [{"id": "2-2"}]}).raise_for_status()
    assert next(i for i in youtrack.issues()["issues"] if i["key"] == "SUP-2")["tags"] == []
    unknown = bot.post(url, json={"query": "State Выполнено", "issues": [{"id": "2-2"}]})
    assert unknown.status_code == 400  # commands other than tagging are not modelled


def test_scenario_tags_are_shared_with_the_team(youtrack: Sandbox) -> None:
    agent = session(youtrack, human=True)
    small_tags = {t for i in SMALL["issues"] for t in i.get("fields", {}).get("labels", [])}
    doc = agent.get(f"{youtrack.url}/api/issues/SUP-1", params={"fields": "tags(name)"}).json()
    assert {t["name"] for t in doc["tags"]} == small_tags
