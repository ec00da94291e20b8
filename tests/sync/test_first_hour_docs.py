"""Issue 14, finding 9: what the first hour found undocumented or surprising."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from config.settings import (
    RetrySettings,
    ServiceSettings,
    Settings,
    SmtpSettings,
    TrackerSettings,
)
from sandbox import start_sandbox
from sync.cli.main import main
from tests.sync.first_hour import tracker_entry, write_config

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NOW = "2026-11-18T15:00:00+03:00"


@pytest.mark.parametrize(
    "key",
    [
        *Settings.model_fields,
        *TrackerSettings.model_fields,
        *(f"retry.{k}" for k in RetrySettings.model_fields),
    ],
)
def test_9_the_readme_documents_every_setting(key):
    assert f"`{key}`" in README, f"README does not document the setting {key!r}"


@pytest.mark.parametrize(
    "variable",
    [
        *(f"SERVICE__{k.upper()}" for k in ServiceSettings.model_fields),
        *(f"SMTP__{k.upper()}" for k in SmtpSettings.model_fields),
    ],
)
def test_9_the_readme_documents_every_service_and_smtp_variable(variable):
    key = variable.split("__")[1]
    spelled = (f"SLA_SYNC_{variable}`", f"`__{key}`", f"/ `__{key}`")
    assert any(s in README for s in spelled), f"README does not document SLA_SYNC_{variable}"


def test_9_the_readme_names_only_commands_that_exist(capsys):
    from sync.cli.main import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    named = set(re.findall(r"`sla-sync (?:--\S+ \S+ )*([a-z][a-z-]*)", README))
    assert named <= commands, named - commands
    assert "sweep" not in commands and "`sweep`" not in README


def test_9_the_readmes_what_if_file_is_shipped_and_partial(clean_env, tmp_path, capsys):
    partial = yaml.safe_load((ROOT / "examples/high20.yaml").read_text(encoding="utf-8"))
    assert set(partial) == {"metrics"}  # only what differs from the regulation
    with start_sandbox(scenario="demo") as sb:
        cfg = write_config(tmp_path / "sla-sync.yaml", tracker_entry(sb))
        args = ["--config", cfg, "report", "--since", "2026-11-01", "--until", "2026-11-30"]
        args += ["--now", NOW, "--customer", "Лента", "--lang", "en"]
        assert main([*args, "--policy", str(ROOT / "examples/high20.yaml")]) == 0
    out = capsys.readouterr().out
    assert "high20 met/n" in out
    flip = next(line for line in out.splitlines() if line.startswith("SUP-16"))
    assert "breached → met" in flip and "18.00/15 → 18.00/20" in flip


def test_9_webhook_register_twice_leaves_one_webhook_and_cloud_refuses_http(
    clean_env, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("SLA_SYNC_SERVICE__JIRA_WEBHOOK_SECRET", "hook-secret-0123456789")
    with start_sandbox(scenario="demo") as sb:
        cfg = write_config(tmp_path / "sla-sync.yaml", tracker_entry(sb))
        register = ["--config", cfg, "webhook", "register"]
        assert main([*register, "https://sla.example.com"]) == 0
        assert main([*register, "https://sla.example.com"]) == 0
        assert [h["url"] for h in sb.app.webhooks] == ["https://sla.example.com/webhooks/jira"]
        capsys.readouterr()
        assert main([*register, "http://sla.example.com"]) == 2
        err = capsys.readouterr().err
        assert "Jira Cloud delivers webhooks to https:// URLs only" in err
        assert len(sb.app.webhooks) == 1


def test_9_check_names_the_account_as_people_know_it(clean_env, tmp_path, capsys):
    with start_sandbox(scenario="demo") as sb:
        cfg = write_config(tmp_path / "sla-sync.yaml", tracker_entry(sb))
        assert main(["--config", cfg, "check"]) == 0
        account_id = sb.app.cat.users["sla-bot"].account_id
    out = capsys.readouterr().out
    assert "signed in as SLA bot" in out and account_id not in out


def test_9_json_and_html_together_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["explain", "--file", "x.json", "--json", "--html"])
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_9_the_readmes_escalation_example_is_a_valid_rule():
    from config.escalations import Escalation

    blocks = re.findall(r"```yaml\n(.*?)```", README, flags=re.S)
    example = next(yaml.safe_load(b) for b in blocks if b.startswith("escalations:"))
    rules = [Escalation.model_validate(r) for r in example["escalations"]]
    actions = rules[0].actions
    assert rules[0].enabled and [a.email is not None for a in actions] == [0, 1, 0, 0]
