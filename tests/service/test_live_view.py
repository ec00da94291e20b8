"""The live view in-process: off without a credential, 401 without the right one, and the page
a person reads — open requests by time left, the breached ones marked, filters, the month.

The rows come from a real pass over the in-memory tracker (tests/fakes) into a real SQLite
state file; the WSGI app is the service's own, called directly.
"""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
from datetime import datetime
from urllib.parse import quote

import pytest
import structlog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from config.settings import ServiceSettings, Settings, TrackerSettings
from sync.adapters.queue import EventQueue
from sync.composition import App
from sync.service.live import LiveView
from sync.service.live_auth import hash_password
from sync.service.metrics import Metrics
from sync.service.wsgi import WebhookApp
from tests.fakes import memory_tracker
from tests.fakes.memory_tracker import MemoryTracker
from tests.helpers import msk
from tests.service.test_webhook_app import FakeRoutes

URL = "memory://support"
TOKEN = "live-token-0123456789abcdef"
PASSWORD = "correct horse battery"
# Few iterations: the test checks the scheme, not the cost.
ANNA_HASH = hash_password(PASSWORD, iterations=1000)


def settings_for(tmp_path, **service) -> Settings:
    return Settings(
        state_path=tmp_path / "state.sqlite3",
        trackers=[TrackerSettings(name="mem", kind="memory", url=URL, scope="all")],
        closed_lookback_days=None,
        service=ServiceSettings(**service),
    )


@pytest.fixture
def world(tmp_path):
    """Requests in the memory tracker, one pass at Monday 23 Nov 2026 10:00, the clock at 12:00."""
    clock = [msk(2026, 11, 23, 10)]
    tracker = MemoryTracker(lambda: clock[0])
    memory_tracker.register(URL, tracker)
    t = tracker
    # Critical (6 h): registered Friday 13:00 -> 5 h on Friday + 1 h on Monday = exactly 6 h at
    # Monday 10:00 (not a breach yet: equal is not over); over from 10:00, 2 h over at noon.
    t.add("M-1", msk(2026, 11, 20, 13), priority="P1", customer="Магнит", assignee="anna")
    # High (15 h): registered Monday 09:00 -> 14 h left at 10:00 (12 h at noon).
    t.add("M-2", msk(2026, 11, 23, 9), priority="P2", customer="Лента", assignee="boris")
    # Medium (30 h): in clarification since Friday 14:00 -> paused, 29 h left.
    t.add("M-3", msk(2026, 11, 20, 13), priority="P3", customer="Лента")
    t.change("M-3", msk(2026, 11, 20, 14), status="Ask")
    # Critical, line 3 (12 h): registered Friday 10:00 -> 8 h by Friday 18:00, 1 h Monday = 9 h
    # at 10:00, not yet at risk (80 % = 9.6 h, reached at 10:36); 11 h at noon.
    t.add("M-4", msk(2026, 11, 20, 10), priority="P1", line="3", customer="Магнит")
    # Closed this month in time, and last month late.
    t.add("M-5", msk(2026, 11, 2, 10), priority="P2", assignee="anna")
    t.change("M-5", msk(2026, 11, 2, 12), status="Closed", resolution="Fixed")
    t.add("M-6", msk(2026, 10, 5, 10), priority="P2")
    t.change("M-6", msk(2026, 10, 9, 12), status="Closed", resolution="Fixed")
    app = App(settings_for(tmp_path), clock=lambda: clock[0])
    app.runner().sync_since()
    app.close()
    clock[0] = msk(2026, 11, 23, 12)
    yield tracker, clock
    memory_tracker.unregister()


def make_app(tmp_path, clock, **service) -> WebhookApp:
    settings = settings_for(tmp_path, **service)
    app = App(settings, clock=lambda: clock[0])
    live = LiveView(settings, app.regulation, lambda: clock[0], lambda: 0.0)
    queue = EventQueue(settings.state_path)
    return WebhookApp(FakeRoutes(), queue, Metrics(), settings.service, live=live)


def on(tmp_path, clock) -> WebhookApp:
    return make_app(
        tmp_path,
        clock,
        live_view_token=SecretStr(TOKEN),
        live_view_users={"anna": SecretStr(ANNA_HASH)},
    )


