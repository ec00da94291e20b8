"""YouTrack sandbox writes: custom fields, tags, comments, faults and the workflow-rule webhook."""

from __future__ import annotations

import json
from pathlib import Path
from queue import Queue

import pytest
import requests

from sandbox import Sandbox, start_sandbox
from tests.sandbox.conftest import SMALL, session
from tests.sandbox.test_sandbox_jira_webhooks import receiver  # noqa: F401 (fixture)

SLA_STATE = {"name": "SLA state", "$type": "SingleEnumIssueCustomField"}
DUE = {"name": "SLA due", "$type": "SimpleIssueCustomField"}


def _post(sb: Sandbox, key: str, *fields: dict, **params: str) -> requests.Response:
    return session(sb).post(
        f"{sb.url}/api/issues/{key}", params=params, json={"customFields": list(fields)}
    )


def _field_activities(sb: Sandbox, key: str) -> list[dict]:
    issue = next(i for i in sb.issues()["issues"] if i["key"] == key)
    return [a for a in issue["activities"] if a["type"] == "CustomFieldActivityItem"]


def test_post_records_one_activity_per_changed_field_by_the_token_user(youtrack: Sandbox) -> None:
    before = len(_field_activities(youtrack, "SUP-2"))
    resp = _post(
        youtrack,
        "SUP-2",
        SLA_STATE | {"value": {"name": "running"}},
        DUE | {"value": 1795000000000},
        {"name": "SLA elapsed h", "$type": "SimpleIssueCustomField", "value": 1.5},
        fields="id,updated",
    )
    assert resp.status_code == 200 and set(resp.json()) == {"$type", "id", "updated"}
    new = _field_activities(youtrack, "SUP-2")[before:]
    assert [(a["field"], a["added"], a["author"]) for a in new] == [
        ("SLA state", ["running"], "sla-bot"),
        ("SLA due", 1795000000000, "sla-bot"),
        ("SLA elapsed h", 1.5, "sla-bot"),
    ]


def test_post_that_changes_nothing_records_nothing_and_keeps_updated(youtrack: Sandbox) -> None:
    _post(youtrack, "SUP-2", SLA_STATE | {"value": {"name": "paused"}})
    first = youtrack.issues()["issues"][1]
    _post(youtrack, "SUP-2", SLA_STATE | {"value": {"name": "paused"}})
    again = youtrack.issues()["issues"][1]
    assert again["activities"] == first["activities"] and again["updated"] == first["updated"]


@pytest.mark.parametrize(
    ("entry", "wording"),
    [
        (SLA_STATE | {"$type": "SimpleIssueCustomField", "value": "running"}, "Incompatible"),
        ({"name": "Nope", "$type": "SimpleIssueCustomField", "value": 1}, "Unknown custom field"),
        (SLA_STATE | {"value": {"name": "sleeping"}}, "Unknown value"),
        (DUE | {"value": "2026-11-18"}, "milliseconds"),
    ],
)
def test_bad_writes_are_rejected_whole_with_bad_request(
    youtrack: Sandbox, entry: dict, wording: str
) -> None:
    resp = _post(youtrack, "SUP-2", SLA_STATE | {"value": {"name": "running"}}, entry)
    assert resp.status_code == 400
    assert resp.json()["error"] == "bad_request" and wording in resp.json()["error_description"]
    assert _field_activities(youtrack, "SUP-2") == []


def test_muted_writes_are_recorded_as_muted(youtrack: Sandbox) -> None:
    _post(
        youtrack,
        "SUP-2",
        SLA_STATE | {"value": {"name": "running"}},
        muteUpdateNotifications="true",
    )
    assert _field_activities(youtrack, "SUP-2")[-1]["muted"] is True
    assert youtrack.state.muted_writes == 1
    assert youtrack.requests(log=True)["log"][0]["query"]["muteUpdateNotifications"] == "true"


