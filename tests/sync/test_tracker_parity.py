"""One conformance suite: the demo scenario in Jira and in YouTrack gives identical figures."""

from __future__ import annotations

import json

import pytest
import requests
from pydantic import SecretStr

from config.settings import Settings, TrackerSettings
from sandbox import start_sandbox
from sync.cli.main import main
from sync.composition import App
from sync.report import render_text as render
from tests.sync.sandbox_app import FAST_RETRY, tracker_settings


def _youtrack(sb) -> TrackerSettings:
    return TrackerSettings(
        name="sandbox", kind="youtrack", url=sb.url, token=SecretStr(sb.token), scope="project: SUP"
    )


def _figures(sb, cfg: TrackerSettings, tmp_path) -> dict[str, dict]:
    settings = Settings(
        state_path=tmp_path / f"{cfg.kind}.sqlite3",
        trackers=[cfg],
        retry=FAST_RETRY,
        closed_lookback_days=None,
    )
    app = App(settings, clock=lambda: sb.now)
    report = app.runner().sync_since(dry_run=True, keep_results=True)
    app.close()
    assert not report.failed, [(o.key, o.error) for o in report.failed]
    return {o.key: render.result_json(o.result) for o in report.issues}


def test_demo_scenario_gives_identical_figures_in_jira_and_youtrack(tmp_path):
    with start_sandbox(tracker="jira", scenario="demo") as jira:
        from_jira = _figures(jira, tracker_settings(jira), tmp_path)
    with start_sandbox(tracker="youtrack", scenario="demo") as yt:
        from_youtrack = _figures(yt, _youtrack(yt), tmp_path)
    assert len(from_jira) == 50
    assert from_youtrack.keys() == from_jira.keys()
    for key, figures in from_jira.items():
        assert from_youtrack[key] == figures, key


def test_youtrack_pass_writes_then_writes_nothing(tmp_path):
    with start_sandbox(tracker="youtrack", scenario="demo") as yt:
        settings = Settings(
            state_path=tmp_path / "yt.sqlite3",
            trackers=[_youtrack(yt)],
            retry=FAST_RETRY,
            closed_lookback_days=None,
        )
        app = App(settings, clock=lambda: yt.now)
        runner = app.runner()
        first = runner.sync_since()
        assert first.writes == 50 and not first.failed
        assert runner.sync_since().writes == 0
        app.close()


@pytest.mark.parametrize("key", ["SUP-2", "SUP-8", "SUP-9"])
def test_explain_file_gives_the_same_json_for_both_trackers(tmp_path, capsys, key):
    with start_sandbox(tracker="jira", scenario="demo") as jira:
        resp = requests.get(
            f"{jira.url}/rest/api/2/issue/{key}",
            params={"expand": "changelog,names"},
            headers=jira.headers(),
            timeout=10,
        )
        (tmp_path / "jira.json").write_text(resp.text, encoding="utf-8")
        now = jira.now.isoformat()
    with start_sandbox(tracker="youtrack", scenario="demo") as yt:
        from sync.trackers.youtrack.adapter import YouTrackTracker

        raw = YouTrackTracker.connect(yt.url, yt.token).fetch(key, ())
        export = {"issue": dict(raw.fields), "activities": list(raw.histories)}
        (tmp_path / "yt.json").write_text(json.dumps(export), encoding="utf-8")
    assert main(["explain", "--file", str(tmp_path / "jira.json"), "--now", now, "--json"]) == 0
    jira_out = json.loads(capsys.readouterr().out)
    assert (
        main(
            [
                "explain",
                "--file",
                str(tmp_path / "yt.json"),
                "--tracker",
                "youtrack",
                "--now",
                now,
                "--json",
            ]
        )
        == 0
    )
    yt_out = json.loads(capsys.readouterr().out)
    assert yt_out == jira_out
