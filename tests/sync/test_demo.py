"""`sla-sync demo` (the README's `make demo`): the whole job on both sandbox trackers."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from sync.cli.main import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("demo") / "out"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["demo", "--out", str(out_dir)])
    return code, printed.getvalue(), out_dir


def test_demo_runs_both_trackers_agrees_and_writes_nothing_on_the_second_pass(demo):
    code, out, _ = demo
    assert code == 0
    assert "Jira and YouTrack give identical SLA figures for all 50 requests: yes" in out
    assert re.findall(r"Pass 1: 50 issues, wrote (\d+)", out) == ["50", "50"]
    second = r"Pass 2 \(nothing changed in the tracker\): 50 issues read again, wrote (\d+)"
    assert re.findall(second, out) == ["0", "0"]


def test_demo_leaves_the_report_a_strip_and_the_live_view_it_points_to(demo):
    _, printed, out_dir = demo
    for name in ("report.html", "SUP-16.html", "live.html"):
        assert str((out_dir / name).resolve()) in printed
    live = (out_dir / "live.html").read_text(encoding="utf-8")
    rows = re.findall(r">(SUP-\d+)</a>", live)
    # The demo's most overdue open request heads the list (due 13.11 16:00, 26 h over).
    assert rows and rows[0] == "SUP-35", rows[:3]
    assert "просрочена" in live and "http-equiv" not in live  # a file: it does not reload
