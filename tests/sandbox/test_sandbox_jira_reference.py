"""The Jira sandbox held to references written by others (issue 11, "a faithful double").

- the pycontribs `jira` client (an independent implementation of the Jira REST API) run
  against the sandbox with its own methods: issue, search, fields, comments, editmeta,
  custom field options, issue update;
- the real 400 body in tests/fixtures/jira/real/ (jira-ruby's recorded answer);
- the documented request and response shapes of the pages cited in each test.
A sandbox answer the real tracker would not give is a bug of the sandbox.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jira import JIRA, JIRAError

from sandbox import Sandbox, start_sandbox
from tests.sandbox.conftest import SMALL, session

REAL = Path(__file__).resolve().parents[1] / "fixtures/jira/real"


def _real(name: str):
    return json.loads((REAL / name).read_text(encoding="utf-8"))


def _field(sb: Sandbox, name: str) -> str:
    return sb.app.cat.field_id(name)


def test_a_select_value_that_is_not_an_option_is_refused_in_jiras_error_shape(cloud: Sandbox):
    """PUT issue with a bad option: 400 with `errors` keyed by field id, as the real sample."""
    j = JIRA(server=cloud.url, **cloud.auth())
    state = _field(cloud, "SLA state")
    with pytest.raises(JIRAError) as err:
        j.issue("SUP-2").update(fields={state: {"value": "nope"}}, notify=False)
    assert err.value.status_code == 400
    body = err.value.response.json()
    real = _real("jira_error_400_put_issue_invalid_field.jira-ruby.json")
    assert set(body) == set(real) and body["errorMessages"] == real["errorMessages"] == []
    assert body["errors"] == {state: "Option value 'nope' is not valid"}


def test_jira_client_editmeta_offers_the_options_a_write_accepts(dc: Sandbox):
    """GET issue/{key}/editmeta (DC and Cloud): fields -> {required, schema, name, key,
    operations, allowedValues}.
    https://docs.atlassian.com/software/jira/docs/api/REST/8.20.0/#api/2/issue-getEditIssueMeta
    """
    j = JIRA(server=dc.url, token_auth=dc.token)
    meta = j.editmeta("SUP-2")["fields"]
    state = meta[_field(dc, "SLA state")]
    assert {"required", "schema", "name", "key", "operations", "allowedValues"} <= set(state)
    assert [v["value"] for v in state["allowedValues"]] == ["running", "paused", "stopped"]
    # Every option's `self` resolves through the client's own option resource.
    option = j.custom_field_option(state["allowedValues"][0]["id"])
    assert option.value == "running"
    assert "status" not in meta  # the status moves by transitions, never by an edit


def test_jira_client_reads_histories_oldest_first_with_growing_ids(dc: Sandbox):
    """The changelog 'sorted by date, starting from the oldest' (v3 issue changelog docs):
    https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-changelog-get
    """
    j = JIRA(server=dc.url, token_auth=dc.token)
    histories = j.issue("SUP-3", expand="changelog").changelog.histories
    ids = [int(h.id) for h in histories]
    # (SMALL's SUP-3 stamps its moves 10:00..17:00 over and over: `created` is not sorted,
    # as on a cluster whose nodes' clocks differ, which is why ids decide the order.)
    assert ids == sorted(ids) and len(ids) == 120


def test_cloud_field_contexts_and_options_have_the_documented_shapes(cloud: Sandbox):
    """https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-contexts/
    https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-custom-field-options/
    """
    s = session(cloud)
    made = s.post(
        f"{cloud.url}/rest/api/3/field",
        json={
            "name": "SLA priority",
            "type": "com.atlassian.jira.plugin.system.customfieldtypes:select",
            "options": ["ignored"],  # not in the documented bean: a real Jira creates none
        },
    )
    assert made.status_code == 201
    fid = made.json()["id"]
    base = f"{cloud.url}/rest/api/3/field/{fid}/context"
    page = s.get(base).json()
    assert set(page) == {"isLast", "maxResults", "startAt", "total", "values"}
    (ctx,) = page["values"]
    assert set(ctx) == {"id", "name", "description", "isGlobalContext", "isAnyIssueType"}
    assert ctx["isGlobalContext"] is True and ctx["isAnyIssueType"] is True
    options = s.get(f"{base}/{ctx['id']}/option").json()
    assert options["values"] == [] and options["total"] == 0
    added = s.post(f"{base}/{ctx['id']}/option", json={"options": [{"value": "P1"}]})
    assert added.status_code == 200
    (opt,) = added.json()["options"]
    assert set(opt) == {"id", "value", "disabled"} and opt["value"] == "P1"
    again = s.post(f"{base}/{ctx['id']}/option", json={"options": [{"value": "P1"}]})
    assert again.status_code == 400 and set(again.json()) == {"errorMessages", "errors"}
    new_ctx = s.post(base, json={"name": "Bugs", "projectIds": [], "issueTypeIds": ["10004"]})
    assert new_ctx.status_code == 201
    assert set(new_ctx.json()) == {"id", "name", "description", "projectIds", "issueTypeIds"}


def test_data_center_has_no_field_context_api():
    """Data Center's REST API has no custom field context resources: Jersey's 404."""
    with start_sandbox(scenario=SMALL, mode="datacenter") as dc:
        fid = _field(dc, "SLA state")
        answer = session(dc).get(f"{dc.url}/rest/api/2/field/{fid}/context")
    assert answer.status_code == 404
    assert answer.json()["message"].startswith("null for uri")


def test_a_search_that_ignores_expand_still_honours_it_in_the_documented_post_body():
    """POST search takes `expand` as an array (SearchRequestBean):
    https://docs.atlassian.com/software/jira/docs/api/REST/8.20.0/#api/2/search-searchUsingSearchRequest
    The `get` mode models a proxy dropping it from query strings (not documented behaviour).
    """
    scenario = {**SMALL, "options": {"dc_search_ignores_expand": "get"}}
    with start_sandbox(scenario=scenario, mode="datacenter") as dc:
        j = JIRA(server=dc.url, token_auth=dc.token)
        (issue,) = j.search_issues("key = SUP-1", expand="changelog")
        assert "changelog" not in issue.raw
        posted = session(dc).post(
            f"{dc.url}/rest/api/2/search",
            json={"jql": "key = SUP-1", "fields": ["status"], "expand": ["changelog"]},
        )
        assert len(posted.json()["issues"][0]["changelog"]["histories"]) == 2
