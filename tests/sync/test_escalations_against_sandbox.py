"""Escalation rules end to end: the real adapters over HTTP, a real SMTP server, the sandbox.

The unit tests (`tests/passes/test_escalations*.py`) pin the instants on fakes; here the
question is what a tracker and an inbox receive. The demo requests run one working day on a
clock shared by the sandbox and sla-sync; a rule must fire for exactly the requests whose
counted time crossed its point during that day, once — after a sweep, a pass, another
process on the same store, and with the answers to half of the comment posts lost.

Mentions follow the vendors' syntax: Jira Cloud wiki markup `[~accountid:…]`
(https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa, and the v2 comment bodies in
tests/fixtures/jira/real/), YouTrack `@login`
(https://www.jetbrains.com/help/youtrack/cloud/mentions.html).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import yaml
from pydantic import SecretStr

from config.regulation import default_regulation_path
from config.settings import Settings, TrackerSettings
from sandbox import start_sandbox
from sync.composition import App
from tests.notify.test_closure_email import free_port, smtp_server, smtp_settings
from tests.sync.sandbox_app import FAST_RETRY, tracker_settings

LEAD = "lead@cera.example"
RULES = [
    {
        "name": "half",
        "enabled": True,
        "when": {"reached": 0.5},
        "actions": [
            {"comment": "{mention} эскалация {number}: {share} ({elapsed} из {target} ч)"},
            {"email": {"to": [LEAD], "subject": "{number}: {share}", "body": "{assignee}"}},
        ],
    },
    {
        "name": "late",
        "enabled": True,
        "when": {"breach": True},
        "actions": [{"label": "sla-escalated"}],
    },
]
COMMENT_ROUTE = {
    "jira": "/rest/api/{v}/issue/{key}/comment",
    "youtrack": "/api/issues/{id}/comments",
}


def _regulation(tmp_path) -> str:
    data = yaml.safe_load(default_regulation_path().read_text(encoding="utf-8"))
    data["escalations"] = RULES
    path = tmp_path / "regulation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def _app(sb, tmp_path, clock, smtp_port: int) -> App:
    if sb.tracker == "jira":
        tracker = tracker_settings(sb)
    else:
        tracker = TrackerSettings(
            name="sandbox", kind="youtrack", url=sb.url, token=SecretStr(sb.token),
            scope="project: SUP",
        )  # fmt: skip
    settings = Settings(
        state_path=tmp_path / "state.sqlite3",
        regulation=_regulation(tmp_path),
        trackers=[tracker],
        retry=FAST_RETRY,
        closed_lookback_days=None,
        smtp=smtp_settings(smtp_port),
    )
    return App(settings, clock=clock)


def _escalation_comments(sb) -> Counter:
    out: Counter = Counter()
    for issue in sb.issues()["issues"]:
        for c in issue["comments"]:
            body = c.get("body") or c.get("text") or ""
            if "эскалация" in body:
                out[(issue["key"], body)] += 1
    return out


def _labels(sb) -> dict[str, set[str]]:
    return {i["key"]: set(i.get("labels") or i.get("tags") or []) for i in sb.issues()["issues"]}


def _standing(app, keys, point: float) -> tuple[set[str], set[str]]:
    """(open requests whose counted share of the target is below `point`, breached requests)
    now: computed per request by `explain`, not by the escalation code."""
    runner = app.runner()
    below, breached = set(), set()
    for key in keys:
        r = runner.explain(key)
        if r.state.value != "stopped" and r.elapsed_seconds < point * r.target_seconds:
            below.add(key)
        if r.breached:
            breached.add(key)
    return below, breached


@pytest.mark.parametrize("tracker", ["jira", "youtrack"])
@pytest.mark.parametrize("lossy", [False, True], ids=["clean", "half-the-answers-lost"])
def test_a_working_day_fires_each_rule_once_for_the_requests_that_crossed_its_point(
    tmp_path, tracker, lossy
):
    port = free_port()
    with start_sandbox(tracker=tracker, scenario="demo") as sb, smtp_server(port) as inbox:
        sim = [sb.now]
        sb.set_clock(lambda: sim[0])
        app = _app(sb, tmp_path, lambda: sim[0], port)
        first = app.runner().sync_since()  # takes stock: what was reached before is not sent
        assert not first.failed, [(o.key, o.error) for o in first.failed]
        keys = [o.key for o in first.issues]
        below_half, breached_before = _standing(app, keys, 0.5)
        assert _escalation_comments(sb) == Counter() and inbox.messages == []

        sim[0] = sb.now + timedelta(days=1)  # Thursday 15:00: nine more business hours
        still_below, breached_now = _standing(app, keys, 0.5)
        at_half, breached = below_half - still_below, breached_now - breached_before
        assert len(at_half) >= 3 and len(breached) >= 3, (at_half, breached)  # the day matters

        if lossy:  # the comment is stored, then the answer is lost (reset after the write)
            fault = {"kind": "drop", "after": True, "probability": 0.5}
            sb.set_faults([{**fault, "method": "POST", "route": COMMENT_ROUTE[tracker]}])
        dry = app.runner().sweep(dry_run=True)
        would = {o.key for o in dry.issues if any("escalation half" in c for c in o.changes)}
        assert would == at_half and _escalation_comments(sb) == Counter()

        swept = app.runner().sweep()
        assert not swept.failed, [(o.key, o.error) for o in swept.failed]
        app.runner().sync_since()
        app.close()
        again = _app(sb, tmp_path, lambda: sim[0], port)  # another process on the same store
        again.runner().sweep()
        again.runner().sync_since()
        again.close()
        sb.set_faults([])

        comments = _escalation_comments(sb)
        assert {key for key, _ in comments} == at_half
        assert set(comments.values()) == {1}, comments  # once, also with answers lost
        assert sorted(m["Subject"].split(":")[0] for m in inbox.to(LEAD)) == sorted(at_half)
        labels = _labels(sb)
        assert {k for k, tags in labels.items() if "sla-escalated" in tags} == breached
        if lossy:
            log = sb.requests(log=True)["log"]
            assert any(e["fault"] for e in log if e["route"] == COMMENT_ROUTE[tracker])
        _assert_mentions(sb, comments)


def _assert_mentions(sb, comments: Counter) -> None:
    issues = {i["key"]: i for i in sb.issues()["issues"]}
    mentioned = 0
    for key, body in comments:
        fields = issues[key]["fields"]
        if sb.tracker == "jira":
            person = fields.get("assignee")
            expected = f"[~accountid:{person['accountId']}] " if person else ""
        else:
            login = fields.get("Assignee")
            expected = f"@{login} " if login else ""
        assert body.startswith(expected + "эскалация"), (key, body)
        mentioned += bool(expected)
    assert mentioned, "the demo assigns most requests: some comment must mention someone"
