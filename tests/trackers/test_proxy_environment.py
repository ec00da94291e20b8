"""The proxy and CA environment, read once per tracker session (`sync.trackers.environment`).

`requests` documents that it honours `HTTP_PROXY` / `HTTPS_PROXY` / `ALL_PROXY`, `NO_PROXY`
and `REQUESTS_CA_BUNDLE` (https://requests.readthedocs.io/en/latest/user/advanced/#proxies,
#ssl-cert-verification); sla-sync must go on doing so after it stops re-reading the
environment per request. The proxy here is a real socket server: a proxied request carries
the absolute URL in its request line (RFC 9112, 3.2.2 absolute-form).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from sync.errors import FatalTrackerError, RetriableTrackerError
from sync.trackers.http import RetryPolicy
from sync.trackers.jira.adapter import JiraTracker
from sync.trackers.youtrack.adapter import YouTrackTracker

TRACKER = "http://tracker.invalid"  # never resolves: only a proxy can reach it
ONE_TRY = RetryPolicy(max_attempts=1, timeout=5)


class _Proxy(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        body = json.dumps({"deploymentType": "Cloud", "login": "sla-bot"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    _Proxy.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _jira() -> JiraTracker:
    return JiraTracker.connect(TRACKER, email="bot@example.com", api_token="t", policy=ONE_TRY)


def test_jira_requests_go_through_the_proxy_the_environment_names(proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", proxy)
    tracker = _jira()
    assert tracker.server_info()["deploymentType"] == "Cloud"
    assert _Proxy.seen == [f"{TRACKER}/rest/api/2/serverInfo"]


def test_youtrack_requests_go_through_the_proxy_too(proxy, monkeypatch):
    monkeypatch.setenv("http_proxy", proxy)  # lower case, as curl and most shells set it
    tracker = YouTrackTracker.connect(TRACKER, "perm:token", policy=ONE_TRY)
    tracker.account_id()
    assert _Proxy.seen and all(p.startswith(f"{TRACKER}/api/") for p in _Proxy.seen)


def test_no_proxy_for_the_trackers_host_goes_direct(proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", "tracker.invalid")
    tracker = _jira()
    with pytest.raises((RetriableTrackerError, FatalTrackerError)):
        tracker.server_info()  # direct to a host that does not resolve
    assert _Proxy.seen == []


def test_the_environment_is_read_once_when_the_session_is_made(proxy, monkeypatch):
    tracker = _jira()  # no proxy in the environment now
    monkeypatch.setenv("HTTP_PROXY", proxy)  # set later: not re-read per request any more
    with pytest.raises((RetriableTrackerError, FatalTrackerError)):
        tracker.server_info()
    assert _Proxy.seen == []


def test_a_ca_bundle_from_the_environment_is_kept_and_no_check_stays_off(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    checked = YouTrackTracker.connect("https://yt.example", "perm:t", policy=ONE_TRY)
    unchecked = YouTrackTracker.connect(
        "https://yt.example", "perm:t", policy=ONE_TRY, verify_tls=False
    )
    assert checked._http.session.verify == str(bundle)
    assert unchecked._http.session.verify is False
