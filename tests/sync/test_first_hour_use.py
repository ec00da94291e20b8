"""The first hour on one's own tracker (issue 14), findings 5-8: dates, trackers, words, errors."""

from __future__ import annotations

import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import structlog

from sandbox import start_sandbox
from sync.cli.dates import parse_when
from sync.cli.main import main
from sync.cli.progress import Progress, count_reads
from sync.errors import UsageError
from tests.sync.first_hour import tracker_entry, write_config

MSK = ZoneInfo("Europe/Moscow")
NOW = "2026-11-18T15:00:00+03:00"  # the demo scenario's now


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2026-11-01", False, datetime(2026, 11, 1, tzinfo=MSK)),
        ("2026-11-30", True, datetime(2026, 12, 1, tzinfo=MSK)),  # --until includes its day
        ("01.11.2026", False, datetime(2026, 11, 1, tzinfo=MSK)),
        ("2026-11-01 10:00", False, datetime(2026, 11, 1, 10, tzinfo=MSK)),
        ("2026-11-01T10:00", True, datetime(2026, 11, 1, 10, tzinfo=MSK)),  # a time is exact
        ("2026-11-01T07:00Z", False, datetime(2026, 11, 1, 10, tzinfo=MSK)),
    ],
)
def test_5_one_parser_reads_every_date_form_in_the_regulations_zone(text, end, expected):
    assert parse_when(text, "--since", MSK, end=end) == expected


def test_5_a_wrong_date_lists_the_accepted_forms():
    with pytest.raises(UsageError) as err:
        parse_when("1 Nov", "--since", MSK)
    assert str(err.value) == (
        "--since: '1 Nov' is not a date or a time; use YYYY-MM-DD (a whole day), "
        "YYYY-MM-DD HH:MM (in Europe/Moscow) or an ISO-8601 instant with an offset, "
        "e.g. 2026-11-01T10:00+03:00"
    )


def test_5_report_takes_the_dotted_and_the_local_forms_on_the_command_line(
    clean_env, tmp_path, capsys
):
    with start_sandbox(scenario="demo") as sb:
        cfg = write_config(tmp_path / "sla-sync.yaml", tracker_entry(sb))
        base = ["--config", cfg, "report", "--until", "2026-11-30", "--now", NOW]
        assert main([*base, "--since", "01.11.2026"]) == 0
        assert "2026-11-01 00:00" in capsys.readouterr().out
        assert main([*base, "--since", "2026-11-01 10:00"]) == 0
        assert "2026-11-01 10:00" in capsys.readouterr().out
        assert main([*base, "--since", "soon"]) == 2
        assert "use YYYY-MM-DD" in capsys.readouterr().err


def _ops_scenario() -> dict:
    """A second Jira whose project is OPS: one request, registered and closed in November."""
    return {
        "now": NOW,
        "project": {"key": "OPS", "name": "Operations"},
        "issues": [
            {
                "key": "OPS-1",
                "summary": "Отчёт не строится",
                "issuetype": "Запрос",
                "created": "2026-11-16T10:00:00+03:00",
                "fields": {"priority": "Высокий", "Заказчик": "Лента", "Линия поддержки": "1"},
                "history": [
                    {"at": "2026-11-16T11:00:00+03:00", "set": {"status": "В работе"}},
                    {
                        "at": "2026-11-16T15:00:00+03:00",
                        "set": {"status": "Выполнено", "resolution": "Решена"},
                    },
                ],
            }
        ],
    }


