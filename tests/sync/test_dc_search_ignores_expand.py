"""Issue 11, finding 4: a Data Center search that ignores `expand=changelog`.

Seen on a real Data Center 8.20 behind a proxy: search pages came back without changelogs.
Before, each issue cost a probe of `/issue/{key}/changelog` (404 on Data Center, logged at
error level once) and then `GET issue?expand=changelog`. Now the pass tells from its first
page, once, and takes the cheapest path that works, silently: `POST search` with `expand` in
the documented request body, else one `GET issue?expand=changelog` per issue.
https://docs.atlassian.com/software/jira/docs/api/REST/8.20.0/#api/2/search-searchUsingSearchRequest
"""

from __future__ import annotations

import math

import pytest
from structlog.testing import capture_logs

from sandbox import start_sandbox, synthetic_scenario
from tests.sync.sandbox_app import make_app, sla_state

N = 120


def _scenario(ignores: str | None):
    sc = synthetic_scenario(N, 6, seed=3)
    sc.options = {**sc.options, "dc_search_ignores_expand": ignores}
    return sc


def _count(sb, method: str, route: str, status: int | None = None) -> int:
    return sb.count(method, route, status)


@pytest.mark.parametrize(
    ("ignores", "post_pages", "issue_gets"),
    [(None, 0, 0), ("get", math.ceil(N / 100), 0), ("all", 1, N)],
)
def test_histories_come_the_cheapest_working_way_without_error_lines(
    tmp_path, ignores, post_pages, issue_gets
):
    with start_sandbox(scenario=_scenario(ignores), mode="datacenter") as sb:
        app = make_app(sb, tmp_path / "state.sqlite3")
        with capture_logs() as logs:
            report = app.runner().sync_since()
        assert len(report.issues) == N and not report.failed
        assert report.writes == N  # every issue mapped from a complete history
        pages = math.ceil(N / 100)
        gets = _count(sb, "GET", "/rest/api/{v}/search")
        assert gets == (1 if ignores == "get" else pages)
        assert _count(sb, "POST", "/rest/api/{v}/search") == post_pages
        assert _count(sb, "GET", "/rest/api/{v}/issue/{key}") == issue_gets
        assert _count(sb, "GET", "/rest/api/{v}/issue/{key}/changelog") == 0
        assert [e for e in logs if e["log_level"] == "error"] == []
        notes = [e for e in logs if e["event"] == "jira.search_ignores_expand_changelog"]
        assert len(notes) == (0 if ignores is None else 1)
        app.close()


def test_a_server_that_ignores_it_gives_the_same_figures_as_one_that_does_not(tmp_path):
    figures = {}
    for ignores in (None, "all"):
        with start_sandbox(scenario=_scenario(ignores), mode="datacenter") as sb:
            app = make_app(sb, tmp_path / f"state-{ignores}.sqlite3")
            app.runner().sync_since()
            figures[ignores] = sla_state(sb)
            app.close()
    assert figures[None] == figures["all"]
