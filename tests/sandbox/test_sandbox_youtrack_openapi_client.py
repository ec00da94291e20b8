"""The YouTrack sandbox against a third-party client: `youtrack-rest-client` (PyPI), generated
from YouTrack's published OpenAPI spec (2021.3) by a JetBrains author.

1. Its requests (default `fields=`, its request models as bodies) are accepted by the sandbox.
2. Every entity the sandbox answers carries a `$type` the spec knows, with only attributes the
   spec gives that type, and parses with the spec model's `from_dict`.
Where the spec predates the current docs (Tag for IssueTag, sharing settings) or the generator
dropped the attributes of abstract bases, the gap is listed below with the doc page.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

import attr
import httpx
import pytest

from sandbox import Sandbox, start_sandbox
from tests.sandbox.test_sandbox_youtrack_contract import KINDS

yt_client = pytest.importorskip("youtrack_rest_client", reason="the `test` extra installs it")
api = importlib.import_module("youtrack_rest_client.api.default")
models = importlib.import_module("youtrack_rest_client.models")

# Current names the 2021.3 spec does not have yet, checked against the older entity.
RENAMED = {"Tag": "IssueTag"}  # api-entity-Tag: "IssueTag ... Deprecated. Use Tag instead."
# Entities newer than the spec: checked against the attributes of their doc page instead.
NEWER = {
    # api-entity-WatchFolderSharingSettings / api-entity-TagSharingSettings
    "WatchFolderSharingSettings": {"id", "permittedGroups", "permittedUsers"},
    "TagSharingSettings": {"id", "permittedGroups", "permittedUsers"},
}
# Attributes the current docs give an entity that the generated model lacks (the generator
# drops the attributes of abstract bases, and the spec is older than some attributes).
DOCUMENTED_EXTRA = {
    # api-entity-IssueCustomField: id, name, projectCustomField, value ($type on each subtype)
    "IssueCustomField": {"name", "value", "projectCustomField"},
    # api-entity-ActivityItem: id, added, author, category, field, removed, target,
    # targetMember, timestamp
    "ActivityItem": {
        "added",
        "author",
        "category",
        "field",
        "removed",
        "target",
        "targetMember",
        "timestamp",
    },
    # api-entity-FieldType: id, presentation, isBundleType, isMultiValue, valueType
    "FieldType": {"isMultiValue", "valueType", "isBundleType", "presentation"},
    # api-entity-Tag: readSharingSettings, tagSharingSettings, updateSharingSettings
    "IssueTag": {"readSharingSettings", "tagSharingSettings", "updateSharingSettings"},
    # api-entity-User: name (the user's visible name)
    "User": {"name"},
    # api-entity-FilterField: name, presentation; api-entity-CustomFilterField: customField
    "FilterField": {"name", "presentation"},
    # api-entity-Issue: commentsCount
    "Issue": {"commentsCount"},
    # api-entity-BundleElement: archived
    "BundleElement": {"archived"},
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name.lstrip("$")).lower()


def _model(type_name: str) -> Any:
    name = RENAMED.get(type_name, type_name)
    try:
        module = importlib.import_module(f"youtrack_rest_client.models.{_snake(name)}")
    except ModuleNotFoundError:
        return None
    return getattr(module, name)


def _allowed(cls: Any) -> set[str]:
    names = set()
    for klass in cls.__mro__:
        if attr.has(klass):
            names |= {a.name for a in attr.fields(klass)}
        names |= {_snake(k) for k in DOCUMENTED_EXTRA.get(klass.__name__, ())}
    return names


def _parse(cls: Any, doc: dict[str, Any]) -> None:
    """`cls.from_dict(doc)` for models without a generated base class.

    The generated subclasses cannot parse anything with their bases' multi-word attributes
    (they pass them back to `__init__` in camelCase), and no model accepts `null` for a nested
    entity: both are bugs of the generator, not of the answer. Subclasses are held to the
    attribute check above; nulls (documented as "Can be null") are left out here.
    """
    if _has_base(cls):
        return
    cls.from_dict(_no_nulls(doc))


def _subclassed(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    typed = [x for x in items if isinstance(x, dict) and "$type" in x]
    return any((c := _model(x["$type"])) is None or _has_base(c) for x in typed)


def _has_base(cls: Any) -> bool:
    return any(attr.has(k) for k in cls.__mro__[1:])


def _no_nulls(doc: Any) -> Any:
    """Without nulls, and without nested subclass entities (each is checked on its own)."""
    if isinstance(doc, dict):
        return {k: _no_nulls(v) for k, v in doc.items() if v is not None and not _subclassed(v)}
    return [_no_nulls(x) for x in doc] if isinstance(doc, list) else doc


def conforms(doc: Any, path: str = "$") -> int:
    """Check every typed entity in `doc` against the spec; returns how many were checked."""
    if isinstance(doc, list):
        return sum(conforms(x, f"{path}[{i}]") for i, x in enumerate(doc))
    if not isinstance(doc, dict):
        return 0
    checked = 0
    type_name = doc.get("$type")
    if type_name is not None:
        if type_name in NEWER:
            unknown = set(doc) - {"$type"} - NEWER[type_name]
        else:
            cls = _model(type_name)
            assert cls is not None, f"{path}: $type {type_name} is not in the OpenAPI spec"
            unknown = {k for k in doc if k != "$type" and _snake(k) not in _allowed(cls)}
            _parse(cls, doc)  # the spec model must parse the answer
        assert not unknown, f"{path}: {type_name} has attributes the spec lacks: {unknown}"
        checked = 1
    return checked + sum(conforms(v, f"{path}.{k}") for k, v in doc.items())


@pytest.fixture(scope="module")
def kinds() -> Iterator[Sandbox]:
    with start_sandbox("youtrack", scenario=KINDS) as sb:
        team = sb.app.cat.projects["SUP"]["team"]
        tag = sb.state.new_tag("shared", "agent", {"use": {team}})
        sb.state.set_tag(sb.state.issues["SUP-1"], tag["id"], True, sb.app.cat.user("agent"))
        yield sb


@pytest.fixture(scope="module")
def client(kinds: Sandbox) -> Any:
    return yt_client.AuthenticatedClient(
        hub_base_url=f"{kinds.url}/hub", youtrack_base_url=f"{kinds.url}/api", token=kinds.token
    )


def _send(client: Any, module: Any, *args: Any, **kwargs: Any) -> httpx.Response:
    """The request the client builds (URL, default `fields=`, headers), sent as it is.

    The client's own response parsing is not used: its generated subclasses cannot parse
    their bases' multi-word attributes (see `_parse`)."""
    built = module._get_kwargs(*args, client=client, **kwargs)
    method = "post" if module.__name__.split(".")[-1].startswith("post") else "get"
    return httpx.request(method, **built)


