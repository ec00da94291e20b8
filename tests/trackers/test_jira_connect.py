"""Client construction, deployment detection and the metadata the `check` command reads."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import responses

from sync.ports import FieldKind
from sync.trackers.http import RetryPolicy
from sync.trackers.jira.adapter import JiraTracker

BASE = "https://jira.acme.test"
REAL = Path(__file__).resolve().parents[1] / "fixtures/jira/real"


def _real(name: str):
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def _tracker(**kw) -> JiraTracker:
    return JiraTracker.connect(BASE, pat="pat", policy=RetryPolicy(timeout=(3, 7)), **kw)


def test_client_does_not_retry_on_its_own_and_has_a_timeout():
    tracker = _tracker()
    session = tracker._jira._session
    assert session.max_retries == 0
    assert session.timeout == (3, 7)
    assert tracker._jira.deploymentType is None  # no serverInfo call at construction


@pytest.mark.parametrize(
    ("kind", "cloud"),
    [
        ("Cloud", True),
        ("Server", False),
        ("DataCenter", False),
        (None, False),
    ],
)
@responses.activate
def test_deployment_is_detected_once_from_server_info(kind, cloud):
    info = {"baseUrl": BASE, "version": "9.12.0", **({"deploymentType": kind} if kind else {})}
    responses.get(f"{BASE}/rest/api/2/serverInfo", json=info)
    tracker = _tracker()
    assert tracker.is_cloud is cloud
    assert tracker.is_cloud is cloud
    assert tracker.server_info()["version"] == "9.12.0"
    assert len(responses.calls) == 1


@responses.activate
def test_deployment_override_skips_server_info():
    assert _tracker(deployment="datacenter").is_cloud is False
    assert len(responses.calls) == 0


@responses.activate
def test_cloud_account_id_and_time_zone_come_from_myself():
    responses.get(
        f"{BASE}/rest/api/2/myself",
        json={"accountId": "5b10a2844c20165700ede21g", "timeZone": "America/New_York"},
    )
    tracker = _tracker(deployment="Cloud")
    assert tracker.account_id() == "5b10a2844c20165700ede21g"
    assert tracker.time_zone() == ZoneInfo("America/New_York")
    assert len(responses.calls) == 1


@responses.activate
def test_data_center_account_id_is_the_user_name():
    responses.get(
        f"{BASE}/rest/api/2/myself",
        json={"name": "sla-bot", "key": "JIRAUSER10100", "timeZone": "Europe/Moscow"},
    )
    assert _tracker(deployment="Server").account_id() == "sla-bot"


@responses.activate
def test_fields_are_fetched_once_until_refresh():
    responses.get(f"{BASE}/rest/api/2/field", json=_real("jira_dc9_fields_trimmed.jira-cli.json"))
    tracker = _tracker(deployment="Server")
    fields = tracker.fields()
    assert tracker.fields() is fields
    custom = [f for f in fields if f.custom]
    assert custom and all(f.id.startswith("customfield_") for f in custom)
    assert any(not f.custom and f.schema.get("system") for f in fields)
    tracker.fields(refresh=True)
    assert len(responses.calls) == 2


@responses.activate
def test_check_lists_come_back_raw():
    for path, name in [
        ("status", "jira_dc_statuses.go-jira.json"),
        ("priority", "jira_dc_priorities.apache.go-jira.json"),
        ("resolution", "jira_dc_resolutions.apache.go-jira.json"),
    ]:
        responses.get(f"{BASE}/rest/api/2/{path}", json=_real(name))
    responses.get(f"{BASE}/rest/api/2/issuetype", json=[{"id": "1", "name": "Bug"}])
    vocab = _tracker(deployment="Server").vocabulary()
    assert all(s.category for s in vocab.statuses)
    assert vocab.priorities[0].name == "Blocker"
    assert any(r.name == "Fixed" for r in vocab.resolutions)
    assert [t.name for t in vocab.issue_types] == ["Bug"]


@responses.activate
def test_create_field_posts_the_type_and_invalidates_the_cache():
    responses.post(
        f"{BASE}/rest/api/2/field",
        json={
            "id": "customfield_10200",
            "name": "SLA due",
            "custom": True,
            "schema": {
                "type": "datetime",
                "custom": "com.atlassian.jira.plugin.system.customfieldtypes:datetime",
                "customId": 10200,
            },
        },
    )
    made = _tracker(deployment="Server").create_field("SLA due", FieldKind.DATETIME)
    assert made.id == "customfield_10200" and made.custom
    assert json.loads(responses.calls[0].request.body) == {
        "name": "SLA due",
        "type": "com.atlassian.jira.plugin.system.customfieldtypes:datetime",
    }


@pytest.mark.parametrize(
    ("admin", "project_admin", "expected"),
    [
        (False, False, False),
        (True, False, True),
        (False, True, True),
    ],
)
@responses.activate
def test_notification_suppression_needs_admin_or_project_admin(admin, project_admin, expected):
    responses.get(
        f"{BASE}/rest/api/2/mypermissions",
        json={
            "permissions": {
                "ADMINISTER": {"key": "ADMINISTER", "havePermission": admin},
                "ADMINISTER_PROJECTS": {
                    "key": "ADMINISTER_PROJECTS",
                    "havePermission": project_admin,
                },
            }
        },
    )
    assert _tracker(deployment="Cloud").silent_writes().silent is expected
    assert "ADMINISTER" in responses.calls[0].request.url
