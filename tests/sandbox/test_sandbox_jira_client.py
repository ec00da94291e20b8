"""The real `jira` client (pycontribs) cannot tell the sandbox from Jira."""

from __future__ import annotations

from jira import JIRA

from sandbox import Sandbox


def test_jira_client_reads_server_user_fields_and_issue_in_cloud_mode(cloud: Sandbox) -> None:
    j = JIRA(server=cloud.url, **cloud.auth())
    assert j.server_info()["deploymentType"] == "Cloud"
    me = j.myself()
    assert me["emailAddress"] == cloud.email and me["timeZone"] == "Europe/Moscow"
    assert "accountId" in me
    names = {f["name"] for f in j.fields()}
    assert {"Линия поддержки", "SLA due", "SLA state", "Status"} <= names
    issue = j.issue("SUP-1", expand="changelog")
    assert issue.fields.status.name == "Выполнено"
    assert issue.fields.resolution.name == "Решена"
    assert [h.items[0].toString for h in issue.changelog.histories] == ["В работе", "Выполнено"]


def test_jira_client_writes_are_authored_by_the_service_account(cloud: Sandbox) -> None:
    j = JIRA(server=cloud.url, **cloud.auth())
    issue = j.issue("SUP-2")
    issue.update(
        fields={"customfield_10105": {"value": "running"}, "customfield_10107": 2.5}, notify=False
    )
    j.add_comment("SUP-2", "SLA recomputed")
    j.transition_issue("SUP-2", "В работе")
    issue = j.issue("SUP-2", expand="changelog")
    assert issue.fields.customfield_10105.value == "running"
    assert issue.fields.status.name == "В работе"
    histories = issue.raw["changelog"]["histories"]
    assert len(histories) == 2
    assert {h["author"]["accountId"] for h in histories} == {
        cloud.state.cat.users["sla-bot"].account_id
    }
    assert j.comments("SUP-2")[0].body == "SLA recomputed"


def test_jira_client_enhanced_search_pages_through_search_jql(cloud: Sandbox) -> None:
    j = JIRA(server=cloud.url, **cloud.auth())
    found = j.enhanced_search_issues(
        "project = SUP ORDER BY key ASC", maxResults=0, fields="status"
    )
    assert [i.key for i in found] == ["SUP-1", "SUP-2", "SUP-3"]


def test_jira_client_works_with_personal_access_token_in_datacenter_mode(dc: Sandbox) -> None:
    j = JIRA(server=dc.url, token_auth=dc.token)
    assert j.server_info()["deploymentType"] == "DataCenter"
    assert j.myself()["name"] == "sla-bot"
    found = j.search_issues(
        "project = SUP AND resolution = Unresolved ORDER BY key ASC", expand="changelog"
    )
    assert [i.key for i in found] == ["SUP-2", "SUP-3"]
    assert found[1].changelog.total == 120 and len(found[1].changelog.histories) == 120
    j.issue("SUP-2").update(fields={"labels": ["sla"]}, notify=False)
    item = j.issue("SUP-2", expand="changelog").raw["changelog"]["histories"][0]
    assert item["author"]["name"] == "sla-bot"
    assert "fieldId" not in item["items"][0]  # Data Center items carry no fieldId
