"""Issue 11, finding 5c: `explain` prints its times with their zone.

Before, the table was in the calendar's zone (Moscow) and the head said `now=` in UTC,
unmarked: "now 12:00" and a segment "to 15:00" were the same instant.
"""

from __future__ import annotations

from sandbox import start_sandbox
from sync.cli.main import main
from tests.sync.test_check_jira import _config


def test_explain_names_the_zone_and_shows_now_in_it(tmp_path, capsys):
    with start_sandbox(scenario="demo") as sb:
        code = main(
            ["--config", _config(tmp_path, sb), "explain", "SUP-1", "--now", "2026-11-18T12:00:00Z"]
        )
    out = capsys.readouterr().out
    assert code == 0
    head = out.splitlines()[0]
    assert "now=2026-11-18 15:00  (times in Europe/Moscow, UTC+03:00)" in head
    rows = [line for line in out.splitlines() if line.startswith("2026-11-18")]
    assert rows and rows[-1].split()[2:4] == ["2026-11-18", "15:00"]  # the last segment ends now
