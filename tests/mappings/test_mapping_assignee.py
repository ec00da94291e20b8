"""Who works on a request: the assignee as Jira and YouTrack send it, from recorded payloads.

Jira: `fields.assignee` is a user object (Cloud: `accountId`, `displayName`, `emailAddress`;
Data Center: `name`, `key`, ...); https://developer.atlassian.com/cloud/jira/platform/rest/v2/
api-group-issues/#api-rest-api-2-issue-issueidorkey-get. YouTrack: the `Assignee` custom field,
a `SingleUserIssueCustomField` whose value is a `User` (`login`, `name`/`fullName`, `email`).
The payloads are real ones recorded by other projects (tests/fixtures/*/real/SOURCES.md).
"""

from __future__ import annotations

import json
from pathlib import Path

from mappings.jira import JIRA_MAPPING
from mappings.jira.fields import required_field_ids as jira_fields
from mappings.port import Person
from mappings.profile import load_profile
from mappings.raw import RawIssue
from mappings.youtrack import (
    DEFAULT_YOUTRACK_PROFILE,
    YOUTRACK_MAPPING,
    catalog_with_issue_fields,
    raw_from_export,
)
from mappings.youtrack.fields import required_field_ids as youtrack_fields

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
JIRA_PROFILE = load_profile()
YT_PROFILE = load_profile(DEFAULT_YOUTRACK_PROFILE)


def _jira_webhook_issue(name: str) -> RawIssue:
    payload = json.loads((FIXTURES / "jira/real" / name).read_text(encoding="utf-8"))
    issue = payload["issue"]
    return RawIssue("jira", issue["key"], issue["id"], issue["fields"], ())


def test_jira_cloud_assignee_is_known_by_account_id_and_shown_by_display_name():
    raw = _jira_webhook_issue("jira_cloud_webhook_issue_updated_priority.zulip.json")
    mapped = JIRA_MAPPING.map_issue(raw, JIRA_PROFILE, [])
    assert mapped.assignee == Person(
        "99:e2f12cf6-839d-4ea2-ae07-e1a59cb009c8",
        "Leonardo Franchi [Administrator]",
        "leo@zulip.com",
    )


def test_jira_data_center_assignee_is_known_by_user_name():
    raw = _jira_webhook_issue("jira_server_webhook_issue_updated_status_and_customfield.json")
    mapped = JIRA_MAPPING.map_issue(raw, JIRA_PROFILE, [])
    assert mapped.assignee == Person(
        "crystal.johnston", "Crystal Johnston", "crystalvjohnston@gmail.com"
    )


def test_jira_unassigned_issue_has_no_assignee():
    raw = _jira_webhook_issue("jira_cloud_webhook_issue_updated_priority.zulip.json")
    fields = {**raw.fields, "assignee": None}
    unassigned = RawIssue(raw.tracker, raw.key, raw.id, fields, ())
    assert JIRA_MAPPING.map_issue(unassigned, JIRA_PROFILE, []).assignee is None


def test_jira_search_asks_for_the_assignee():
    assert "assignee" in jira_fields(JIRA_PROFILE, [])


def test_youtrack_assignee_comes_from_the_assignee_user_field():
    sample = json.loads(
        (FIXTURES / "youtrack/real/youtrack_issue_customfields.moneymeets.json").read_text()
    )
    mapped = YOUTRACK_MAPPING.map_issue(raw_from_export(sample), YT_PROFILE, [])
    assert mapped.assignee == Person("worker", "Worker Buddy", "worker@example.com")


def test_youtrack_issue_list_has_assigned_and_unassigned_issues():
    issues = json.loads(
        (FIXTURES / "youtrack/real/youtrack_issues_list.moneymeets.json").read_text()
    )
    got = {
        i["idReadable"]: YOUTRACK_MAPPING.map_issue(raw_from_export(i), YT_PROFILE, []).assignee
        for i in issues[:2]
    }
    assert got == {"HD-25": Person("worker", "Worker Buddy", "worker@example.com"), "HD-17": None}


def test_youtrack_search_asks_for_the_assignee_field_when_the_project_has_it():
    sample = json.loads(
        (FIXTURES / "youtrack/real/youtrack_issue_customfields.moneymeets.json").read_text()
    )
    assert "Assignee" in youtrack_fields(YT_PROFILE, catalog_with_issue_fields([], sample))
    assert "Assignee" not in youtrack_fields(YT_PROFILE, [])  # unknown names are not asked for
