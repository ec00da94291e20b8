"""The sandbox's injectable clock (`Sandbox.set_clock`): a bench hook, not a tracker feature.

Both sandboxes stamp live changes with it (`updated`, the history entry, comments) and
resolve relative query dates against it (the Jira search cache keeps a result until the next
change); `set_clock(None)` brings the real clock back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sandbox import Sandbox
from tests.sandbox.conftest import session

SIMULATED = datetime(2027, 3, 1, 9, 30, 15, 250_000, tzinfo=UTC)


def _jira_issue(sb: Sandbox, key: str) -> dict:
    resp = session(sb).get(
        f"{sb.url}/rest/api/2/issue/{key}", params={"fields": "updated", "expand": "changelog"}
    )
    resp.raise_for_status()
    return resp.json()


def test_jira_human_change_is_stamped_by_the_injected_clock(cloud: Sandbox) -> None:
    cloud.set_clock(lambda: SIMULATED)
    cloud.human_change("SUP-2", {"priority": "Высокий"}, comment="позвонили")
    issue = _jira_issue(cloud, "SUP-2")
    # Jira's time format: milliseconds and the instance's offset (Europe/Moscow, +0300).
    assert issue["fields"]["updated"] == "2027-03-01T12:30:15.250+0300"
    assert issue["changelog"]["histories"][-1]["created"] == "2027-03-01T12:30:15.250+0300"


def test_jira_search_by_updated_finds_the_simulated_change(cloud: Sandbox) -> None:
    # sla-sync's incremental JQL: an absolute "yyyy-MM-dd HH:mm" in the user's zone (+0300).
    jql = 'updated >= "2027-03-01 12:30"'
    search = f"{cloud.url}/rest/api/3/search/jql"
    assert session(cloud).get(search, params={"jql": jql, "fields": "key"}).json()["issues"] == []
    cloud.set_clock(lambda: SIMULATED)
    cloud.human_change("SUP-2", {"priority": "Высокий"})
    found = session(cloud).get(search, params={"jql": jql, "fields": "key"}).json()["issues"]
    assert [i["key"] for i in found] == ["SUP-2"]


def test_real_clock_comes_back_after_set_clock_none(cloud: Sandbox) -> None:
    cloud.set_clock(lambda: SIMULATED)
    cloud.set_clock(None)
    before = datetime.now(UTC) - timedelta(seconds=1)
    cloud.human_change("SUP-2", {"priority": "Высокий"})
    updated = datetime.strptime(
        _jira_issue(cloud, "SUP-2")["fields"]["updated"], "%Y-%m-%dT%H:%M:%S.%f%z"
    )
    assert updated >= before


def test_youtrack_human_change_is_stamped_by_the_injected_clock(youtrack: Sandbox) -> None:
    youtrack.set_clock(lambda: SIMULATED)
    youtrack.human_change("SUP-2", {"priority": "Высокий"})
    resp = session(youtrack).get(f"{youtrack.url}/api/issues/SUP-2", params={"fields": "updated"})
    assert resp.json()["updated"] == int(SIMULATED.timestamp() * 1000)
