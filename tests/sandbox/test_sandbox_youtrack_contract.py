"""Contract: YouTrack sandbox responses have the keys and JSON types of real YouTrack payloads.

Real samples: tests/fixtures/youtrack/real (MIT captures) and, through `load_outside_sample`,
the activities capture and the JetBrains docs' error bodies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox import Sandbox, start_sandbox
from sync.trackers.youtrack.http import ACTIVITY_FIELDS, issue_fields_spec
from tests.real_samples import load_outside_sample
from tests.sandbox.conftest import session

REAL = Path(__file__).resolve().parents[1] / "fixtures/youtrack/real"
# Every kind of field the sandbox can hold, changed once each, to meet every real shape.
KINDS = {
    "now": "2026-11-18T15:00:00+03:00",
    "custom_fields": [
        {"name": "Заказчик", "type": "select", "options": ["Магнит"]},
        {"name": "Started at", "type": "date and time"},
        {"name": "Due Date", "type": "date"},
        {"name": "Ratio", "type": "float"},
        {"name": "Затраченное время", "type": "period"},
        {"name": "Notes", "type": "text"},
    ],
    "issues": [
        {
            "key": "SUP-1",
            "created": "now-3d",
            "fields": {"priority": "Высокий", "Заказчик": "Магнит", "assignee": "agent"},
            "history": [
                {
                    "at": "now-2d",
                    "set": {
                        "status": "В работе",
                        "assignee": "sla-bot",
                        "Started at": "now-2d",
                        "Due Date": "2026-11-20T12:00:00+00:00",
                        "Ratio": 0.5,
                        "Затраченное время": 340,
                        "Notes": "x",
                    },
                },
                {"at": "now-1d", "set": {"Затраченное время": 440}},
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def kinds() -> Iterator[Sandbox]:
    """A YouTrack sandbox whose one issue has a field of every supported kind."""
    with start_sandbox("youtrack", scenario=KINDS) as sb:
        yield sb


def _real(name: str) -> Any:
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    return {dict: "object", list: "array", str: "string", int: "number", float: "number"}[type(v)]


def assert_shape(real: Any, ours: Any, path: str = "$") -> None:
    """Every key of the real sample exists in ours with the same JSON type (null matches all)."""
    if isinstance(real, dict):
        assert isinstance(ours, dict), path
        for key, value in real.items():
            assert key in ours, f"{path}.{key} missing"
            assert_shape(value, ours[key], f"{path}.{key}")
    elif isinstance(real, list):
        assert isinstance(ours, list), path
        if real and ours:
            assert_shape(real[0], ours[0], f"{path}[0]")
    elif real is not None and ours is not None:
        assert _kind(real) == _kind(ours), f"{path}: {_kind(real)} vs {_kind(ours)}"


def _attrs(real: Any) -> dict[str, Any]:
    """The attribute tree of a sample: dict keys, merged over list items and value variants."""
    tree: dict[str, Any] = {}
    for item in real if isinstance(real, list) else [real]:
        if isinstance(item, list):
            item = {k: v for x in item if isinstance(x, dict) for k, v in x.items()}
        if isinstance(item, dict):
            for key, value in item.items():
                sub = _attrs(value)
                tree[key] = {**(tree.get(key) or {}), **sub} if sub else tree.get(key)
    return tree


def _spec(real: Any, tree: dict[str, Any] | None = None) -> str:
    """A `fields=` value asking for exactly the attributes of a real sample."""
    tree = _attrs(real) if tree is None else tree
    parts = [
        f"{key}({_spec(None, sub)})" if sub else key for key, sub in tree.items() if key != "$type"
    ]
    return ",".join(parts)


def _field_kind(cf: dict[str, Any]) -> str:
    ftype = (cf["projectCustomField"].get("field") or {}).get("fieldType") or {}
    return str(ftype.get("valueType") or ftype.get("id", "")).split("[")[0]


@pytest.mark.parametrize(
    "sample",
    [
        "youtrack_issue_customfields.moneymeets.json",
        "youtrack_issue_all_customfield_types.deskpro.json",
    ],
)
def test_issue_custom_fields_of_every_kind_have_real_shapes(kinds: Sandbox, sample: str) -> None:
    real = _real(sample)
    ours = (
        session(kinds).get(f"{kinds.url}/api/issues/SUP-1", params={"fields": _spec(real)}).json()
    )
    top = {k: v for k, v in real.items() if k not in ("customFields", "comments", "project")}
    assert_shape(top, ours)
    by_kind = {_field_kind(cf): cf for cf in ours["customFields"]}
    compared = 0
    for cf in real["customFields"]:
        mine = by_kind.get(_field_kind(cf))
        if mine is None or cf["$type"].startswith("Multi"):
            continue  # build/version/group/owned and multi-value fields are not modelled
        assert mine["$type"] == cf["$type"], cf["name"]
        assert mine["projectCustomField"]["$type"] == cf["projectCustomField"]["$type"]
        assert_shape(cf, mine, cf["name"])
        compared += 1
    assert compared >= 4


def test_issue_list_is_a_bare_array_shaped_like_the_real_one(youtrack: Sandbox) -> None:
    real = _real("youtrack_issues_list.moneymeets.json")
    ours = session(youtrack).get(
        f"{youtrack.url}/api/issues", params={"query": "project: SUP", "fields": _spec(real[0])}
    )
    assert isinstance(ours.json(), list) and len(ours.json()) == 3
    top = {k: v for k, v in real[0].items() if k != "customFields"}
    assert_shape(top, ours.json()[0])


def test_activity_items_have_the_shapes_of_the_live_capture(kinds: Sandbox) -> None:
    real = load_outside_sample(
        "youtrack_activities_customfield_state_datetime_period_user.ytrack.json"
    )
    ours = (
        session(kinds)
        .get(
            f"{kinds.url}/api/issues/SUP-1/activities",
            params={"categories": "CustomFieldCategory", "fields": _spec(real)},
        )
        .json()
    )
    by_kind = {a["field"]["customField"]["fieldType"]["valueType"]: a for a in ours}
    for item in real:
        kind = item["field"]["customField"]["fieldType"]["valueType"]
        assert_shape(item, by_kind[kind], kind)
        assert _kind(by_kind[kind]["added"]) == _kind(item["added"]), kind


def test_activities_page_carries_the_adapter_fields(kinds: Sandbox) -> None:
    page = (
        session(kinds)
        .get(
            f"{kinds.url}/api/issues/SUP-1/activitiesPage",
            params={"categories": "CustomFieldCategory", "fields": ACTIVITY_FIELDS},
        )
        .json()
    )
    assert set(page) == {"$type", "activities", "afterCursor", "hasAfter"}
    first = page["activities"][0]
    assert first["category"]["id"] == "CustomFieldCategory"
    assert first["field"]["customField"]["fieldType"]["valueType"]


def test_issue_read_with_the_adapter_spec_keeps_only_what_was_asked(youtrack: Sandbox) -> None:
    doc = (
        session(youtrack)
        .get(f"{youtrack.url}/api/issues/SUP-1", params={"fields": issue_fields_spec()})
        .json()
    )
    assert "comments" not in doc and "numberInProject" not in doc
    assert set(doc["reporter"]) == {"$type", "login", "email"}
    assert set(doc["tags"][0]) == {"$type", "id", "name"}


def test_error_bodies_have_the_documented_shape(youtrack: Sandbox) -> None:
    s = session(youtrack)
    missing = s.get(f"{youtrack.url}/api/issues/SUP-999").json()
    bad = s.post(
        f"{youtrack.url}/api/issues/SUP-1", json={"customFields": [{"name": "Nope", "value": 1}]}
    ).json()
    nowhere = s.get(f"{youtrack.url}/api/nowhere").json()
    assert_shape(load_outside_sample("youtrack_error_404_not_found.docs-example.json"), missing)
    assert nowhere == load_outside_sample("youtrack_error_404_not_found.docs-example.json")
    assert_shape(
        load_outside_sample("youtrack_error_400_bad_request_entity_id.docs-example.json"), bad
    )
    assert bad["error"] == "bad_request"


def test_request_without_a_permanent_token_gets_401(youtrack: Sandbox) -> None:
    import requests

    anonymous = requests.get(f"{youtrack.url}/api/issues")
    wrong = requests.get(
        f"{youtrack.url}/api/issues", headers={"Authorization": "Bearer perm:nope"}
    )
    jira_style = requests.get(f"{youtrack.url}/api/issues", auth=("sla-bot", youtrack.token))
    for resp in (anonymous, wrong, jira_style):
        assert resp.status_code == 401
        assert set(resp.json()) == {"error", "error_description"}
    assert youtrack.token.startswith("perm:")