def call(app, path: str, method: str = "GET", auth: str | None = None, query: str = ""):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_LENGTH": "0",
        "wsgi.input": io.BytesIO(b""),
        "REMOTE_ADDR": "127.0.0.1",
    }
    if auth is not None:
        environ["HTTP_AUTHORIZATION"] = auth
    seen: dict = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = int(status.split()[0]), headers

    body = b"".join(app(environ, start_response)).decode()
    return seen["status"], seen["headers"], body


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


BEARER = f"Bearer {TOKEN}"


def rows(html: str) -> list[ET.Element]:
    root = ET.fromstring(html.split("\n", 1)[1])
    return [tr for tr in root.iter("tr") if tr.get("data-key")]


def test_without_a_credential_the_view_does_not_exist(tmp_path, world):
    app = make_app(tmp_path, world[1])
    for path in ("/live", "/live/mem/M-1"):
        assert call(app, path, auth=BEARER)[0] == 404


def test_without_the_right_credential_the_answer_is_401_with_a_challenge(tmp_path, world):
    app = on(tmp_path, world[1])
    with structlog.testing.capture_logs() as logs:
        for auth in (None, "Bearer wrong-token", basic("anna", "wrong"), basic("eve", PASSWORD),
                     f"Bearer {TOKEN}x", "Basic not-base64!", basic("anna", "")):  # fmt: skip
            status, headers, body = call(app, "/live", auth=auth)
            assert status == 401, auth
            challenges = [v for k, v in headers if k == "WWW-Authenticate"]
            assert challenges[0].startswith("Basic realm=") and "Магнит" not in body
    # Nothing of what was sent is logged.
    assert "wrong" not in repr(logs) and PASSWORD not in repr(logs) and TOKEN not in repr(logs)


def test_token_user_password_and_token_as_basic_password_are_let_in(tmp_path, world):
    app = on(tmp_path, world[1])
    for auth in (BEARER, basic("anna", PASSWORD), basic("anyone", TOKEN)):
        status, headers, _ = call(app, "/live", auth=auth)
        assert status == 200, auth
        names = dict(headers)
        assert names["Cache-Control"] == "no-store"
        assert "default-src 'none'" in names["Content-Security-Policy"]


def test_open_requests_are_listed_by_time_left_with_the_breached_one_marked(tmp_path, world):
    status, _, html = call(on(tmp_path, world[1]), "/live", auth=BEARER)
    assert status == 200
    listed = rows(html)
    # At noon (two business hours after the pass): M-1 is 2 h over, M-4 has 1 h left and is at
    # risk now, M-2 has 12 h, M-3 (paused) 29 h.
    assert [r.get("data-key") for r in listed] == ["M-1", "M-4", "M-2", "M-3"]
    assert [int(r.get("data-left")) // 3600 for r in listed] == [-2, 1, 12, 29]
    assert [r.get("class") for r in listed] == ["breached", "at_risk", "running", "paused"]
    text = ["".join(r.itertext()) for r in listed]
    assert "просрочена" in text[0] and "просрочено на 2 ч 00 мин" in text[0]
    assert "Критический" in text[0] and "Магнит" in text[0] and "Anna" in text[0]
    assert "не назначен" in text[1] and "на паузе" in text[3] and "Уточнение" in text[3]
    links = [a.get("href") for a in listed[0].iter("a")]
    assert links == ["memory://support/issues/M-1", "live/mem/M-1"]


def test_the_page_is_self_contained_and_reloads_itself(tmp_path, world):
    html = call(on(tmp_path, world[1]), "/live", auth=BEARER)[2]
    root = ET.fromstring(html.split("\n", 1)[1])
    assert not list(root.iter("script")) and not list(root.iter("link"))
    refresh = [m for m in root.iter("meta") if m.get("http-equiv") == "refresh"]
    assert refresh[0].get("content") == "60"
    viewport = [m for m in root.iter("meta") if m.get("name") == "viewport"]
    assert viewport and root.get("lang") == "ru"


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("priority=critical", ["M-1", "M-4"]),
        (f"priority={quote('Критический')}", ["M-1", "M-4"]),  # the regulation's word
        (f"customer={quote('лента')}", ["M-2", "M-3"]),  # any case
        ("line=3", ["M-4"]),
        ("assignee=Anna", ["M-1"]),
        ("tracker=mem&priority=high", ["M-2"]),
        ("tracker=other", []),
    ],
)  # fmt: skip
def test_filters_narrow_the_list(tmp_path, world, query, keys):
    html = call(on(tmp_path, world[1]), "/live", auth=BEARER, query=query)[2]
    assert [r.get("data-key") for r in rows(html)] == keys


