"""The sla-sync command line against the sandbox: exit codes 0/1/2, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import yaml

from sandbox import start_sandbox
from sync.cli.main import main

CONFIG_KEYS = ("SLA_SYNC_CONFIG", "SLA_SYNC_JIRA__URL", "SLA_SYNC_JIRA__TOKEN")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for key in CONFIG_KEYS:
        monkeypatch.delenv(key, raising=False)


def _config(tmp_path, sb, **extra) -> str:
    cfg = {
        "state_path": str(tmp_path / "state.sqlite3"),
        "closed_lookback_days": None,
        "log_format": "json",
        "trackers": [
            {
                "name": "sandbox",
                "url": sb.url,
                "email": sb.email,
                "token": sb.token,
                "scope": "project = SUP",
            }
        ],
        **extra,
    }
    path = tmp_path / "sla-sync.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return str(path)


def _edit(cfg: str, mutate) -> None:
    path = Path(cfg)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_dry_run_prints_old_and_new_values_and_writes_nothing(tmp_path, capsys):
    with start_sandbox(scenario="demo") as sb:
        code = main(["--config", _config(tmp_path, sb), "sync", "--dry-run"])
        out = capsys.readouterr().out
        assert code == 0
        assert "SUP-2:" in out and "SLA breached: — → Yes" in out
        assert "would write 50" in out
        assert sb.count("PUT", "/rest/api/{v}/issue/{key}") == 0


def test_a_failing_issue_is_named_and_the_exit_code_is_1(tmp_path, capsys):
    with start_sandbox(scenario="demo") as sb:
        sb.app.cat.statuses.append({"id": "20000", "name": "Ждёт релиза", "category": "undefined"})
        sb.human_change("SUP-7", {"status": "Ждёт релиза"})
        # The pre-flight sees the unplaceable status; --ignore-check runs the pass anyway.
        code = main(["--config", _config(tmp_path, sb), "sync", "--ignore-check"])
        err = capsys.readouterr().err
        assert code == 1
        assert "--ignore-check: running despite 1 pre-flight error" in err
        assert "FAILED sandbox SUP-7" in err and "Ждёт релиза" in err
        assert sb.count("PUT", "/rest/api/{v}/issue/{key}") == 49


def test_a_wrong_token_stops_with_a_hint_and_never_shows_the_token(tmp_path, capsys):
    with start_sandbox(scenario="demo") as sb:
        cfg = _config(tmp_path, sb)
        _edit(cfg, lambda d: d["trackers"][0].update(token="s3cr3t-wrong-token-value"))
        code = main(["--config", cfg, "sync"])
        captured = capsys.readouterr()
        assert code == 1
        assert "401" in captured.err
        assert "s3cr3t-wrong-token-value" not in captured.err + captured.out


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda d: d["trackers"][0].update(page_size=0), "trackers.0.page_size"),
        (lambda d: d["trackers"][0].pop("token"), "trackers.0"),
        (lambda d: d.update(overlap_minutes="soon"), "overlap_minutes"),
        (lambda d: d.update(pages=3), "pages"),
    ],
)
def test_a_bad_settings_file_exits_2_naming_the_file_and_the_key(tmp_path, capsys, mutate, key):
    with start_sandbox(scenario="demo") as sb:
        cfg = _config(tmp_path, sb)
    _edit(cfg, mutate)
    code = main(["--config", cfg, "sync"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith(f"sla-sync: configuration error: {cfg}: {key}"), err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err


def test_a_bad_regulation_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "regulation.yaml"
    bad.write_text("priorities: {}\n", encoding="utf-8")
    code = main(["--regulation", str(bad), "example", "examples/requests.yaml"])
    assert code == 2
    assert str(bad) in capsys.readouterr().err


def _save(sb, key: str, api: str, path) -> None:
    resp = requests.get(
        f"{sb.url}/rest/api/{api}/issue/{key}",
        params={"expand": "changelog,names"},
        headers=sb.headers(),
        timeout=10,
    )
    resp.raise_for_status()
    path.write_text(resp.text, encoding="utf-8")


@pytest.mark.parametrize("api", ["2", "3"])
def test_explain_file_offline_prints_the_json_object(tmp_path, capsys, api):
    saved = tmp_path / "SUP-2.json"
    with start_sandbox(scenario="demo") as sb:
        _save(sb, "SUP-2", api, saved)
        now = sb.now.isoformat()
    code = main(["explain", "--file", str(saved), "--now", now, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    for key in (
        "key",
        "metric",
        "priority",
        "line",
        "state",
        "target_seconds",
        "elapsed_seconds",
        "paused_seconds",
        "remaining_seconds",
        "breached",
        "breached_at",
        "due_at",
        "at_risk",
        "segments",
    ):
        assert key in out
    assert out["key"] == "SUP-2" and out["priority"] == "critical" and out["line"] == "3"
    assert out["state"] == "running" and out["breached"] is True
    assert out["target_seconds"] == 12 * 3600
    assert {"start", "end", "status", "counted_seconds", "paused"} <= set(out["segments"][0])


def test_explain_file_human_output_has_segments_and_totals(tmp_path, capsys):
    saved = tmp_path / "SUP-7.json"
    with start_sandbox(scenario="demo") as sb:
        _save(sb, "SUP-7", "2", saved)
        now = sb.now.isoformat()
    assert main(["explain", "--file", str(saved), "--now", now]) == 0
    out = capsys.readouterr().out  # in the regulation's words by default
    assert "Уточнение" in out and "на паузе" in out and "elapsed" in out
    assert main(["explain", "--file", str(saved), "--now", now, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Clarification" in out and "paused" in out and "Уточнение" not in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [("{not json", "not JSON"), ('{"key": "X-1"}', "not a Jira issue")],
)
def test_explain_file_that_cannot_be_explained_gets_one_line_and_exit_1(
    tmp_path, capsys, content, expected
):
    bad = tmp_path / "issue.json"
    bad.write_text(content, encoding="utf-8")
    code = main(["explain", "--file", str(bad)])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert expected in err and len(err.splitlines()) == 1


def test_explain_file_with_an_unmapped_priority_names_the_value(tmp_path, capsys):
    saved = tmp_path / "SUP-1.json"
    with start_sandbox(scenario="demo") as sb:
        _save(sb, "SUP-1", "2", saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["fields"]["priority"] = {"id": "77", "name": "Срочно-пресрочно"}
    data["changelog"]["histories"] = []
    saved.write_text(json.dumps(data), encoding="utf-8")
    assert main(["explain", "--file", str(saved)]) == 1
    err = capsys.readouterr().err
    assert "Срочно-пресрочно" in err and "jira.yaml" in err


def test_explain_key_reads_the_issue_from_the_tracker(tmp_path, capsys):
    with start_sandbox(scenario="demo") as sb:
        code = main(
            [
                "--config",
                _config(tmp_path, sb),
                "explain",
                "SUP-2",
                "--now",
                sb.now.isoformat(),
                "--json",
            ]
        )
        out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["key"] == "SUP-2" and out["breached"] is True


def test_check_reports_a_clean_profile_and_the_notification_caveat(tmp_path, capsys):
    with start_sandbox(scenario="demo") as sb:
        code = main(["--config", _config(tmp_path, sb), "check"])
    out = capsys.readouterr().out
    assert code == 0
    assert "signed in as" in out


def test_check_create_fields_creates_the_missing_sla_fields(tmp_path, capsys):
    scenario = {
        "now": "2026-11-18T15:00:00+03:00",
        "custom_fields": [{"name": "Линия поддержки", "type": "select", "options": [1, 2, 3]}],
        "issues": [],
    }
    with start_sandbox(scenario=scenario) as sb:
        cfg = _config(tmp_path, sb)
        code = main(["--config", cfg, "check"])
        before = capsys.readouterr().out
        assert "SLA due" in before
        main(["--config", cfg, "check", "--create-fields"])
        created = capsys.readouterr().out
        names = {
            f["name"]
            for f in requests.get(
                f"{sb.url}/rest/api/2/field", headers=sb.headers(), timeout=10
            ).json()
        }
    assert code == 1 or "warning" in before
    assert "created field" in created
    assert {"SLA due", "SLA state", "SLA breached"} <= names


def test_one_pass_covers_several_trackers_from_one_settings_file(tmp_path, capsys):
    with (
        start_sandbox(scenario="demo") as jira,
        start_sandbox(tracker="youtrack", scenario="demo") as yt,
    ):
        cfg = _config(tmp_path, jira)
        _edit(
            cfg,
            lambda d: d["trackers"].append(
                {
                    "name": "youtrack",
                    "kind": "youtrack",
                    "url": yt.url,
                    "token": yt.token,
                    "scope": "project: SUP",
                }
            ),
        )
        code = main(["--config", cfg, "sync"])
        out = capsys.readouterr().out
    assert code == 0
    assert "sandbox: 50 issues, wrote 50" in out
    assert "youtrack: 50 issues, wrote 50" in out