def test_the_clients_own_reads_are_answered_and_conform(kinds: Sandbox, client: Any) -> None:
    from youtrack_rest_client.api.default import (
        get_activities_page,
        get_issue_tags,
        get_issues,
        get_issues_id,
        get_issues_id_activities_page,
        get_users_me,
    )

    me = _send(client, get_users_me)
    assert me.status_code == 200 and me.json()["login"] == "sla-bot"
    issues = _send(client, get_issues, query="project: SUP")
    assert issues.status_code == 200 and [i["idReadable"] for i in issues.json()] == ["SUP-1"]
    one = _send(client, get_issues_id, "SUP-1")
    assert one.status_code == 200
    page = _send(
        client,
        get_issues_id_activities_page,
        "SUP-1",
        categories="CustomFieldCategory,IssueCreatedCategory,TagsCategory",
    )
    assert page.status_code == 200 and page.json()["activities"]
    tags = _send(client, get_issue_tags)  # the deprecated /api/issueTags
    assert tags.status_code == 200 and tags.json()
    stream = _send(
        client,
        get_activities_page,
        categories="CustomFieldCategory,IssueCreatedCategory",
        issue_query="issue id: SUP-1",
    )
    assert stream.status_code == 200 and stream.json()["activities"]
    for resp in (me, issues, one, page, tags, stream):
        assert conforms(resp.json()) > 0


def _everything(doc: Any) -> str:
    """A `fields=` value asking for every attribute the sandbox has for a sample document."""
    if isinstance(doc, list):
        merged: dict[str, Any] = {}
        for x in doc:
            if isinstance(x, dict):
                for k, v in x.items():
                    merged.setdefault(k, v if v not in (None, [], {}) else merged.get(k))
        doc = merged
    if not isinstance(doc, dict):
        return ""
    parts = []
    for key, value in doc.items():
        sub = _everything(value)
        parts.append(f"{key}({sub})" if sub else key)
    return ",".join(p for p in parts if not p.startswith("$type"))


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/issues/SUP-1", {}),
        ("/api/issues", {"query": "project: SUP"}),
        ("/api/issues/SUP-1/activitiesPage", {"categories": "CustomFieldCategory"}),
        (
            "/api/activitiesPage",
            {"categories": "CustomFieldCategory", "issueQuery": "issue id: SUP-1"},
        ),
        (
            "/api/issues/SUP-1/activities",
            {"categories": "CustomFieldCategory,IssueCreatedCategory,TagsCategory"},
        ),
        ("/api/users/me", {}),
        ("/api/tags", {}),
        ("/api/admin/projects", {}),
        ("/api/admin/projects/SUP/customFields", {}),
        ("/api/admin/customFieldSettings/customFields", {}),
    ],
)
def test_every_attribute_the_sandbox_answers_is_in_the_spec(
    kinds: Sandbox, path: str, params: dict
) -> None:
    s = httpx.Client(headers=kinds.headers())
    everything = _full(kinds, path, params)
    doc = s.get(kinds.url + path, params={**params, "fields": _everything(everything)}).json()
    assert conforms(doc) > 0


