"""`sla-sync report --open` (the live view's snapshot on the command line) and
`report --group assignee`, over the sandbox's demo scenario after a real pass.

The reference for the open requests is the scenario's hand-written notes (tests/demo_notes).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml

from sandbox import start_sandbox
from sync.cli.main import main
from tests.demo_notes import demo_notes
from tests.sync.sandbox_app import FAST_RETRY, make_app


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo in a sandbox Jira, one pass into a state file at the demo's `now`."""
    tmp = tmp_path_factory.mktemp("open")
    with start_sandbox(scenario="demo") as sb:
        app = make_app(sb, tmp / "state.sqlite3")
        assert not app.runner().sync_since().failed
        app.close()
        cfg = {
            "trackers": [{"name": "sandbox", "url": sb.url, "email": sb.email, "token": sb.token}],
            "state_path": str(tmp / "state.sqlite3"),
            "log_level": "warning",
            "retry": FAST_RETRY.model_dump(),
        }
        path = tmp / "settings.yaml"
        path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
        yield sb, str(path), tmp


def run(demo, capsys, *args: str) -> tuple[int, str, str]:
    sb, config, _ = demo
    code = main(["--config", config, "report", *args, "--now", sb.now.isoformat()])
    out, err = capsys.readouterr()
    return code, out, err


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_open_csv_lists_the_open_requests_by_time_left_as_the_notes_say(demo, capsys):
    code, out, _ = run(demo, capsys, "--open", "--format", "csv")
    assert code == 0
    rows, notes = csv_rows(out), demo_notes()
    assert sorted(r["key"] for r in rows) == sorted(notes)
    lefts = [int(r["left_seconds"]) for r in rows]
    assert lefts == sorted(lefts)
    for r in rows:
        _, hours_left, verdict = notes[r["key"]]
        assert r["breached"] == ("1" if verdict == "BREACHED" else "0"), r["key"]
        assert abs(int(r["left_seconds"]) / 3600 - hours_left) <= 0.5, r["key"]
        assert r["link"] == f"{demo[0].url}/browse/{r['key']}"
    assert {r["assignee"] for r in rows} == {"Анна Смирнова", "Пётр Иванов", "Елена Соколова", ""}


def test_open_table_speaks_the_regulations_words(demo, capsys):
    code, out, _ = run(demo, capsys, "--open")
    assert code == 0
    head, *rest = out.splitlines()
    assert head.startswith("Открытые заявки: SLA на 18.11.2026 15:00 (Europe/Moscow)")
    assert "открыто 29, просрочено 5, под угрозой 8, на паузе 6" in head
    first = next(line for line in rest if line.startswith("SUP-"))
    assert first.startswith("SUP-35") and "просрочена" in first and "просрочено на" in first
    assert "Соблюдение сроков по приоритетам и линиям" in out


def test_open_filters_and_groups_by_assignee(demo, capsys):
    _, out, _ = run(demo, capsys, "--open", "--format", "csv", "--priority", "Критический")
    assert {r["priority"] for r in csv_rows(out)} == {"critical"}
    _, out, _ = run(demo, capsys, "--open", "--format", "csv", "--assignee", "пётр иванов")
    assert {r["assignee"] for r in csv_rows(out)} == {"Пётр Иванов"}
    _, out, _ = run(demo, capsys, "--open", "--group", "assignee")
    people = ("Анна Смирнова", "Пётр Иванов", "Елена Соколова", "не назначен")
    sections = [line for line in out.splitlines() if line.startswith(people) and line[-1] == ")"]
    assert len(sections) == 4
    assert [s.rsplit(" (", 1)[0] for s in sections][-1] == "не назначен"  # nobody's last
    assert any(s.startswith("Елена Соколова (") for s in sections)


def test_open_html_is_the_page_without_reload_or_links_into_the_service(demo, capsys):
    out = Path(demo[2]) / "open.html"
    code, _, err = run(demo, capsys, "--open", "--format", "html", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert code == 0 and f"wrote {out}" in err
    assert 'class="breached"' in text and "<script" not in text
    assert 'http-equiv="refresh"' not in text and 'href="live/' not in text


def test_open_without_a_state_store_says_what_to_do(tmp_path, capsys):
    cfg = {
        "trackers": [{"name": "t", "url": "https://jira.example.com", "email": "a@b.c",
                      "token": "t0k"}],
        "state_path": str(tmp_path / "none.sqlite3"),
    }  # fmt: skip
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    assert main(["--config", str(path), "report", "--open"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "state_path" in err and "sla-sync sync" in err
    assert not (tmp_path / "none.sqlite3").exists()  # nothing was created


def test_open_refuses_a_window(demo, capsys):
    code, _, err = run(demo, capsys, "--open", "--since", "2026-11-01")
    assert code == 2 and "--since" in err


def test_closed_report_by_assignee_has_the_same_totals_as_by_customer(demo, capsys):
    window = ("--since", "2026-11-01", "--until", "2026-11-30", "--format", "csv")
    _, by_customer, _ = run(demo, capsys, *window)
    code, by_assignee, _ = run(demo, capsys, *window, "--group", "assignee")
    assert code == 0
    ours, theirs = csv_rows(by_assignee), csv_rows(by_customer)
    assert list(ours[0])[:2] == ["tracker", "assignee"]  # the customer report's, regrouped
    assert {r["assignee"] for r in ours} >= {"Пётр Иванов", "Елена Соколова", "all"}
    # Grouping by someone else changes the rows, never the totals.
    figures = list(theirs[0])[7:]
    assert [ours[-1][f] for f in figures] == [theirs[-1][f] for f in figures]
    code, _, err = run(demo, capsys, *window, "--group", "assignee", "--policy", "x.yaml")
    assert code == 2 and "--group assignee" in err
