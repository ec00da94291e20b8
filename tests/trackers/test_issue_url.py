"""Each kind links an issue to its page in the tracker's web UI, through the registry."""

from __future__ import annotations

from jira.resources import Issue

from sync import registry


def test_jira_link_is_the_one_the_jira_client_gives():
    # An independent reference: the published `jira` client's `Issue.permalink()`.
    for base in ("https://cera.atlassian.net", "https://jira.cera.example/jira"):
        issue = Issue({"server": base}, None, raw={"key": "SUP-12", "id": "1", "fields": {}})
        assert registry.get("jira").issue_url(base, "SUP-12") == issue.permalink()


def test_youtrack_link_is_the_issue_page_under_the_base_url():
    # YouTrack's issue pages are <base>/issue/<ID> on Cloud and on Server (with the context
    # path, e.g. /youtrack, as part of the base URL the adapter is configured with).
    kind = registry.get("youtrack")
    assert kind.issue_url("https://cera.youtrack.cloud/", "SUP-7") == (
        "https://cera.youtrack.cloud/issue/SUP-7"
    )
    assert kind.issue_url("https://yt.cera.example/youtrack", "SUP-7") == (
        "https://yt.cera.example/youtrack/issue/SUP-7"
    )


def test_a_key_cannot_step_out_of_the_issue_path():
    for kind in registry.all_kinds():
        if kind.issue_url is not None:
            url = kind.issue_url("https://t.example", "../admin?x=1#y")
            assert url.startswith("https://t.example/") and "/../" not in url
            assert "?" not in url and "#" not in url
