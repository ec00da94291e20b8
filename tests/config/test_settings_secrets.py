"""Canary secrets in every misconfiguration: one line, exit 2, the right source, no secret.

Before: the value was hidden only when the key's name contained token/pat/password, so a
misspelt key (`tokn`, `…JIRA_WEBHOOK_SECRT`), `smtp.passwd`, a list-typed secret or a password
in a tracker URL printed the secret; errors from variables were blamed on the YAML file.
"""

from __future__ import annotations

import io
import json
import os

import pytest
import structlog
import yaml

from config.settings import Settings, TrackerSettings
from sync.cli.main import main
from sync.errors import EXIT_CONFIG
from sync.logs import configure_logging
from sync.trackers.http import Redactor

CANARY = "CANARY-7f3a9e"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("SLA_SYNC_"):
            monkeypatch.delenv(name)


def tracker(**extra) -> dict:
    return {
        "name": "t",
        "url": "https://jira.example.com",
        "email": "a@b.c",
        "token": "t0k",
        **extra,
    }


def run(tmp_path, capsys, settings: dict | bytes) -> tuple[int, str]:
    path = tmp_path / "settings.yaml"
    if isinstance(settings, bytes):
        path.write_bytes(settings)
    else:
        base = {"state_path": str(tmp_path / "state.sqlite3")}
        path.write_text(yaml.safe_dump(base | settings, allow_unicode=True), "utf-8")
    code = main(["--config", str(path), "sync"])
    out = capsys.readouterr()
    assert CANARY not in out.out + out.err
    assert "Traceback" not in out.err
    [line] = out.err.strip().splitlines()
    assert line.startswith("sla-sync: configuration error: ")
    return code, line.removeprefix("sla-sync: configuration error: ")


@pytest.mark.parametrize(
    ("settings", "names"),
    [
        ({"trackers": [tracker(tokn=CANARY)]}, "trackers.0.tokn: expected no such setting"),
        ({"trackers": [tracker(token=[CANARY])]}, "trackers.0.token: expected "),
        ({"trackers": [tracker(token={"v": CANARY})]}, "trackers.0.token: expected "),
        ({"smtp": {"host": "smtp.x", "from_address": "a@b.c", "passwd": CANARY}}, "smtp.passwd"),
        ({"service": {"jira_webhook_secret": [CANARY]}}, "service.jira_webhook_secret"),
        (
            {"trackers": [tracker(url=f"https://bot:{CANARY}@jira.example.com")]},
            "trackers.0.url: expected a URL without user:password@",
        ),
    ],
)
def test_a_bad_settings_file_never_echoes_a_secret(tmp_path, capsys, settings, names):
    code, line = run(tmp_path, capsys, settings)
    assert code == EXIT_CONFIG
    assert line.startswith(f"{tmp_path / 'settings.yaml'}: {names}"), line


@pytest.mark.parametrize(
    ("variable", "value", "names"),
    [
        ("SLA_SYNC_SERVICE__JIRA_WEBHOOK_SECRT", CANARY, "service.jira_webhook_secrt"),
        ("SLA_SYNC_TRACKERS", f"not json {CANARY}", "expected valid JSON"),
        ("SLA_SYNC_JIRA__URL", f"https://bot:{CANARY}@jira.example.com", "jira.url"),
        ("SLA_SYNC_SERVICE__PORT", "notaport", "service.port"),
    ],
)
def test_a_bad_variable_is_named_not_blamed_on_the_file(
    tmp_path, capsys, monkeypatch, variable, value, names
):
    monkeypatch.setenv(variable, value)
    if variable == "SLA_SYNC_JIRA__URL":
        monkeypatch.setenv("SLA_SYNC_JIRA__EMAIL", "a@b.c")
        monkeypatch.setenv("SLA_SYNC_JIRA__TOKEN", "t0k")
    # The file has a `service` section too: the port error must still name the variable.
    code, line = run(tmp_path, capsys, {"trackers": [tracker()], "service": {"threads": 2}})
    assert code == EXIT_CONFIG
    assert line.startswith(f"environment {variable}: "), line
    assert names in line


def test_a_secret_with_a_wrong_neighbour_in_the_environment_is_not_echoed(
    tmp_path, capsys, monkeypatch
):
    # A model-level error carries the whole section (password included) as its input.
    monkeypatch.setenv("SLA_SYNC_SMTP__HOST", "smtp.example.com")
    monkeypatch.setenv("SLA_SYNC_SMTP__PASSWORD", CANARY)
    code, line = run(tmp_path, capsys, {"trackers": [tracker()]})
    assert code == EXIT_CONFIG and line.startswith("environment SLA_SYNC_SMTP__*: smtp")
    assert "from_address" in line


def test_a_settings_file_that_is_not_utf8_is_one_line(tmp_path, capsys):
    code, line = run(tmp_path, capsys, b"state_path: \xff\xfe.sqlite3\n")
    assert code == EXIT_CONFIG and "UTF-8" in line


def test_every_secret_is_collected_by_type_for_the_log_mask():
    s = Settings(
        trackers=[TrackerSettings(url="https://j", token=CANARY + "1", pat=CANARY + "2")],
        service={"jira_webhook_secret": CANARY + "3", "youtrack_webhook_secret": CANARY + "4"},
        smtp={"host": "h", "from_address": "a@b.c", "password": CANARY + "5"},
    )
    assert sorted(s.secrets()) == [CANARY + str(n) for n in range(1, 6)]


def test_logs_and_request_lines_mask_url_user_info_and_configured_secrets():
    stream = io.StringIO()
    configure_logging("json", "info", [CANARY], stream=stream)
    structlog.get_logger().warning(
        "x", url=f"https://bot:{CANARY}x@jira.example.com/rest", detail=f"token {CANARY}"
    )
    line = json.loads(stream.getvalue())
    assert line["url"] == "https://***@jira.example.com/rest"
    assert CANARY not in stream.getvalue()
    shown = Redactor()(f"GET https://bot:{CANARY}@jira.example.com/rest/api/2/myself")
    assert shown == "GET https://***@jira.example.com/rest/api/2/myself"
