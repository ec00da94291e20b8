"""The Dockerfile's promises, checked by parsing it (Docker cannot run here)."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text("utf-8")
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_image_is_slim_python_311_and_installs_the_package_from_the_repo():
    ins = instructions()
    assert re.match(r"python:3\.11(\.\d+)?-slim", dict(ins)["FROM"])
    assert any(i == "RUN" and re.search(r"pip install[^&]* \.(\s|$)", a) for i, a in ins)


def test_runs_as_a_non_root_user():
    users = [a for i, a in instructions() if i == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_healthcheck_hits_healthz_with_python_not_curl():
    (check,) = [a for i, a in instructions() if i == "HEALTHCHECK"]
    assert "/healthz" in check and "python" in check and "urllib" in check
    assert "curl" not in check and "wget" not in check


def test_command_is_sla_sync_run_and_state_lives_on_a_volume():
    ins = instructions()
    cmd = [a for i, a in ins if i in ("CMD", "ENTRYPOINT")]
    argv = [x for a in cmd for x in (json.loads(a) if a.startswith("[") else a.split())]
    assert argv[-2:] == ["sla-sync", "run"]
    env = " ".join(a for i, a in ins if i == "ENV")
    assert "SLA_SYNC_STATE_PATH=/data/sla-sync.sqlite3" in env
    assert "SLA_SYNC_SERVICE__HOST=0.0.0.0" in env
    assert any(i == "VOLUME" and "/data" in a for i, a in ins)


def test_dockerignore_keeps_state_venv_and_git_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text("utf-8").split()
    for entry in (".git", ".venv", "*.sqlite3"):
        assert entry in ignored, entry


def test_example_env_names_only_real_settings(monkeypatch):
    from config.settings import load_settings

    env = {}
    for line in (ROOT / "deploy" / "example.env").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            k, _, v = line.partition("=")
            env[k.strip()] = v.strip()
    assert all(k.startswith("SLA_SYNC_") for k in env)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    settings = load_settings(environ=env)  # raises ConfigError on a misspelt variable
    assert settings.service.jira_webhook_secret is not None