def test_tags_are_found_created_added_and_removed(youtrack: Sandbox) -> None:
    s, url = session(youtrack), youtrack.url
    assert s.get(f"{url}/api/tags", params={"query": "sla", "fields": "id,name"}).json() == []
    tag = s.post(f"{url}/api/tags", params={"fields": "id,name"}, json={"name": "sla-breached"})
    assert s.post(f"{url}/api/tags", json={"name": "SLA-breached"}).status_code == 400
    tag_id = tag.json()["id"]
    assert s.post(f"{url}/api/issues/SUP-2/tags", json={"id": tag_id}).status_code == 200
    assert s.post(f"{url}/api/issues/SUP-2/tags", json={"name": "old"}).status_code == 200
    assert youtrack.issues()["issues"][1]["tags"] == ["sla-breached", "old"]
    assert s.delete(f"{url}/api/issues/SUP-2/tags/{tag_id}").status_code == 200
    assert s.delete(f"{url}/api/issues/SUP-2/tags/{tag_id}").status_code == 404
    assert youtrack.issues()["issues"][1]["tags"] == ["old"]
    found = s.get(f"{url}/api/tags", params={"query": "SLA", "fields": "id,name"}).json()
    assert found == [{"$type": "Tag", "id": tag_id, "name": "sla-breached"}]


def test_comments_are_listed_oldest_first(youtrack: Sandbox) -> None:
    s, url = session(youtrack), f"{youtrack.url}/api/issues/SUP-1/comments"
    made = s.post(url, params={"fields": "id,text,author(login)"}, json={"text": "SLA нарушен"})
    assert made.json()["author"]["login"] == "sla-bot"
    assert [c["text"] for c in s.get(url, params={"fields": "text"}).json()] == ["SLA нарушен"]
    assert s.post(url, json={"text": " "}).status_code == 400


def test_human_change_leaving_done_clears_the_resolution_field(youtrack: Sandbox) -> None:
    youtrack.human_change("SUP-1", {"status": "В работе"})
    issue = youtrack.issues()["issues"][0]
    assert issue["fields"]["State"] == "В работе" and issue["fields"]["Резолюция"] is None
    assert issue["resolved"] is None
    assert issue["activities"][-1]["type"] == "IssueResolvedActivityItem"
    assert issue["activities"][-1]["author"] == "agent"


def test_faults_answer_in_youtrack_shape_and_after_faults_still_write(youtrack: Sandbox) -> None:
    youtrack.set_faults(
        [
            {"kind": "429", "route": "/api/issues", "times": 1, "retry_after": 3},
            {"kind": "500", "method": "POST", "route": "/api/issues/{id}", "after": True},
        ]
    )
    s = session(youtrack)
    limited = s.get(f"{youtrack.url}/api/issues")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    assert set(limited.json()) == {"error", "error_description"}
    assert s.get(f"{youtrack.url}/api/issues").status_code == 200
    lost = _post(youtrack, "SUP-2", SLA_STATE | {"value": {"name": "running"}})
    assert lost.status_code == 500 and len(_field_activities(youtrack, "SUP-2")) == 1
    assert youtrack.count("POST", "/api/issues/{id}", 500) == 1


def test_workflow_rule_posts_human_changes_but_drops_the_service_accounts(
    receiver: tuple,  # noqa: F811
) -> None:
    """deploy/youtrack/sla-sync-notify.js guards on `currentUser.login !== SERVICE_LOGIN`."""
    url, got = receiver
    with start_sandbox("youtrack", scenario=SMALL, webhook_url=url, webhook_secret="s3") as sb:
        sb.human_change("SUP-2", {"status": "В работе"})
        _post(sb, "SUP-3", SLA_STATE | {"value": {"name": "paused"}})  # sla-bot: the rule drops it
        sb.human_change("SUP-1", {"Заказчик": "Лента"})
        received = [_next(got) for _ in range(2)]
    # Posts leave in order, so SUP-1 right after SUP-2 shows SUP-3 sent nothing.
    assert [json.loads(body) for _, body in received] == [
        {"issueId": "SUP-2"},
        {"issueId": "SUP-1"},
    ]
    assert all(headers["X-Sla-Sync-Secret"] == "s3" for headers, _ in received)
    rule = (Path(__file__).resolve().parents[2] / "deploy/youtrack/sla-sync-notify.js").read_text()
    assert "ctx.currentUser.login !== SERVICE_LOGIN" in rule
    assert "const SERVICE_LOGIN = 'sla-bot'" in rule


def _next(queue: Queue, timeout: float = 5) -> tuple | None:
    try:
        return queue.get(timeout=timeout)
    except Exception:
        return None