def test_6_two_trackers_explain_finds_the_key_report_groups_sync_takes_tracker(
    clean_env, tmp_path, capsys
):
    with start_sandbox(scenario="demo") as sup, start_sandbox(scenario=_ops_scenario()) as ops:
        cfg = write_config(
            tmp_path / "sla-sync.yaml",
            tracker_entry(sup, "support"),
            tracker_entry(ops, "ops", scope="project = OPS"),
        )
        # explain finds the tracker by the key's project; no --tracker needed.
        assert main(["--config", cfg, "explain", "OPS-1", "--now", NOW, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["key"] == "OPS-1"
        assert main(["--config", cfg, "explain", "SUP-16", "--now", NOW, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["key"] == "SUP-16"
        # report: rows per tracker, and the closing row says the trackers are combined.
        report = ["report", "--since", "2026-11-01", "--until", "2026-11-30", "--now", NOW]
        assert main(["--config", cfg, *report, "--lang", "en"]) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[1].split()[0] == "tracker"
        assert "all (trackers combined: support + ops)" in out
        assert any(line.startswith("ops ") and "High" in line for line in out.splitlines())
        # sync and check take --tracker: only that tracker is touched.
        assert main(["--config", cfg, "check", "--tracker", "ops"]) == 0
        assert "support" not in capsys.readouterr().out
        assert main(["--config", cfg, "sync", "--tracker", "ops"]) == 0
        assert "ops: 1 issues, wrote 1" in capsys.readouterr().out
        assert sup.count("PUT", "/rest/api/{v}/issue/{key}") == 0
        for command in ("sync", "check", "run", "report"):
            extra = (
                ["--since", "2026-11-01", "--until", "2026-11-30"] if command == "report" else []
            )
            assert main(["--config", cfg, command, "--tracker", "nope", *extra]) == 2
            err = capsys.readouterr().err
            assert "--tracker: no tracker named 'nope'; configured: support, ops" in err


def test_6_a_key_in_two_trackers_asks_for_the_tracker_by_its_flag(clean_env, tmp_path, capsys):
    with start_sandbox(scenario="demo") as a, start_sandbox("youtrack", scenario="demo") as b:
        cfg = write_config(
            tmp_path / "sla-sync.yaml", tracker_entry(a, "jira"), tracker_entry(b, "yt")
        )
        assert main(["--config", cfg, "explain", "SUP-16", "--now", NOW]) == 2
        err = capsys.readouterr().err.strip()
        assert err == "sla-sync: --tracker: SUP-16 is in several trackers (jira, yt); name one"
        assert main(["--config", cfg, "explain", "SUP-16", "--tracker", "yt", "--now", NOW]) == 0


def test_7_example_accepts_the_regulations_words(tmp_path, capsys):
    requests = tmp_path / "requests.yaml"
    requests.write_text(
        "now: 2024-11-27T15:00:00+03:00\n"
        "requests:\n"
        "  - key: R-1\n"
        "    registered: 2024-11-22T15:00:00+03:00\n"
        "    priority: Высокий\n"
        "    status: Создана\n"
        "    line: 3 линия\n"
        "    history:\n"
        "      - {at: 2024-11-22T17:00:00+03:00, status: Уточнение}\n"
        "      - {at: 2024-11-26T10:00:00+03:00, status: В работе}\n",
        encoding="utf-8",
    )
    assert main(["example", str(requests), "--json"]) == 0
    (r,) = json.loads(capsys.readouterr().out)
    assert (r["priority"], r["line"], r["priority_label"]) == ("high", "3", "Высокий")
    assert r["paused_seconds"] > 0  # Уточнение paused the clock
    assert main(["example", str(requests)]) == 0
    assert "Высокий" in capsys.readouterr().out


def test_7_html_speaks_one_language_and_says_which(clean_env, tmp_path, capsys):
    with start_sandbox(scenario="demo") as sb:
        cfg = write_config(tmp_path / "sla-sync.yaml", tracker_entry(sb))
        base = ["--config", cfg, "report", "--since", "2026-11-01", "--until", "2026-11-30"]
        base += ["--now", NOW, "--format", "html", "--out"]
        assert main([*base, str(tmp_path / "ru.html")]) == 0
        assert main([*base, str(tmp_path / "en.html"), "--lang", "en"]) == 0
    ru = (tmp_path / "ru.html").read_text(encoding="utf-8")
    en = (tmp_path / "en.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in ru and "Нарушенные заявки" in ru and "Высокий" in ru
    assert '<html lang="en">' in en and "Breached requests" in en and "High" in en
    assert "Высокий" not in en


def test_8_a_wrong_port_says_cannot_connect_at_once(clean_env, tmp_path, capsys):
    import socket

    with socket.socket() as s:  # bound, not listening: connections are refused
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
        entry = {"name": "jira", "url": url, "email": "a@b.c", "token": "api-token-0123456789"}
        cfg = write_config(tmp_path / "sla-sync.yaml", entry)
        assert main(["--config", cfg, "sync"]) == 1
    err = capsys.readouterr().err
    assert f"cannot connect to {url}: connection refused" in err
    assert "retry later" not in err and "overloaded" not in err


def test_8_progress_replaces_the_per_issue_lines_on_a_terminal(tmp_path):
    from rich.console import Console

    from tests.fakes import memory_tracker
    from tests.passes.conftest import URL, World  # noqa: F401  (the memory world's URL)

    screen = io.StringIO()
    logged = io.StringIO()
    from sync.logs import configure_logging

    configure_logging("console", "info", stream=logged)
    tracker = memory_tracker.MemoryTracker(lambda: datetime(2026, 11, 16, 10, tzinfo=MSK))
    for i in range(3):
        tracker.add(f"M-{i}", datetime(2026, 11, 16, 9, tzinfo=MSK))
    memory_tracker.register(URL, tracker)
    try:
        from config.settings import Settings, TrackerSettings
        from sync.composition import App

        settings = Settings(
            state_path=tmp_path / "s.sqlite3",
            trackers=[TrackerSettings(name="mem", kind="memory", url=URL, scope="all")],
            closed_lookback_days=None,
        )
        app = App(settings, clock=lambda: datetime(2026, 11, 16, 10, tzinfo=MSK))
        runner = app.runner()  # its logger is bound before the live line starts, as adapters'
        console = Console(file=screen, force_terminal=True, width=100)
        with Progress("syncing", enabled=True, console=console) as progress:
            count_reads(runner.b, lambda n: progress.read("mem", n))
            runner.on_issue = progress.issue
            progress.start("mem")
            runner.sync_since()
        app.close()
    finally:
        memory_tracker.unregister()
        structlog.reset_defaults()
    assert progress.counts["mem"]["read"] == 3 and progress.counts["mem"]["written"] == 3
    assert " issue " not in logged.getvalue()  # no log line per issue under the live line
    assert "[info" not in logged.getvalue()
    assert "syncing mem" in screen.getvalue()
