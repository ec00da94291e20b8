"""The first hour as the README tells it: init -> check -> sync --dry-run -> sync, per sandbox.

`init` reads the running sandbox like a live tracker (over HTTP, with its service account's
token from the environment), writes the settings and the profile draft, and the next commands
use those files unchanged.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from sandbox import start_sandbox
from sync import registry
from sync.cli.main import main
from sync.cli.sandbox import init_command


def _digest(*paths: Path) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def _count(out: str, verb: str) -> int:
    """N of the summary line `<tracker>: 47 issues, <verb> N, failed 0 (0.1 s)`."""
    summary = out.strip().splitlines()[-1]
    assert ", failed 0 (" in summary, summary
    return int(summary.split(f", {verb} ")[1].split(",")[0])


def _init_args(sb) -> tuple[list[str], str]:
    """`init`'s arguments as the sandbox prints them, and the variable holding the token."""
    line = init_command(sb)
    env, _, command = line.partition(" sla-sync ")
    name = env.split("=", 1)[0]
    args = command.replace("'project = SUP'", "PROJECT_EQ").replace(
        "'project: SUP'", "PROJECT_COLON"
    )
    out = [
        {"PROJECT_EQ": "project = SUP", "PROJECT_COLON": "project: SUP"}.get(a, a)
        for a in args.split()
    ]
    return out, name


@pytest.mark.parametrize(
    ("tracker", "mode"), [("jira", "cloud"), ("jira", "datacenter"), ("youtrack", "server")]
)
def test_init_then_check_dry_run_and_sync_with_the_generated_files(
    clean_env, monkeypatch, capsys, tracker, mode
):
    with start_sandbox(tracker, scenario="demo", mode=mode) as sb:
        args, env_name = _init_args(sb)
        monkeypatch.setenv(env_name, sb.token)
        assert main(args) == 0
        out = capsys.readouterr().out
        settings, profile = clean_env / "sla-sync.yaml", clean_env / f"sla-sync.{tracker}.yaml"
        assert f"wrote {settings.name} (settings) and {profile.name}" in out
        assert sb.token not in settings.read_text(encoding="utf-8")  # named, never written
        assert yaml.safe_load(settings.read_text(encoding="utf-8"))["trackers"][0]["profile"]
        before = _digest(settings, profile)

        assert main(["check"]) == 0
        assert "check passed" in capsys.readouterr().out
        assert main(["sync", "--dry-run"]) == 0
        planned = _count(capsys.readouterr().out, "would write")
        assert main(["sync"]) == 0
        assert _count(capsys.readouterr().out, "wrote") == planned > 0
        assert main(["sync"]) == 0
        assert ", wrote 0, failed 0" in capsys.readouterr().out
        assert _digest(settings, profile) == before  # the files were used unchanged


def test_a_draft_with_guesses_passes_check_or_says_exactly_what_is_left(
    clean_env, monkeypatch, capsys
):
    scenario = {
        "now": "2026-11-18T15:00:00+03:00",
        "statuses": [
            {"id": "1", "name": "To Do", "category": "new"},
            {"id": "2", "name": "In Progress", "category": "indeterminate"},
            {"id": "3", "name": "In Review", "category": "indeterminate"},
            {"id": "4", "name": "Done", "category": "done"},
        ],
        "issues": [],
    }
    with start_sandbox("jira", scenario=scenario) as sb:
        args, env_name = _init_args(sb)
        monkeypatch.setenv(env_name, sb.token)
        assert main(args) == 0
        out = capsys.readouterr().out
        # The draft asks: In Review was guessed from its category; nothing waits for the user.
        assert "status 'In Review' guessed in_progress" in out and "never pauses" in out
        assert main(["check"]) == 1
        check = capsys.readouterr().out
        # What is left is exactly that: the clock's pause status has nothing mapped to it.
        errors = [line for line in check.splitlines() if line.startswith("error")]
        assert errors and all("statuses.clarification" in line for line in errors), errors
        assert "unmapped Jira statuses" not in check  # every status is placed
        assert main(["sync", "--dry-run"]) == 1
        assert "nothing written" in capsys.readouterr().err


def test_every_sandbox_kind_prints_an_init_line():
    kinds = [k for k in registry.all_kinds() if k.sandbox]
    assert kinds and all(k.sandbox and k.sandbox.init_command for k in kinds)
