"""The acknowledgement comment on a new request (regulation section 3), against the sandbox."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import requests
import yaml

from config.regulation import default_regulation_path
from sandbox import start_sandbox
from tests.sync.sandbox_app import make_app

FIELDS = {"Заказчик": "Магнит", "Линия поддержки": "1"}


def scenario() -> dict:
    """Two requests that exist before sla-sync's first pass (one of them fresh)."""
    return {
        "project": {"key": "SUP", "name": "Support"},
        "issues": [
            {"key": "SUP-1", "created": "now-20d", "fields": {"priority": "Высокий", **FIELDS}},
            {"key": "SUP-2", "created": "now-1h", "fields": {"priority": "Средний", **FIELDS}},
        ],
    }


def create_issue(sb, priority: str = "Критический") -> str:
    """A request registered now, the way a service desk would create it."""
    resp = requests.post(
        f"{sb.url}/rest/api/2/issue",
        json={
            "fields": {
                "project": {"key": "SUP"},
                "summary": "Касса не пробивает чеки",
                "issuetype": {"name": "Запрос"},
                "priority": {"name": priority},
            }
        },
        headers=sb.headers(human=True),
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()["key"]


def comments(sb, key: str) -> list[str]:
    issue = next(i for i in sb.issues()["issues"] if i["key"] == key)
    return [c["body"] for c in issue["comments"]]


@pytest.fixture
def env(tmp_path):
    with start_sandbox(scenario=scenario()) as sb:
        app = make_app(sb, tmp_path / "state.sqlite3", clock=lambda: datetime.now(UTC))
        yield sb, app, app.runner()
        app.close()


def test_the_first_pass_over_an_existing_project_acknowledges_nothing(env):
    sb, _app, runner = env
    report = runner.sync_since()
    assert not report.failed
    assert comments(sb, "SUP-1") == [] and comments(sb, "SUP-2") == []


def test_a_new_request_is_acknowledged_once_with_number_time_priority_line_target_due(env):
    sb, app, runner = env
    runner.sync_since()
    key = create_issue(sb)
    report = runner.sync_since()
    assert not report.failed
    [text] = comments(sb, key)
    assert text.startswith(f"Заявка {key} зарегистрирована ")
    assert "Приоритет: Критический, 1, 2 линии" in text
    assert "Срок решения: 6 рабочих ч, до " in text and "MSK" in text
    for _ in range(2):
        runner.sync_since()
    runner.recompute(key)
    assert len(comments(sb, key)) == 1
    assert app.store.notice("sandbox", key, "ack").state == "sent"


def test_a_request_registered_long_before_it_is_first_seen_is_not_acknowledged(env):
    sb, _app, runner = env
    runner.sync_since()
    key = create_issue(sb)
    later = datetime.now(UTC) + timedelta(days=2)  # first seen two days after registration
    runner.clock = lambda: later
    runner.fx = dataclasses.replace(runner.fx, clock=runner.clock)
    runner.sync_since()
    assert comments(sb, key) == []


class Killed(BaseException):
    """The process dies here."""


def test_a_crash_between_posting_and_marking_does_not_post_twice(env, tmp_path):
    sb, app, runner = env
    runner.sync_since()
    key = create_issue(sb)
    mark = app.store.mark_notice

    def die_after_post(tracker, key_, event, state, at_us, **kw):
        if state == "sent":
            raise Killed
        return mark(tracker, key_, event, state, at_us, **kw)

    app.store.mark_notice = die_after_post
    with pytest.raises(Killed):
        runner.sync_since()
    assert len(comments(sb, key)) == 1
    app.close()
    # A new process on the same state file: the intent says "sending", the comment is there.
    restarted = make_app(sb, tmp_path / "state.sqlite3", clock=lambda: datetime.now(UTC))
    report = restarted.runner().sync_since()
    assert not report.failed
    assert len(comments(sb, key)) == 1
    assert restarted.store.notice("sandbox", key, "ack").state == "sent"
    restarted.close()


def test_dry_run_lists_the_acknowledgement_without_posting_it(env):
    sb, app, runner = env
    runner.sync_since()
    key = create_issue(sb, "Низкий")
    dry = runner.sync_since(dry_run=True)
    [o] = [o for o in dry.issues if o.key == key]
    assert o.outcome == "would-write"
    [line] = [c for c in o.changes if c.startswith("acknowledgement comment: ")]
    assert f"Заявка {key} зарегистрирована" in line and "75 рабочих ч" in line
    assert comments(sb, key) == [] and app.store.notice("sandbox", key, "ack") is None


def test_acknowledgement_can_be_switched_off_in_the_regulation(tmp_path):
    data = yaml.safe_load(default_regulation_path().read_text(encoding="utf-8"))
    data["notifications"]["acknowledgement"]["enabled"] = False
    path = tmp_path / "regulation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with start_sandbox(scenario=scenario()) as sb:
        app = make_app(sb, tmp_path / "s.sqlite3", clock=lambda: datetime.now(UTC), regulation=path)
        app.runner().sync_since()
        key = create_issue(sb)
        app.runner().sync_since()
        assert comments(sb, key) == []
        app.close()
