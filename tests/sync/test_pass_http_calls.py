"""How many HTTP calls a pass over 250 issues makes: pages, history pages, one write each."""

from __future__ import annotations

import math

import pytest

from sandbox import start_sandbox, synthetic_scenario
from tests.sync.sandbox_app import make_app

N = 250  # three search pages, the last one partial; three bulkfetch pages on Cloud


def _calls(sb) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    with sb.server.lock:
        for (method, route, _status), count in sb.server.counts.items():
            out[(method, route)] = out.get((method, route), 0) + count
    return out


def _tracked_histories(sb, runner) -> int:
    tracked = set(runner.b.history_field_ids())
    with sb.state.lock:
        return sum(
            1
            for issue in sb.state.issues.values()
            for h in issue.histories
            if any(i.get("fieldId", i["field"]) in tracked for i in h["items"])
        )


@pytest.mark.parametrize("mode", ["cloud", "datacenter"])
def test_a_pass_costs_pages_plus_one_write_per_changed_issue(tmp_path, mode):
    with start_sandbox(scenario=synthetic_scenario(N, 10, seed=5), mode=mode) as sb:
        app = make_app(sb, tmp_path / "state.sqlite3")
        runner = app.runner()
        report = runner.sync_since()
        assert len(report.issues) == N and not report.failed
        calls = _calls(sb)
        writes = calls.get(("PUT", "/rest/api/{v}/issue/{key}"), 0)
        assert writes == report.writes == N
        pages = math.ceil(N / 100)
        if mode == "cloud":
            searches = calls[("GET", "/rest/api/{v}/search/jql")]
            history_pages = calls[("POST", "/rest/api/{v}/changelog/bulkfetch")]
            # bulkfetch's documented limits: 1 000 issues per request, up to 1 000 histories
            # per page; the sandbox's own count of the histories touching the tracked fields.
            assert searches == pages
            assert history_pages == math.ceil(_tracked_histories(sb, runner) / 1000)
        else:
            searches = calls[("GET", "/rest/api/{v}/search")]
            assert searches == pages
            history_pages = sum(c for (m, r), c in calls.items() if "changelog" in r)
            assert history_pages == 0  # Data Center embeds complete changelogs here
        minimum = searches + history_pages + writes
        setup = sum(calls.values()) - minimum  # serverInfo, myself, field, status
        assert setup <= 5, calls
        assert sum(calls.values()) / minimum <= 1.05

        sb.reset_requests()
        second = runner.sync_since()
        assert second.writes == 0
        assert _calls(sb).get(("PUT", "/rest/api/{v}/issue/{key}"), 0) == 0
        app.close()


def test_a_human_edit_while_pages_are_read_skips_no_issue(tmp_path):
    """Data Center pages with startAt: an edit mid-read must not shift an issue out of view."""
    import threading
    import time

    with start_sandbox(scenario=synthetic_scenario(300, 4, seed=9), mode="datacenter") as sb:
        sb.set_faults(
            [{"kind": "latency", "method": "GET", "route": "/rest/api/{v}/search", "delay_ms": 150}]
        )
        app = make_app(sb, tmp_path / "state.sqlite3")

        def edit_after_first_page():
            deadline = time.monotonic() + 20
            while sb.count("GET", "/rest/api/{v}/search") < 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            for key in ("SUP-3", "SUP-40", "SUP-77"):  # issues early in any order
                sb.human_change(key, {"priority": "Высокий"})

        editor = threading.Thread(target=edit_after_first_page)
        editor.start()
        report = app.runner().sync_since()
        editor.join()
        processed = {o.key for o in report.issues if o.outcome == "written"}
        assert processed == {f"SUP-{i}" for i in range(1, 301)}
        app.close()
