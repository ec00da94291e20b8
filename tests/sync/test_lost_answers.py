"""Answers lost after the request went out: a comment is posted once, a read is retried.

The sandbox's `after: true` faults run the handler first (the comment is stored) and then
drop the connection or answer 5xx, the way a proxy timeout or a reset after the write does.
Before `OutcomeUnknownError`, the retry loop posted again: 123 of 292 breached issues got the
breach comment 2-3 times under such a storm.
"""

from __future__ import annotations

from collections import Counter

import pytest
from pydantic import SecretStr

from config.settings import Settings, TrackerSettings
from sandbox import start_sandbox, synthetic_scenario
from sync.composition import App
from sync.errors import RetriableTrackerError
from tests.sync.sandbox_app import FAST_RETRY, make_app

BREACH = "SLA нарушен"
ROUTES = {"jira": "/rest/api/{v}/issue/{key}/comment", "youtrack": "/api/issues/{id}/comments"}


def _app(sb, tmp_path, **overrides) -> App:
    if sb.tracker == "jira":
        return make_app(sb, tmp_path / "state.sqlite3", breach_comment=True, **overrides)
    tracker = TrackerSettings(
        name="sandbox", kind="youtrack", url=sb.url, token=SecretStr(sb.token), scope="project: SUP"
    )
    settings = Settings(
        state_path=tmp_path / "state.sqlite3",
        trackers=[tracker],
        retry=FAST_RETRY,
        closed_lookback_days=None,
        breach_comment=True,
        **overrides,
    )
    return App(settings, clock=lambda: sb.now)


def _comment_counts(sb) -> dict[str, Counter]:
    out = {}
    for issue in sb.issues()["issues"]:
        bodies = [c.get("body") or c.get("text") or "" for c in issue["comments"]]
        out[issue["key"]] = Counter(bodies)
    return out


def _dropped(sb, route: str) -> int:
    log = sb.requests(log=True)["log"]
    return sum(1 for e in log if e["route"] == route and e["fault"] and e["method"] == "POST")


@pytest.mark.parametrize(
    ("tracker", "fault"),
    [
        # The comment is stored, then the connection is reset / a proxy answers 503.
        ("jira", {"kind": "drop", "after": True, "probability": 0.6}),
        ("jira", {"kind": "503", "after": True, "probability": 0.6}),
        ("youtrack", {"kind": "drop", "after": True, "probability": 0.6}),
        # Reset after sending and nothing stored, twice: looked for, not there, posted again.
        ("jira", {"kind": "drop", "times": 2}),
    ],
)
def test_a_comment_whose_answer_is_lost_is_posted_exactly_once(tmp_path, tracker, fault):
    # Synthetic requests spread over two months: most of them are breached by `now`.
    scenario = synthetic_scenario(40, changes_per_issue=3, seed=2)
    with start_sandbox(tracker=tracker, scenario=scenario, seed=5) as sb:
        route = ROUTES[tracker]
        sb.set_faults([{**fault, "method": "POST", "route": route}])
        app = _app(sb, tmp_path)
        report = app.runner().sync_since()
        breached = [o.key for o in report.issues if app.store.issue("sandbox", o.key).breached]
        app.close()
        assert not report.failed, [(o.key, o.error) for o in report.failed]
        assert _dropped(sb, route) >= 2, "the storm must actually lose some answers"
        counts = _comment_counts(sb)
        assert len(breached) >= 10
        for key in breached:
            ours = {body: n for body, n in counts[key].items() if body.startswith(BREACH)}
            assert list(ours.values()) == [1], (key, ours)


def test_a_comment_that_keeps_losing_its_answer_stops_the_issue_and_the_next_pass_finds_it(
    tmp_path,
):
    with start_sandbox(scenario="demo") as sb:
        route = ROUTES["jira"]
        # Every post is stored and its answer lost, and the look-up fails too: nothing known.
        sb.set_faults(
            [
                {"kind": "drop", "method": "POST", "route": route, "after": True, "times": 1},
                {"kind": "500", "method": "GET", "route": route},
            ]
        )
        app = _app(sb, tmp_path)
        with pytest.raises(RetriableTrackerError):
            app.runner().sync_since()
        sb.set_faults([])
        report = app.runner().sync_since()  # the intent is still open: it looks first
        app.close()
        assert not report.failed
        for key, bodies in _comment_counts(sb).items():
            assert all(n == 1 for body, n in bodies.items() if body.startswith(BREACH)), key


def test_a_truncated_json_answer_to_a_read_is_retried(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        sb.set_faults([{"kind": "malformed", "method": "GET", "times": 3}])
        app = make_app(sb, tmp_path / "state.sqlite3")
        report = app.runner().sync_since()
        app.close()
        assert not report.failed and report.writes > 0
        assert sum(1 for e in sb.requests(log=True)["log"] if e["fault"] == "malformed") == 3


def test_truncated_json_that_never_ends_says_so_and_does_not_blame_the_base_url(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        sb.set_faults([{"kind": "malformed", "method": "GET", "route": "/rest/api/{v}/field"}])
        app = make_app(sb, tmp_path / "state.sqlite3")
        with pytest.raises(RetriableTrackerError) as exc:
            app.runner().sync_since()
        app.close()
    text = str(exc.value)
    assert "truncated or malformed JSON" in text and "cuts its answers short" in text
    assert "base URL" not in text
