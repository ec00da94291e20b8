"""The HTML report is one well-formed, self-contained file; Chromium renders it when present."""

from __future__ import annotations

import struct
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config.regulation import load_regulation
from sla import Change, Line, Priority, RequestType, Status, Timeline, compute
from sync.report.aggregate import closed_requests, flips
from sync.report.render_html import explain_html, report_html
from sync.report.render_svg import timeline_strip_svg

MSK = ZoneInfo("Europe/Moscow")
REG = load_regulation()
SVG = "{http://www.w3.org/2000/svg}"
CHROMIUM = Path("/usr/bin/chromium")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=MSK)


def _late_critical() -> Timeline:
    # Mon 9 Nov 16:00 -> Tue 10 Nov 17:00: 2 h + 8 h = 10 h counted, target 6 h reached Tue 13:00.
    return Timeline(
        "SUP-4",
        at(9, 16),
        Status.CREATED,
        Priority.CRITICAL,
        Line.L1_2,
        (Change(at(9, 16), status="in_progress"), Change(at(10, 17), status="done")),
        customer="Магнит",
        request_type=RequestType.DEFECT,
    )


def _paused_high() -> Timeline:
    # Thu 12 Nov 10:00-12:00 counted, 12:00-15:00 Уточнение, 15:00-16:00 counted: met.
    changes = (
        Change(at(12, 10), status="in_progress"),
        Change(at(12, 12), status="clarification"),
        Change(at(12, 15), status="in_progress"),
        Change(at(12, 16), status="done", resolution="resolved"),
    )
    return Timeline(
        "SUP-9",
        at(12, 10),
        Status.CREATED,
        Priority.HIGH,
        changes=changes,
        customer="Лента",
        request_type=RequestType.QUERY,
    )


def _requests():
    return closed_requests(
        [_late_critical(), _paused_high()],
        REG.policies,
        at(1, 0),
        datetime(2026, 12, 1, tzinfo=MSK),
    )


def _report() -> str:
    reqs = _requests()
    return report_html(reqs, "SLA report", REG.name_of)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]


def test_report_is_well_formed_and_self_contained():
    text = _report()
    root = ET.fromstring(text.split("\n", 1)[1])  # XML-parsable once the doctype is dropped
    assert root.tag == "html"
    svgs = list(root.iter(f"{SVG}svg"))
    assert [s.get("class") for s in svgs] == ["chart", "strip"]  # chart + one breached strip
    bars = [r for r in svgs[0].iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert {(b.get("data-priority"), b.get("data-month")) for b in bars} == {
        ("critical", "2026-11"),
        ("high", "2026-11"),
    }
    parser = _Tags()
    parser.feed(text)
    assert "script" not in parser.tags and "link" not in parser.tags and parser.refs == []
    assert "style" in parser.tags and "table" in parser.tags


def test_strip_widths_are_proportional_to_counted_over_target_and_off_time():
    (late, _) = _requests()
    svg = ET.fromstring(timeline_strip_svg(late.result, late.policy.calendar, width=776))
    # Axis: Mon 16:00 -> Tue 17:00 = 25 h over 760 px (8 px margins each side).
    px_per_hour = 760 / 25

    def hours(kind: str) -> float:
        rects = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == kind]
        return sum(float(r.get("width")) for r in rects) / px_per_hour

    assert hours("counted") == pytest.approx(6, abs=0.05)  # 2 h Mon + 09:00-13:00 Tue
    assert hours("over") == pytest.approx(4, abs=0.05)  # 13:00-17:00 Tue
    assert hours("off") == pytest.approx(15, abs=0.05)  # the night 18:00-09:00
    (target,) = [el for el in svg.iter(f"{SVG}line") if el.get("class") == "target"]
    assert float(target.get("x1")) == pytest.approx(8 + 21 * px_per_hour, abs=0.05)


def test_strip_of_a_paused_request_shows_the_pause_and_an_unreached_target():
    req = _requests()[1]
    svg = ET.fromstring(timeline_strip_svg(req.result, req.policy.calendar))
    kinds = {r.get("class") for r in svg.iter(f"{SVG}rect")}
    assert {"counted", "paused"} <= kinds and "over" not in kinds
    assert "(not reached)" in "".join(svg.itertext())


def test_whatif_html_shows_both_charts_and_the_flip():
    base = _requests()
    lenient = load_regulation()  # same regulation, but judge SUP-4 as if the target were 12 h
    from dataclasses import replace

    other = [replace(r, result=replace(r.result, breached=False)) for r in base]
    text = report_html(base, "what-if", lenient.name_of, (other, flips(base, other), ("a", "b")))
    root = ET.fromstring(text.split("\n", 1)[1])
    assert [s.get("class") for s in root.iter(f"{SVG}svg")] == ["chart", "chart", "strip"]
    assert "breached → met" in text


def test_explain_html_of_a_running_request_marks_its_due_time():
    t = _late_critical()
    running = Timeline(t.key, t.registered_at, t.status, t.priority, changes=t.changes[:1])
    result = compute(running, REG.policies.default, at(10, 11))  # 2 h + 2 h = 4 of 6 h
    text = explain_html(result, REG.policies.default.calendar, REG.name_of)
    assert "target 6 h (not reached) · 10.11 13:00" in text


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="headless Chromium check: /usr/bin/chromium is not installed"
)
def test_report_renders_in_headless_chromium(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(_report(), encoding="utf-8")
    png = tmp_path / "report.png"
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1000,900",
        f"--screenshot={png}",
        page.as_uri(),
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    assert _png_size(png) == (1000, 900)
    assert png.stat().st_size > 20_000  # a blank page compresses to a few hundred bytes