def test_this_months_compliance_is_shown_against_last_month(tmp_path, world):
    html = call(on(tmp_path, world[1]), "/live", auth=BEARER)[2]
    root = ET.fromstring(html.split("\n", 1)[1])
    (table,) = [t for t in root.iter("table") if t.get("class") == "months"]
    (high,) = [tr for tr in table.iter("tr") if tr.get("data-priority") == "high"]
    cells = [("".join(td.itertext())) for td in high.iter("td")]
    # November: M-5 met (1/1, 100 %); October: M-6 breached (0 %): +100 points.
    assert cells == ["Высокий", "1, 2 линии", "1/1", "100,0", "0,0", "▲ +100,0 п.п."]


def test_a_request_page_reads_the_issue_and_shows_strip_and_segments(tmp_path, world):
    tracker, clock = world
    app = on(tmp_path, clock)
    before = tracker.calls["fetch"]
    status, _, html = call(app, "/live/mem/M-3", auth=BEARER)
    assert status == 200 and tracker.calls["fetch"] == before + 1
    root = ET.fromstring(html.split("\n", 1)[1])
    assert [s.get("class") for s in root.iter("{http://www.w3.org/2000/svg}svg")] == ["strip"]
    (segments,) = [t for t in root.iter("table") if t.get("class") == "segments"]
    assert [tr.get("class") for tr in segments.iter("tr") if tr.get("class")] == [
        "running", "paused",
    ]  # fmt: skip
    assert "на паузе" in html and "осталось: 29 ч 00 мин" in "".join(root.itertext())


def test_a_request_the_view_does_not_hold_is_not_read_from_the_tracker(tmp_path, world):
    tracker, clock = world
    app = on(tmp_path, clock)
    before = tracker.calls["fetch"]
    for path in ("/live/mem/M-99", "/live/other/M-1", "/live/mem/M-1/x"):
        assert call(app, path, auth=BEARER)[0] == 404
    assert tracker.calls["fetch"] == before


def test_a_tracker_that_fails_gives_a_short_page_not_an_error(tmp_path, world):
    tracker, clock = world
    del tracker.issues["M-2"]  # deleted in the tracker since the pass
    status, _, html = call(on(tmp_path, clock), "/live/mem/M-2", auth=BEARER)
    assert status == 502 and "Трекер не ответил" in html


def test_only_get_is_answered(tmp_path, world):
    assert call(on(tmp_path, world[1]), "/live", method="POST", auth=BEARER)[0] == 405


def test_the_page_of_an_empty_store_says_so(tmp_path):
    clock = [datetime(2026, 11, 23, 9, tzinfo=msk(2026, 1, 1).tzinfo)]
    memory_tracker.register(URL, MemoryTracker(lambda: clock[0]))
    try:
        html = call(on(tmp_path, clock), "/live", auth=BEARER)[2]
    finally:
        memory_tracker.unregister()
    assert "Открытых заявок нет." in html and rows(html) == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.lists(st.text(min_size=0, max_size=12), max_size=4).map("/".join),
    method=st.sampled_from(["GET", "HEAD", "POST", "DELETE", "OPTIONS"]),
    auth=st.sampled_from([None, BEARER, "Bearer x", basic("anna", PASSWORD), "Basic ???"]),
    query=st.text(max_size=40),
)
def test_no_request_under_live_gets_a_server_error(tmp_path, world, path, method, auth, query):
    app = on(tmp_path, world[1])
    status, _, _ = call(app, "/live/" + path, method=method, auth=auth, query=query)
    assert status in (200, 301, 401, 404, 405)
