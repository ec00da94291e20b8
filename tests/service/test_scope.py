"""A signed webhook names an issue; sla-sync writes to it only when the scope selects it.

Before: a webhook for OTH-1 (scope `project = SUP`) got 202 and sla-sync wrote SLA fields and
a label on OTH-1. The scope check asks the tracker (the scope query restricted to the key:
`(<scope>) AND key = "X"` in JQL, `(<scope>) and issue id: X` in YouTrack) and remembers it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json

import pytest
from pydantic import SecretStr

from config.settings import Settings, TrackerSettings
from sandbox import load_scenario, start_sandbox
from sync.composition import App
from tests.service.helpers import SECRET, ServiceProcess, settings_yaml, wait_until
from tests.sync.sandbox_app import FAST_RETRY, make_app

OTHER = {
    "key": "OTH-1",
    "summary": "Заявка другого проекта",
    "issuetype": "Запрос",
    "created": "day-1 10:00",
    "fields": {"priority": "Высокий", "Заказчик": "Магнит", "Линия поддержки": "1"},
}


def with_other_project():
    """The demo scenario plus OTH-1, an issue of a project outside the scope."""
    sc = load_scenario("demo")
    return dataclasses.replace(sc, issues=[*sc.issues, OTHER])


def _youtrack_app(sb, tmp_path) -> App:
    tracker = TrackerSettings(
        name="sandbox", kind="youtrack", url=sb.url, token=SecretStr(sb.token), scope="project: SUP"
    )
    settings = Settings(state_path=tmp_path / "yt.sqlite3", trackers=[tracker], retry=FAST_RETRY)
    return App(settings, clock=lambda: sb.now)


@pytest.mark.parametrize(("tracker", "mode"), [("jira", "cloud"), ("jira", "datacenter"),
                                               ("youtrack", "cloud")])  # fmt: skip
def test_the_adapters_answer_whether_the_scope_selects_a_key(tmp_path, tracker, mode):
    with start_sandbox(tracker=tracker, scenario=with_other_project(), mode=mode) as sb:
        app = (
            make_app(sb, tmp_path / "s.sqlite3")
            if tracker == "jira"
            else _youtrack_app(sb, tmp_path)
        )
        b = app.runner().b
        assert b.tracker.in_scope("SUP-1", b.scope) is True
        assert b.tracker.in_scope("OTH-1", b.scope) is False  # exists, other project
        assert b.tracker.in_scope("SUP-999", b.scope) is False  # does not exist
        app.close()


def test_a_webhook_recompute_of_an_issue_outside_the_scope_writes_nothing_and_asks_once(tmp_path):
    with start_sandbox(scenario=with_other_project()) as sb:
        app = make_app(sb, tmp_path / "state.sqlite3")
        runner = app.runner()
        before = next(i for i in sb.issues(stable=True)["issues"] if i["key"] == "OTH-1")
        sb.reset_requests()
        for _ in range(2):
            outcome = runner.recompute("OTH-1", scoped=True)
            assert (outcome.outcome, outcome.error) == ("ignored", "not in the scope")
        log = sb.requests(log=True)["log"]
        assert [e["method"] for e in log if "OTH-1" in e["path"]] == []  # not even read
        assert sum(1 for e in log if "search" in e["route"]) == 1  # the answer is cached
        after = next(i for i in sb.issues(stable=True)["issues"] if i["key"] == "OTH-1")
        assert after == before
        assert runner.recompute("SUP-1", scoped=True).outcome in ("written", "unchanged")
        app.close()


def _signed(key: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"webhookEvent": "jira:issue_updated", "issue": {"key": key}}).encode()
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Hub-Signature": f"sha256={digest}", "Content-Type": "application/json"}


def test_signed_webhooks_outside_the_scope_are_answered_ignored_and_write_nothing(tmp_path):
    with start_sandbox(scenario=with_other_project()) as sb:
        scope = 'project = SUP AND issuetype = "Запрос"'  # SUP-2 is a defect report: outside
        config = settings_yaml(sb, tmp_path / "state.sqlite3")
        config["trackers"][0]["scope"] = scope
        with ServiceProcess(config, tmp_path) as svc:
            wait_until(
                lambda: svc.metric("sla_sync_passes_total", kind="SyncSince", result="ok") >= 1,
                30,
                "the first pass",
            )
            # Another project's issue: known at once from the projects the store holds.
            assert svc.post("/webhooks/jira", *_signed("OTH-1")) == (
                200,
                "ignored: OTH-1 is not in the scope of tracker sandbox\n",
            )
            # A SUP issue the scope query leaves out: queued, then asked and not written.
            status, _ = svc.post("/webhooks/jira", *_signed("SUP-2"))
            assert status == 202
            wait_until(
                lambda: svc.metric("sla_sync_issues_processed_total", outcome="ignored") >= 1,
                15,
                "the worker to check SUP-2's scope",
            )
            status, text = svc.post("/webhooks/jira", *_signed("SUP-2"))
            assert (status, text.split(":")[0]) == (200, "ignored")  # the answer is remembered
            writes = [e["path"] for e in sb.requests(log=True)["log"] if e["method"] != "GET"]
            assert not [p for p in writes if "OTH-1" in p or "SUP-2/" in p or p.endswith("SUP-2")]
            assert svc.terminate() == 0
