"""`GET /live`: the live view served by `sla-sync run`, and `/live/<tracker>/<key>`.

The list comes from the read model the pass keeps (`sync.adapters.live_store`), never from
the tracker; a request's page reads that one issue from the tracker on demand (its own
connection, so a page never waits for a pass). Customer data: the view answers 404 unless a
credential is configured, 401 with a challenge without the right one. Nothing of the
`Authorization` header is ever logged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import structlog

from config.regulation import Regulation
from config.settings import RetrySettings, Settings
from sla import SlaError
from sync import registry
from sync.adapters.live_store import LiveStore
from sync.adapters.store_port import Store, open_store
from sync.binding import Binding, connect
from sync.errors import FatalTrackerError, RetriableTrackerError, SkippableIssueError, StoreError
from sync.passes.decide import evaluate
from sync.report.live_model import Filters, Tracker, build
from sync.report.live_words import w
from sync.report.render_live import live_page
from sync.report.render_live_request import problem_page, request_page
from sync.service.live_auth import CHALLENGE, LiveAuth

__all__ = ["LiveView", "Response"]

Response = tuple[int, str, bytes, list[tuple[str, str]]]
HTML = "text/html; charset=utf-8"
# Nothing but the page itself and its inline style; forms post back here only.
_HEADERS = [
    ("Cache-Control", "no-store"),
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
     "img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]  # fmt: skip
# A page waits for one issue, not for a tracker outage: few, short retries.
_PAGE_RETRY = RetrySettings(max_attempts=2, base_delay=0.2, max_delay=1, max_total=15, timeout=10)
_CATALOG_SECONDS = 600.0  # field definitions and statuses are read again after this


class IssueReader:
    """Reads one issue for a request page: a binding per tracker, its own HTTP session."""

    def __init__(self, settings: Settings, regulation: Regulation) -> None:
        self._configs = {t.name: t for t in settings.all_trackers()}
        self._regulation = regulation
        self._bindings: dict[str, tuple[Binding, float]] = {}
        self._locks = {name: threading.Lock() for name in self._configs}

    def result(self, tracker: str, key: str, now: datetime, monotonic: float):
        """(SlaResult, Policy) of one issue at `now`, read fresh from its tracker."""
        with self._locks[tracker]:  # one HTTP session per tracker, used by one thread at a time
            hit = self._bindings.get(tracker)
            if hit is None or monotonic - hit[1] > _CATALOG_SECONDS:
                b = connect(self._configs[tracker], _PAGE_RETRY)
                b.refresh_catalog()
                hit = self._bindings[tracker] = (b, monotonic)
            b = hit[0]
            raw = b.tracker.fetch(key, b.read_field_ids(), b.history_field_ids())
        ev = evaluate(raw, b, self._regulation, now)
        return ev.result, ev.policy


class LiveView:
    """The live view's routes; `handle` never raises."""

    def __init__(
        self,
        settings: Settings,
        regulation: Regulation,
        clock: Callable[[], datetime],
        monotonic: Callable[[], float],
        store: Store | None = None,
    ) -> None:
        s = settings.service
        self.auth = LiveAuth(s.live_view_token, s.live_view_users)
        self.refresh = s.live_view_refresh_seconds
        self.regulation, self.clock, self.monotonic = regulation, clock, monotonic
        self.settings = settings
        self._state_store = store  # the service's own store (SQLite or PostgreSQL)
        self.trackers = [
            Tracker(t.name, t.url, registry.get(t.kind).issue_url) for t in settings.all_trackers()
        ]
        self.reader = IssueReader(settings, regulation)
        self._store: LiveStore | None = None
        self._opening = threading.Lock()
        self.log = structlog.get_logger().bind(component="live_view")

    @property
    def on(self) -> bool:
        """Served only when a credential is configured."""
        return self.auth.on

    def store(self) -> LiveStore:
        """The read model: the service's store's, else the configured store's, on first use."""
        with self._opening:
            if self._store is None:
                if self._state_store is not None:
                    self._store = self._state_store.live()
                else:
                    self._opened = open_store(self.settings)
                    self._store = self._opened.live()
            return self._store

    def close(self) -> None:
        """Close the store this view opened itself, if any (the service's stays open)."""
        with self._opening:
            if getattr(self, "_opened", None) is not None:
                self._opened.close()
                self._opened = None
            self._store = None

    def handle(self, method: str, raw_path: str, environ: Mapping[str, Any]) -> Response:
        """Answer one request for /live or /live/…; 404 when the view is off."""
        if not self.on:
            return _plain(404, "not found")
        if not self.auth.allowed(str(environ.get("HTTP_AUTHORIZATION") or "")):
            self.log.info("live.unauthorized", client=environ.get("REMOTE_ADDR"))
            # Basic first: a browser asks for a user and password; scripts send the token.
            challenges = [("WWW-Authenticate", c) for c in (CHALLENGE, 'Bearer realm="sla-sync"')]
            return 401, "text/plain; charset=utf-8", b"authorization required\n", challenges
        if method not in ("GET", "HEAD"):
            return _plain(405, "use GET")
        path = _utf8(raw_path)
        if path == "/live/":
            return 301, "text/plain; charset=utf-8", b"moved\n", [("Location", "../live")]
        parts = path.rstrip("/").split("/")
        try:
            if len(parts) == 2:
                return self._list(environ)
            if len(parts) == 4:
                return self._request(parts[2], parts[3])
        except StoreError as exc:
            self.log.error("live.store_failed", error=str(exc))
            return _page(503, problem_page(w("title"), str(exc), "../live"))
        return _plain(404, "not found")

    def _list(self, environ: Mapping[str, Any]) -> Response:
        query = parse_qs(str(environ.get("QUERY_STRING") or ""), max_num_fields=20)
        group = (query.get("group") or [""])[0]
        model = build(
            self.store(), self.regulation, self.trackers, self.clock(), Filters.from_query(query)
        )
        page = live_page(
            model,
            self.regulation.name_of,
            refresh_seconds=self.refresh,
            group="assignee" if group == "assignee" else None,
        )
        return _page(200, page)

    def _request(self, tracker: str, key: str) -> Response:
        back = "../../live"
        known = {t.name: t for t in self.trackers}
        if tracker not in known or not self.store().knows(tracker, key):
            return _page(404, problem_page(key, w("unknown request"), back))
        try:
            result, policy = self.reader.result(tracker, key, self.clock(), self.monotonic())
        except (FatalTrackerError, RetriableTrackerError, SkippableIssueError, SlaError) as exc:
            self.log.warning("live.tracker_failed", tracker=tracker, issue=key, error=str(exc))
            return _page(502, problem_page(key, w("tracker failed", error=str(exc)), back))
        page = request_page(
            result,
            policy.calendar,
            self.regulation.name_of,
            tracker=tracker,
            link=known[tracker].link(key),
            back=back,
        )
        return _page(200, page)


def _page(status: int, html: str) -> Response:
    return status, HTML, html.encode(), list(_HEADERS)


def _plain(status: int, line: str) -> Response:
    return status, "text/plain; charset=utf-8", (line + "\n").encode(), []


def _utf8(path: str) -> str:
    """WSGI hands PATH_INFO over as latin-1 text of the raw bytes (PEP 3333)."""
    try:
        return path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return path
