"""Contract: sandbox responses have the keys and JSON types of real Jira payloads.

Real samples: tests/fixtures/jira/real (MIT/Apache copies) and, through `load_outside_sample`,
the Atlassian OpenAPI examples (schematic: their numbers-for-dates are not asserted).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sandbox import Sandbox
from tests.real_samples import load_outside_sample
from tests.sandbox.conftest import session

REAL = Path(__file__).resolve().parents[1] / "fixtures/jira/real"
SCHEMATIC = {"created", "updated"}  # the OpenAPI examples put epoch numbers here


def _real(name: str) -> Any:
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def _kind(v: Any) -> str:
    return {
        dict: "object",
        list: "array",
        str: "string",
        bool: "bool",
        type(None): "null",
        int: "number",
        float: "number",
    }[type(v)]


def assert_shape(real: Any, ours: Any, path: str = "$") -> None:
    """Every key of the real sample exists in ours with the same JSON type (null matches all)."""
    if isinstance(real, dict):
        assert isinstance(ours, dict), path
        for key, value in real.items():
            if key.split(".")[-1] in SCHEMATIC and not isinstance(value, str):
                continue
            assert key in ours, f"{path}.{key} missing"
            assert_shape(value, ours[key], f"{path}.{key}")
    elif isinstance(real, list):
        assert isinstance(ours, list), path
        if real and ours:
            assert_shape(real[0], ours[0], f"{path}[0]")
    elif real is not None and ours is not None:
        assert _kind(real) == _kind(ours), f"{path}: {_kind(real)} vs {_kind(ours)}"


@pytest.mark.parametrize(
    ("sample", "route"),
    [
        ("jira_dc_priorities.apache.go-jira.json", "priority"),
        ("jira_dc_resolutions.apache.go-jira.json", "resolution"),
        ("jira_dc_statuses.go-jira.json", "status"),
    ],
)
def test_catalog_lists_have_real_shapes(dc: Sandbox, sample: str, route: str) -> None:
    assert_shape(_real(sample), session(dc).get(f"{dc.url}/rest/api/2/{route}").json())


def test_field_list_has_real_shapes_for_system_and_custom_fields(dc: Sandbox) -> None:
    real = _real("jira_dc9_fields_trimmed.jira-cli.json")
    ours = {f["id"]: f for f in session(dc).get(f"{dc.url}/rest/api/2/field").json()}
    system = next(f for f in real if not f["custom"])
    custom = next(f for f in real if f["custom"])
    assert_shape(system, ours["labels"])
    assert_shape(custom, ours["customfield_10100"])
    assert ours["customfield_10100"]["clauseNames"] == ["cf[10100]", "Линия поддержки"]


def test_error_bodies_match_real_400s(dc: Sandbox) -> None:
    s = session(dc)
    invalid = s.put(f"{dc.url}/rest/api/2/issue/SUP-1", json={"fields": {"invalid": 1}}).json()
    missing = s.put(f"{dc.url}/rest/api/2/issue/SUP-1", json={}).json()
    assert invalid == _real("jira_error_400_put_issue_invalid_field.jira-ruby.json")
    assert missing == _real("jira_error_400_put_issue_missing_fields.jira-ruby.json")


def test_410_body_matches_the_quoted_cloud_answer(cloud: Sandbox) -> None:
    real = load_outside_sample("jira_cloud_error_410_search_removed.quoted-in-issue.json")
    assert session(cloud).get(f"{cloud.url}/rest/api/2/search").json() == real


def test_webhook_payload_has_the_real_shape(cloud: Sandbox) -> None:
    captured: list[dict] = []
    cloud.app.sender = type("S", (), {"url": "x", "send": lambda self, p: captured.append(p)})()
    cloud.human_change("SUP-2", {"status": "В работе"})
    real = _real("jira_cloud_webhook_issue_updated_status.zulip.json")
    ours = captured[0]
    for key in ("timestamp", "webhookEvent", "issue_event_type_name", "changelog"):
        assert_shape(real[key], ours[key], key)
    # Cloud dropped user name/key in 2019 (GDPR); the 2017 capture still has them.
    real_user = {k: v for k, v in real["user"].items() if k not in ("name", "key")}
    assert_shape(real_user, ours["user"], "user")
    assert_shape({k: real["issue"][k] for k in ("id", "self", "key")}, ours["issue"])
    for field in ("status", "priority", "created", "updated", "summary", "labels"):
        assert_shape(real["issue"]["fields"][field], ours["issue"]["fields"][field], field)


def test_search_jql_page_has_the_openapi_shape(cloud: Sandbox) -> None:
    real = load_outside_sample("jira_cloud_v3_search_jql_page.openapi-example.json")
    ours = (
        session(cloud)
        .get(f"{cloud.url}/rest/api/3/search/jql", params={"jql": "key = SUP-1", "fields": "*all"})
        .json()
    )
    assert set(real) <= set(ours)
    for key in ("expand", "id", "self", "key"):
        assert _kind(real["issues"][0][key]) == _kind(ours["issues"][0][key])


def test_changelog_page_has_the_openapi_shape(cloud: Sandbox) -> None:
    real = load_outside_sample("jira_cloud_v3_issue_changelog_page.openapi-example.json")
    ours = (
        session(cloud)
        .get(
            f"{cloud.url}/rest/api/3/issue/SUP-3/changelog", params={"startAt": 2, "maxResults": 2}
        )
        .json()
    )
    assert_shape(real, ours)


def test_bulkfetch_has_the_openapi_shape(cloud: Sandbox) -> None:
    real = load_outside_sample("jira_cloud_v3_changelog_bulkfetch.openapi-example.json")
    ours = (
        session(cloud)
        .post(
            f"{cloud.url}/rest/api/3/changelog/bulkfetch",
            json={"issueIdsOrKeys": ["SUP-3"], "maxResults": 2},
        )
        .json()
    )
    assert_shape(real, ours)


def test_embedded_changelog_has_the_shape_of_a_real_search_page(dc: Sandbox) -> None:
    real = load_outside_sample("jira_cloud_v2_search_expand_changelog.actionableagile.json")
    ours = (
        session(dc)
        .get(f"{dc.url}/rest/api/2/search", params={"jql": "key = SUP-1", "expand": "changelog"})
        .json()
    )
    real_issue = real["issues"][0]
    assert_shape({k: real[k] for k in ("startAt", "maxResults", "total")}, ours)
    assert_shape(real_issue["changelog"], ours["issues"][0]["changelog"])
    for field in ("status", "created", "updated", "reporter", "issuetype", "project", "labels"):
        assert_shape(real_issue["fields"][field], ours["issues"][0]["fields"][field], field)
