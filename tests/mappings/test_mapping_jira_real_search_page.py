"""The GPL search page (25 real Jira Cloud issues with changelogs) maps with the default profile.

The file stays outside the repo (licence); `load_outside_sample` skips when it is absent.
"""

from __future__ import annotations

import yaml

from mappings.errors import MappingError
from mappings.jira import map_issue
from mappings.port import TrackerValue, Vocabulary
from mappings.profile import DEFAULT_JIRA_PROFILE, load_profile, profile_from_mapping
from mappings.raw import RawIssue
from sla.enums import Status
from tests.real_samples import load_outside_sample

SAMPLE = "jira_cloud_v2_search_expand_changelog.actionableagile.json"


def raw_issues():
    page = load_outside_sample(SAMPLE)
    return [
        RawIssue("jira", i["key"], i["id"], i["fields"], tuple(i["changelog"]["histories"]))
        for i in page["issues"]
    ]


def categories_seen(issues, extra=None):
    """What /rest/api/2/status would tell the caller, as far as this page shows it."""
    seen = {i.fields["status"]["id"]: i.fields["status"]["statusCategory"]["key"] for i in issues}
    seen.update(extra or {})
    return Vocabulary(statuses=tuple(TrackerValue(k, k, v) for k, v in seen.items()))


def with_default_priority():
    data = yaml.safe_load(DEFAULT_JIRA_PROFILE.read_text(encoding="utf-8"))
    data["default_priority"] = "medium"
    return profile_from_mapping(data, "team.yaml")


def test_every_real_issue_fails_only_with_a_clear_mapping_error_under_the_bare_default():
    for raw in raw_issues():
        try:
            map_issue(raw, load_profile(), [], categories_seen(raw_issues()))
        except MappingError as exc:
            # Every issue has "priority": null; workflow statuses seen only in history and
            # absent from the page's current statuses have no known category.
            message = str(exc)
            assert message.startswith(f"{raw.key}: ")
            assert "priority is not set" in message or "'Analysis Active' is not" in message


def test_every_real_issue_maps_once_priority_default_and_status_categories_are_known():
    issues = raw_issues()
    # "Analysis Active" never appears as a current status on the page; in that workflow it is an
    # In Progress status, which is what the caller would get from /rest/api/2/status.
    cats = categories_seen(issues, {"analysis active": "indeterminate"})
    profile = with_default_priority()
    mapped = [map_issue(raw, profile, [], cats) for raw in issues]
    assert len(mapped) == 25
    for raw, m in zip(issues, mapped, strict=True):
        tl = m.timeline
        assert tl.registered_at.utcoffset().total_seconds() == -5 * 3600
        assert tl.status is Status.CREATED  # every issue starts in Backlog
        assert [c.at for c in tl.changes] == sorted(c.at for c in tl.changes)
        final = next((c.status for c in reversed(tl.changes) if c.status), tl.status)
        expected = {"done": Status.DONE, "indeterminate": Status.IN_PROGRESS}[
            raw.fields["status"]["statusCategory"]["key"]
        ]
        assert final is expected, raw.key
        assert all("not mapped" in w for w in m.warnings)
    assert sum(1 for m in mapped if m.timeline.resolution is not None) == 4
