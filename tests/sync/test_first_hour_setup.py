"""The first hour on one's own tracker (issue 14), findings 1-4: mistakes must not pass.

A support lead followed the README against her own tracker; each test here is one of the
mistakes she made, and what sla-sync must now say (one line, a documented exit code).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml

from mappings.profile import DEFAULT_JIRA_PROFILE
from sandbox import start_sandbox
from sync.cli.main import main
from tests.sync.first_hour import tracker_entry, write_config

PUT = ("PUT", "/rest/api/{v}/issue/{key}")


def _typo_profile(tmp_path: Path) -> Path:
    text = DEFAULT_JIRA_PROFILE.read_text(encoding="utf-8").replace(
        "    - Уточнение\n", "    - Уточненние\n"
    )
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_1_a_typo_in_the_pause_status_fails_check_and_sync_plans_nothing(
    clean_env, tmp_path, capsys
):
    with start_sandbox(scenario="demo") as sb:
        entry = tracker_entry(sb) | {"profile": str(_typo_profile(tmp_path))}
        cfg = write_config(tmp_path / "sla-sync.yaml", entry)
        assert main(["--config", cfg, "check"]) == 1
        out = capsys.readouterr().out
        # The clock needs a pause status; and the real name one typo away is suggested.
        assert "the clock pauses in clarification, but no Jira status maps to it" in out
        assert "lists 'Уточненние'" in out and "did you mean 'Уточнение'?" in out
        assert main(["--config", cfg, "sync", "--dry-run"]) == 1
        captured = capsys.readouterr()
        assert "paused → running" not in captured.out and "would write" not in captured.out
        assert "nothing written: the pre-flight check found" in captured.err
        assert sb.count(*PUT) == 0


def _without_hours_fields() -> dict:
    raw = yaml.safe_load(_demo_path().read_text(encoding="utf-8"))
    raw["custom_fields"] = [
        {"name": "Линия поддержки", "type": "select", "options": ["1", "2", "3"]},
        {"name": "Заказчик", "type": "select", "options": ["Магнит", "Лента", "Перекрёсток",
                                                          "Пятёрочка", "ВкусВилл"]},
        {"name": "Канал", "type": "select", "options": ["E-mail", "Телефон", "Telegram",
                                                       "WhatsApp"]},
        {"name": "Дата регистрации", "type": "datetime"},
        {"name": "SLA due", "type": "datetime"},
        {"name": "SLA state", "type": "select", "options": ["running", "paused", "stopped"]},
        {"name": "SLA breached", "type": "select", "options": ["Yes", "No"]},
    ]  # fmt: skip
    return raw


def _demo_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("sandbox").joinpath("scenarios", "demo.yaml")))


def test_2_sync_before_check_stops_on_missing_write_fields_and_says_which(
    clean_env, tmp_path, capsys
):
    with start_sandbox(scenario=_without_hours_fields()) as sb:
        cfg = write_config(tmp_path / "sla-sync.yaml", tracker_entry(sb))
        assert main(["--config", cfg, "sync"]) == 1
        err = capsys.readouterr().err
        assert "write.elapsed_hours" in err and "write.remaining_hours" in err
        assert "nothing written" in err and sb.count(*PUT) == 0
        # Overridden on purpose: the pass runs, says so, and the fields count as failures.
        assert main(["--config", cfg, "sync", "--ignore-check"]) == 1
        captured = capsys.readouterr()
        assert "--ignore-check: running despite 2 pre-flight error(s)" in captured.err
        assert "FAILED sandbox write.elapsed_hours" in captured.err
        assert "sandbox: 50 issues, wrote 50, failed 2" in captured.out
        assert sb.count(*PUT) == 50


def test_3_no_configuration_exits_2_with_how_to_start_and_creates_nothing(clean_env, capsys):
    assert main(["check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no configuration" in err and "sla-sync init" in err and "--config" in err
    assert list(clean_env.iterdir()) == []  # no ./sla-sync.sqlite3


def test_3_check_with_a_valid_configuration_creates_no_state_store(clean_env, tmp_path, capsys):
    state = tmp_path / "var" / "lib" / "sla-sync" / "state.sqlite3"  # the README's kind of path
    with start_sandbox(scenario="demo") as sb:
        cfg = write_config(tmp_path / "sla-sync.yaml", tracker_entry(sb), state_path=str(state))
        assert main(["--config", cfg, "check"]) == 0
        assert main(["--config", cfg, "explain", "SUP-2"]) == 0
    capsys.readouterr()
    assert not (tmp_path / "var").exists()


def test_4_a_url_without_its_scheme_is_a_configuration_error(clean_env, tmp_path, capsys):
    entry = {"name": "jira", "url": "cera.atlassian.net", "email": "a@b.c", "token": "tok-12345678"}
    cfg = write_config(tmp_path / "sla-sync.yaml", entry)
    assert main(["--config", cfg, "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"sla-sync: configuration error: {cfg}: trackers.0.url: expected a URL")
    assert "https://" in err and len(err.splitlines()) == 1


def test_4_a_sandbox_on_a_busy_port_says_so(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["sandbox", "--port", str(port)]) == 5  # cannot listen, as for `run`
    err = capsys.readouterr().err.strip()
    assert err == (
        f"sla-sync: cannot listen on 127.0.0.1:{port}: the port is in use (another sandbox?); "
        "choose another --port, or --port 0 for any free one"
    )


def test_4_an_unknown_sandbox_scenario_names_the_option(capsys):
    assert main(["sandbox", "--port", "0", "--scenario", "nosuch"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "sla-sync: --scenario: 'nosuch': no shipped scenario (demo) and no such file"


class _ClosedPipe:
    """Standard output whose reader went away (`| head`)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_4_a_closed_output_pipe_ends_quietly_with_141(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    code = main(["example", "examples/requests.yaml", "--json"])
    monkeypatch.undo()
    assert code == 141
    assert capsys.readouterr().err == ""


def test_4_an_unexpected_error_is_one_line_and_exit_70_with_the_traceback_under_debug(
    monkeypatch, capsys
):
    def boom(*_a, **_k):
        raise KeyError("surprise")

    monkeypatch.setattr("sync.cli.example.plain_timeline", boom)
    assert main(["example", "examples/requests.yaml"]) == 70
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "KeyError" in err and "--debug" in err
    with pytest.raises(KeyError):
        main(["--debug", "example", "examples/requests.yaml"])
