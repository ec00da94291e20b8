"""Writes: edits record one history entry, no-ops record nothing, Jira's 400s and 401s."""

from __future__ import annotations

import pytest

from sandbox import Sandbox
from tests.sandbox.conftest import session


def _issue(sb: Sandbox, key: str) -> dict:
    return session(sb).get(f"{sb.url}/rest/api/2/issue/{key}?expand=changelog").json()


def test_put_records_one_history_entry_and_bumps_updated(cloud: Sandbox) -> None:
    before = _issue(cloud, "SUP-2")
    resp = session(cloud).put(
        f"{cloud.url}/rest/api/2/issue/SUP-2?notifyUsers=false",
        json={
            "fields": {
                "customfield_10104": "2026-11-19T18:00:00.000+0300",
                "customfield_10106": {"value": "No"},
                "customfield_10108": 12.5,
            },
            "update": {"labels": [{"add": "sla-at-risk"}]},
        },
    )
    assert resp.status_code == 204
    after = _issue(cloud, "SUP-2")
    histories = after["changelog"]["histories"]
    assert len(histories) == 1
    items = {i["fieldId"]: i for i in histories[0]["items"]}
    assert set(items) == {"customfield_10104", "customfield_10106", "customfield_10108", "labels"}
    assert items["customfield_10106"]["fieldtype"] == "custom"
    assert items["customfield_10106"]["field"] == "SLA breached"
    assert items["customfield_10106"]["toString"] == "No"
    assert items["labels"]["toString"] == "sla-at-risk" and items["labels"]["fieldtype"] == "jira"
    assert after["fields"]["updated"] > before["fields"]["updated"]
    assert after["fields"]["customfield_10104"] == "2026-11-19T18:00:00.000+0300"
    assert after["fields"]["customfield_10108"] == 12.5
    log = cloud.requests(log=True)["log"]
    put = next(e for e in log if e["method"] == "PUT")
    assert put["query"] == {"notifyUsers": "false"} and put["user"] == "sla-bot"


def test_put_that_changes_nothing_records_nothing(cloud: Sandbox) -> None:
    s = session(cloud)
    body = {"fields": {"customfield_10105": {"value": "paused"}}}
    s.put(f"{cloud.url}/rest/api/2/issue/SUP-2", json=body)
    first = _issue(cloud, "SUP-2")
    assert s.put(f"{cloud.url}/rest/api/2/issue/SUP-2", json=body).status_code == 204
    second = _issue(cloud, "SUP-2")
    assert second["changelog"]["total"] == first["changelog"]["total"] == 1
    assert second["fields"]["updated"] == first["fields"]["updated"]


def test_labels_items_use_space_separated_strings(cloud: Sandbox) -> None:
    session(cloud).put(
        f"{cloud.url}/rest/api/3/issue/SUP-1",
        json={"update": {"labels": [{"add": "sla"}, {"remove": "old"}, {"add": "breached"}]}},
    )
    item = _issue(cloud, "SUP-1")["changelog"]["histories"][-1]["items"][0]
    assert (item["fromString"], item["toString"]) == ("old", "breached sla")


@pytest.mark.parametrize(
    ("body", "errors", "messages"),
    [
        ({"fields": {"bogus": 1}}, {"bogus": "Field 'bogus' is not valid for this operation."}, []),
        ({}, {}, ["one of 'fields' or 'update' required"]),
        (
            {"fields": {"customfield_10105": {"value": "nope"}}},
            {"customfield_10105": "Option value 'nope' is not valid"},
            [],
        ),
        (
            {"fields": {"customfield_10107": "12"}},
            {"customfield_10107": "Operation value must be a number"},
            [],
        ),
    ],
)
def test_put_is_validated_like_jira(
    cloud: Sandbox, body: dict, errors: dict, messages: list
) -> None:
    resp = session(cloud).put(f"{cloud.url}/rest/api/2/issue/SUP-2", json=body)
    assert resp.status_code == 400
    assert resp.json() == {"errorMessages": messages, "errors": errors}
    assert _issue(cloud, "SUP-2")["changelog"]["total"] == 0


def test_human_change_is_authored_by_the_human(cloud: Sandbox) -> None:
    result = cloud.human_change("SUP-2", {"status": "Уточнение", "priority": "Критический"})
    assert {i["field"] for i in result["history"]["items"]} == {"status", "priority"}
    author = _issue(cloud, "SUP-2")["changelog"]["histories"][-1]["author"]
    assert author["emailAddress"] == cloud.human_email


def test_transition_records_status_and_resolution_and_reopen_clears_it(dc: Sandbox) -> None:
    s = session(dc, human=True)
    ids = {
        t["name"]: t["id"]
        for t in s.get(f"{dc.url}/rest/api/2/issue/SUP-2/transitions").json()["transitions"]
    }
    assert set(ids) == {"Создана", "В работе", "Уточнение", "Выполнено"}
    s.post(
        f"{dc.url}/rest/api/2/issue/SUP-2/transitions",
        json={
            "transition": {"id": ids["Выполнено"]},
            "fields": {"resolution": {"name": "Отозвана"}},
        },
    )
    s.post(
        f"{dc.url}/rest/api/2/issue/SUP-2/transitions", json={"transition": {"id": ids["В работе"]}}
    )
    issue = _issue(dc, "SUP-2")
    done, reopen = issue["changelog"]["histories"]
    assert [(i["field"], i["toString"]) for i in done["items"]] == [
        ("status", "Выполнено"),
        ("resolution", "Отозвана"),
    ]
    assert [(i["field"], i["toString"]) for i in reopen["items"]] == [
        ("status", "В работе"),
        ("resolution", None),
    ]
    assert issue["fields"]["resolution"] is None and done["author"]["name"] == "agent"


def test_v3_comments_accept_adf_and_answer_adf(cloud: Sandbox) -> None:
    adf = {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Ждём ответа"}]}],
    }
    resp = session(cloud).post(f"{cloud.url}/rest/api/3/issue/SUP-2/comment", json={"body": adf})
    assert resp.status_code == 201 and resp.json()["body"] == adf
    v2 = session(cloud).get(f"{cloud.url}/rest/api/2/issue/SUP-2/comment").json()
    assert v2["comments"][0]["body"] == "Ждём ответа"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic Ym9ndXM6Ym9ndXM="},
        {"Authorization": "Bearer sandbox-bot-token"},
    ],
)
def test_requests_without_valid_cloud_credentials_get_401(cloud: Sandbox, headers: dict) -> None:
    import requests

    resp = requests.get(f"{cloud.url}/rest/api/2/myself", headers=headers)
    assert resp.status_code == 401
    assert resp.json()["errorMessages"]


def test_datacenter_accepts_only_bearer_tokens(dc: Sandbox) -> None:
    import requests

    assert requests.get(f"{dc.url}/rest/api/2/myself", auth=(dc.email, dc.token)).status_code == 401
    assert session(dc).get(f"{dc.url}/rest/api/2/myself").json()["key"] == "sla-bot"


def test_state_dump_lists_values_labels_comments_and_changelog(cloud: Sandbox) -> None:
    dump = cloud.issues(stable=True)
    first = dump["issues"][0]
    assert dump["total"] == 3 and first["key"] == "SUP-1" and first["labels"] == ["old"]
    assert "updated" not in first["fields"] and len(first["changelog"]) == 2
    assert first["changelog"][0]["author"] == "agent"
