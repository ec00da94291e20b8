"""`sla-sync report` over the sandbox's demo scenario, against figures worked out by hand.

Calendar: Mon-Fri 09:00-18:00 Europe/Moscow, Wednesday 2026-11-04 a holiday (Unity Day).
Targets, business hours (lines 1-2 / 3): Critical 6/12, High 15/30, Medium 30/60, Low 75/150.
The demo's now is Wednesday 2026-11-18 15:00, so day-N = N calendar days before the 18th.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from config.regulation import default_regulation_path, load_regulation
from sandbox import start_sandbox
from sla import Line, Priority, RequestType
from sync.binding import connect
from sync.cli.main import main
from sync.report.aggregate import GroupKey, closed_requests, flips, group
from sync.report.collect import collect
from tests.sync.sandbox_app import FAST_RETRY, tracker_settings

MSK = ZoneInfo("Europe/Moscow")
OCT_1 = datetime(2026, 10, 1, tzinfo=MSK)
DEC_1 = datetime(2026, 12, 1, tzinfo=MSK)
REGULATION = load_regulation()


@pytest.fixture(scope="module")
def demo():
    with start_sandbox(scenario="demo") as sb:
        binding = connect(tracker_settings(sb), FAST_RETRY)
        got = collect([binding], OCT_1, DEC_1)
        assert not got.failed
        yield sb, got.timelines


@pytest.fixture(scope="module")
def closed(demo):
    sb, timelines = demo
    return {r.key: r for r in closed_requests(timelines, REGULATION.policies, OCT_1, sb.now)}


def test_hand_worked_requests_have_the_expected_counted_hours_and_outcome(closed):
    # SUP-4 (Critical, 1-2): Mon 9 Nov 16:00-18:00 = 2 h, Tue 10 Nov 09:00-17:00 = 8 h;
    #   10 h > 6 h -> breached when 6 h were reached: 2 h Monday + 4 h Tuesday = 10 Nov 13:00.
    # SUP-8 (Medium, 1-2): Tue 3 Nov 10:00-17:00 = 7 h counted; Уточнение from 17:00, when the
    #   pre-holiday Tuesday ends (ТК РФ ст. 95), Wed 4 Nov holiday (0 h), Thu 5 Nov 09:00-11:00
    #   (2 h) = 2 h paused; then Thu 11:00-18:00 7 h + Fri 6 Nov 9 h + Mon 9 Nov 09:00-12:00
    #   3 h = 19 h; 7 + 19 = 26 h <= 30 h -> met.
    # SUP-16 (High, 1-2): Tue 10 Nov 09:00-16:00 = 7 h; closed until Wed 10:00 (not counted);
    #   Wed 10:00-13:00 = 3 h; Уточнение Wed 13:00-18:00 = 5 h paused; Thu 12 Nov 09:00-17:00
    #   = 8 h; 7 + 3 + 8 = 18 h > 15 h -> breached.
    # SUP-39 (Low, line 3): Wed 21 Oct 09:00 to Fri 13 Nov 17:00: full working days Oct 21-23 (3),
    #   Oct 26-30 (5), Nov 2 (1), Nov 5-6 (2), Nov 9-12 (4) = 15 x 9 h = 135 h, + 8 h on the
    #   pre-holiday Tue 3 Nov, + 8 h on the 13th = 151 h > 150 h -> breached at 13 Nov 16:00.
    # SUP-44 (High, 1-2): created on the 4 Nov holiday 12:00, so counting starts Thu 5 Nov 09:00:
    #   9 h Thursday + 09:00-17:00 Friday 8 h = 17 h > 15 h; 15 h reached Fri 6 Nov 15:00.
    expected = {
        "SUP-4": (10.0, 0.0, True, datetime(2026, 11, 10, 13, tzinfo=MSK)),
        "SUP-8": (26.0, 2.0, False, None),
        "SUP-16": (18.0, 5.0, True, datetime(2026, 11, 12, 14, tzinfo=MSK)),
        "SUP-39": (151.0, 0.0, True, datetime(2026, 11, 13, 16, tzinfo=MSK)),
        "SUP-44": (17.0, 0.0, True, datetime(2026, 11, 6, 15, tzinfo=MSK)),
    }
    for key, (counted, paused, breached, breached_at) in expected.items():
        r = closed[key].result
        assert r.elapsed_hours == counted, key
        assert r.paused_seconds / 3600 == paused, key
        assert r.breached is breached, key
        assert r.breached_at == breached_at, key
    # SUP-16's breach: 7 h Tuesday + 3 h Wednesday = 10 h; 5 more h on Thursday -> 14:00.


def test_demo_window_holds_the_closed_requests_only(closed):
    # Closed in Oct-Nov and still closed at now: 21 requests; SUP-17 and SUP-49 were closed
    # and reopened before now, so they are not closed in the window.
    assert len(closed) == 21
    assert "SUP-17" not in closed and "SUP-49" not in closed
    assert {k for k, r in closed.items() if r.withdrawn} == {"SUP-18", "SUP-19", "SUP-37"}
    assert {k for k, r in closed.items() if r.month == "2026-10"} == {"SUP-23", "SUP-24", "SUP-38"}


def test_vkusvill_high_november_group_matches_the_hand_worked_figures(closed):
    # SUP-31 (defect): Fri 6 Nov 10:00-18:00 = 8 h + Mon 9 Nov 09:00-15:00 = 6 h = 14 h, met.
    # SUP-44 (query): 17 h, breached (above). SUP-37 (query): withdrawn, not judged.
    # compliance = 1 / (1 + 1) = 50 %; median (14 + 17) / 2 = 15.5 h;
    # p90: rank (2 - 1) * 0.9 = 0.9 -> 14 + 0.9 * (17 - 14) = 16.7 h; no clarification: 0 %.
    stats = group(closed.values())[GroupKey("ВкусВилл", 1, Line.L1_2, "2026-11")]
    assert (stats.closed, stats.withdrawn, stats.met, stats.breached) == (3, 1, 1, 1)
    assert stats.compliance == 50.0
    assert stats.median_hours == 15.5
    assert stats.p90_hours == pytest.approx(16.7)
    assert stats.clarification_share == 0.0
    assert stats.type_figures(RequestType.DEFECT) == (1, 1)
    assert stats.type_figures(RequestType.QUERY) == (0, 1)


def test_lenta_medium_november_group_matches_the_hand_worked_figures(closed):
    # SUP-8: 26 h counted, 2 h paused (above). SUP-47: Mon 16 Nov 11:00-18:00 = 7 h +
    # Tue 17 Nov 09:00-16:00 = 7 h = 14 h (line 1 -> 2 keeps the lines 1-2 column), met.
    # median 20 h; p90 14 + 0.9 * 12 = 24.8 h; clarification 2 / (26 + 14 + 2) = 4.76 %.
    stats = group(closed.values())[GroupKey("Лента", 2, Line.L1_2, "2026-11")]
    assert (stats.met, stats.breached, stats.compliance) == (2, 0, 100.0)
    assert (stats.median_hours, stats.p90_hours) == (20.0, pytest.approx(24.8))
    assert stats.clarification_share == pytest.approx(100 * 2 / 42)


def _whatif_file(tmp_path: Path, **changes) -> Path:
    data = yaml.safe_load(default_regulation_path().read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key == "high":
            data["metrics"][0]["targets"]["high"] = value
        else:
            data[key] = value
    path = tmp_path / "whatif.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_whatif_with_a_20_hour_high_target_flips_the_two_late_high_requests(demo, closed, tmp_path):
    # High 1-2 target 15 -> 20 h: SUP-16 (18 h) and SUP-44 (17 h) become met; SUP-7 (13 h)
    # and SUP-31 (14 h) were met already; no other priority changes.
    sb, timelines = demo
    other = load_regulation(_whatif_file(tmp_path, high={"1-2": 20, "3": 30})).policies
    changed = flips(list(closed.values()), closed_requests(timelines, other, OCT_1, sb.now))
    assert [(f.key, f.direction) for f in changed] == [
        ("SUP-16", "breached → met"),
        ("SUP-44", "breached → met"),
    ]


def test_whatif_with_a_24x7_calendar_breaks_requests_that_crossed_a_night(demo, closed, tmp_path):
    # 24x7: SUP-31 runs Fri 6 Nov 10:00 -> Mon 9 Nov 15:00 = 77 wall-clock hours > 15 h.
    sb, timelines = demo
    cal = {"timezone": "Europe/Moscow", "always_open": True}
    other = load_regulation(_whatif_file(tmp_path, calendar=cal)).policies
    by_key = {r.key: r for r in closed_requests(timelines, other, OCT_1, sb.now)}
    assert by_key["SUP-31"].result.elapsed_hours == 77.0
    changed = {f.key: f.direction for f in flips(list(closed.values()), by_key.values())}
    assert changed["SUP-31"] == "met → breached"
    assert by_key["SUP-3"].result.priority is Priority.CRITICAL and "SUP-3" not in changed


def _config(sb, tmp_path: Path) -> str:
    cfg = {
        "trackers": [{"name": "sandbox", "url": sb.url, "email": sb.email, "token": sb.token}],
        "state_path": str(tmp_path / "state.sqlite3"),
        "log_level": "warning",
        "retry": FAST_RETRY.model_dump(),
    }
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return str(path)


def test_report_cli_whatif_prints_both_tables_and_never_writes_to_the_tracker(
    demo, tmp_path, capsys
):
    sb, _ = demo
    before = sb.issues(stable=True)
    sb.reset_requests()
    policy = _whatif_file(tmp_path, high={"1-2": 20, "3": 30})
    args = ["--config", _config(sb, tmp_path), "report", "--since", "2026-11-01"]
    args += ["--until", "2026-11-30", "--now", sb.now.isoformat(), "--policy", str(policy)]
    assert main([*args, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "regulation %" in out and "whatif %" in out
    assert "SUP-16" in out and "breached → met" in out
    writes = [
        c
        for c in sb.requests()["counts"]
        if c["method"] in ("PUT", "DELETE")
        or (c["method"] == "POST" and not c["route"].endswith("/changelog/bulkfetch"))
    ]
    assert writes == []  # bulkfetch is a POST that only reads changelogs
    assert sb.issues(stable=True) == before


def test_report_cli_csv_and_html_files_for_one_customer(demo, tmp_path, capsys):
    sb, _ = demo
    base = ["--config", _config(sb, tmp_path), "report", "--since", "2026-10-01"]
    base += ["--until", "2026-11-30", "--now", sb.now.isoformat(), "--customer", "вкусвилл"]
    assert main([*base, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # Stable codes for spreadsheets, the regulation's words beside them.
    assert lines[0].startswith("tracker,customer,priority,priority_label,line,line_label,month,")
    assert lines[1] == (
        ',ВкусВилл,high,Высокий,1-2,"1, 2 линии",2026-11,3,1,1,1,50.0,15.50,16.70,0.0,1/1,0/1'
    )
    out = tmp_path / "report.html"
    assert main([*base, "--format", "html", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "SUP-44" in text and "<script" not in text


def test_explain_html_draws_the_strip_of_one_request(demo, tmp_path):
    sb, _ = demo
    out = tmp_path / "sup2.html"
    args = ["--config", _config(sb, tmp_path), "explain", "SUP-2", "--now", sb.now.isoformat()]
    assert main([*args, "--html", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert 'class="strip"' in text and "target 12 h" in text