def _full(sb: Sandbox, path: str, params: dict) -> Any:
    """The sandbox's complete rendering, to learn which attributes to ask for."""
    from sandbox.youtrack.query import parse_fields  # noqa: F401 (only the path shapes differ)

    s = httpx.Client(headers=sb.headers())
    deep = (
        "$type,id,name,login,idReadable,customFields($type,id,name,value($type,id,name,minutes,"
        "presentation,text,login),projectCustomField($type,id,field($type,id,name,fieldType($type,"
        "id,valueType,isMultiValue)),bundle($type,id,values($type,id,name,isResolved,ordinal,"
        "color($type,id,background,foreground)))))"
    )
    tree = s.get(sb.url + path, params={**params, "fields": deep}).json()
    return _with_all_keys(sb, tree, path)


def _with_all_keys(sb: Sandbox, doc: Any, path: str) -> Any:
    # Render the in-process entity in full: every attribute the sandbox can send.
    from sandbox.youtrack import shapes

    st = sb.state
    if path.startswith("/api/issues/SUP-1/activit"):
        issue = st.issues["SUP-1"]
        acts = [shapes.activity_json(st, issue, a) for a in issue.activities]
        return (
            {"activities": acts, "afterCursor": "", "hasAfter": False} if "Page" in path else acts
        )
    if path.startswith("/api/issues"):
        one = shapes.issue_json(st, st.issues["SUP-1"])
        return one if path.endswith("SUP-1") else [one]
    if path == "/api/users/me":
        return sb.app.cat.user_json("sla-bot") | {
            "profiles": {"general": {"timezone": {"id": 1}, "locale": {"id": 1, "locale": 1},
                                     "dateFieldFormat": {"pattern": 1}}}
        }  # fmt: skip
    if path == "/api/tags":
        return [shapes.tag_json(st, t) for t in st.tags]
    if path == "/api/admin/projects":
        return [sb.app._project_json(p) for p in sb.app.cat.projects.values()]
    if path.endswith("/customFields") and "projects" in path:
        return [sb.app.cat.project_field_json(f) for f in sb.app.cat.fields.values()]
    return [sb.app.cat.custom_field_json(f) for f in sb.app.cat.fields.values()]


def test_the_clients_request_models_are_accepted_as_bodies(kinds: Sandbox, client: Any) -> None:
    from youtrack_rest_client.api.default import post_issue_tags, post_issues_id
    from youtrack_rest_client.models.command_list import CommandList
    from youtrack_rest_client.models.enum_bundle_element import EnumBundleElement
    from youtrack_rest_client.models.issue import Issue
    from youtrack_rest_client.models.issue_tag import IssueTag
    from youtrack_rest_client.models.single_enum_issue_custom_field import (
        SingleEnumIssueCustomField,
    )
    from youtrack_rest_client.models.user_group import UserGroup

    field = SingleEnumIssueCustomField(
        type="SingleEnumIssueCustomField", value=EnumBundleElement(name="Магнит")
    ).to_dict() | {"name": "Заказчик"}  # the spec's IssueCustomField lacks `name` (see above)
    issue = Issue(custom_fields=[type("F", (), {"to_dict": lambda self: field})()])
    resp = _send(client, post_issues_id, "SUP-1", json_body=issue, mute_update_notifications=True)
    assert resp.status_code == 200, resp.text
    team = kinds.app.cat.projects["SUP"]["team"]
    body = IssueTag(name="client-tag", visible_for=UserGroup(id=team))
    tag = _send(client, post_issue_tags, json_body=body)
    assert tag.status_code == 200 and tag.json()["name"] == "client-tag"
    assert conforms(tag.json()) == 2  # the tag and its owner
    command = CommandList(query="tag client-tag", issues=[Issue(id_readable="SUP-1")], silent=True)
    sent = httpx.post(f"{kinds.url}/api/commands", json=command.to_dict(), headers=kinds.headers())
    assert sent.status_code == 200, sent.text
    assert any(
        t["name"] == "client-tag" for t in kinds.state.tags.values() if t["id"] in
        kinds.state.issues["SUP-1"].tags
    )  # fmt: skip
