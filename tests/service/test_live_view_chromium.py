"""The live view as a person sees it: `sla-sync run` over the sandbox Jira and YouTrack (the
demo's 50 requests each), the page rendered by headless Chromium, read back from its DOM and
its screenshot.

The reference is the demo scenario's own notes, written by hand for each request ("at now:
running, ~13 of 12 business h ... -> BREACHED"): which requests are open, breached or at risk,
and about how many hours they have left. The screenshots stay in tests/artifacts/ (desktop
and phone widths) for people to look at.
"""

from __future__ import annotations

import struct
import subprocess
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sandbox import start_sandbox
from tests.demo_notes import demo_notes
from tests.service.helpers import ROOT, SECRET, ServiceProcess, settings_yaml, wait_until

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
TOKEN = "demo-live-token-0123456789"
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="headless Chromium check: /usr/bin/chromium is not installed"
)


class Rows(HTMLParser):
    """The table rows Chromium's DOM holds: their attributes and the text of each cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and a.get("data-key"):
            self.rows.append({**a, "cells": {}})
        elif tag == "td" and self.rows and a.get("data-label"):
            self._cell = a["data-label"]
            self.rows[-1]["cells"][self._cell] = ""
        elif tag == "a" and self.rows and self._cell:
            self.rows[-1].setdefault("links", []).append(a.get("href"))

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None

    def handle_data(self, data):
        if self._cell and self.rows:
            self.rows[-1]["cells"][self._cell] += data


def chromium(profile: Path, *args: str) -> str:
    cmd = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(cmd, check=True, capture_output=True, timeout=90, text=True).stdout


def png_size(png: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def pixel_rows(png: Path) -> Iterator[list[tuple[int, int, int]]]:
    """The pixel rows (RGB) of an 8-bit non-interlaced PNG as Chromium writes it, top down."""
    data = png.read_bytes()
    pos, idat, head = 8, b"", None
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos : pos + 4]), data[pos + 4 : pos + 8]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", data[pos + 8 : pos + 8 + length])
        elif kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    assert head is not None
    width, height, depth, colour, _, _, interlace = head
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):  # the five PNG filters (RFC 2083, 6.2-6.6)
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        yield [tuple(line[i : i + 3]) for i in range(0, stride, bpp)]
        prev = line


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    with (
        start_sandbox("jira", scenario="demo") as jira,
        start_sandbox("youtrack", scenario="demo") as yt,
    ):
        config = settings_yaml(jira, tmp / "state.sqlite3", live_view_token=TOKEN,
                               youtrack_webhook_secret=SECRET)  # fmt: skip
        config["trackers"][0]["name"] = "jira"
        config["trackers"].append(
            {"name": "youtrack", "kind": "youtrack", "url": yt.url, "token": yt.token,
             "scope": "project: SUP"}
        )  # fmt: skip
        with ServiceProcess(config, tmp, now=jira.now.isoformat()) as svc:
            wait_until(
                lambda: svc.metric("sla_sync_passes_total", kind="SyncSince", result="ok") >= 2,
                90,
                "the first pass over both trackers",
            )
            yield svc, jira, yt, tmp


def test_the_live_view_needs_the_token_over_http(service):
    svc = service[0]
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(svc.url + "/live", timeout=10)
    assert err.value.code == 401 and err.value.headers["WWW-Authenticate"].startswith("Basic")
    req = urllib.request.Request(svc.url + "/live", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200 and resp.headers["Cache-Control"] == "no-store"
    assert TOKEN not in svc.stderr()


def test_chromium_shows_the_open_requests_by_time_left_with_the_breached_ones_marked(service):
    svc, jira, yt, tmp = service
    # A browser opens the page with the user name and password it asked for (HTTP Basic).
    url = svc.url.replace("http://", f"http://anyone:{TOKEN}@") + "/live"
    parser = Rows()
    parser.feed(chromium(tmp / "profile", "--dump-dom", url))
    rows, notes = parser.rows, demo_notes()
    # Every open request of both trackers, and nothing else.
    assert sorted((r["data-tracker"], r["data-key"]) for r in rows) == sorted(
        (t, k) for t in ("jira", "youtrack") for k in notes
    )
    # Least time left first; the most overdue on top.
    lefts = [int(r["data-left"]) for r in rows]
    assert lefts == sorted(lefts) and lefts[0] < 0
    for r in rows:
        state, hours_left, verdict = notes[r["data-key"]]
        expected = {"BREACHED": "breached", "AT RISK": "at_risk"}.get(verdict, state)
        assert r["class"] == expected, r["data-key"]
        assert abs(int(r["data-left"]) / 3600 - hours_left) <= 0.5, r["data-key"]
        cells = r["cells"]
        if expected == "breached":
            assert cells["состояние"] == "просрочена" and cells["осталось"].startswith(
                "просрочено на"
            )
        base = jira.url if r["data-tracker"] == "jira" else yt.url
        page = "/browse/" if r["data-tracker"] == "jira" else "/issue/"
        assert r["links"][0] == f"{base}{page}{r['data-key']}"
    assert {r["cells"]["исполнитель"] for r in rows} >= {
        "Пётр Иванов",
        "Елена Соколова",
        "не назначен",
    }


def test_screenshots_show_the_breached_rows_in_red_above_the_ones_at_risk(service):
    svc, _, _, tmp = service
    url = svc.url.replace("http://", f"http://anyone:{TOKEN}@") + "/live"
    # The whole page at a desktop's and a phone's width, kept for people to look at.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = {"live-view.png": (1280, 2300), "live-view-phone.png": (412, 1600)}
    for name, (w, h) in shots.items():
        chromium(tmp / "profile", f"--window-size={w},{h}", f"--screenshot={ARTIFACTS / name}", url)
        assert png_size(ARTIFACTS / name) == (w, h)
    # Read from the top down to the first row of the first request at risk: the breached
    # requests above it are marked red (badge and bar), and nothing at risk comes before.
    red, amber = (0xC0, 0x39, 0x2B), (0xD6, 0x89, 0x10)  # breached / at-risk badge and bar
    reds, first_red = 0, None
    for y, row in enumerate(pixel_rows(ARTIFACTS / "live-view.png")):
        if amber in row:
            break
        if red in row:
            reds += row.count(red)
            first_red = y if first_red is None else first_red
    else:
        raise AssertionError("no request at risk is shown in amber")
    assert first_red is not None and first_red < y and reds > 3000, (first_red, y, reds)


def test_a_request_page_shows_the_strip_from_the_tracker(service):
    svc = service[0]
    req = urllib.request.Request(
        svc.url + "/live/jira/SUP-2", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(req, timeout=20) as resp:
        page = resp.read().decode()
    assert 'class="strip"' in page and "просрочена" in page and "норматив 12 ч" in page
