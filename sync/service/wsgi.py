"""The service's WSGI app: signed webhooks into the durable queue, /healthz, /metrics, /live.

Order of checks for a webhook: route, size (413), signature over the raw body (401), JSON and
shape (400), scope (200 "ignored" for an issue known to be outside it), de-duplication by
delivery id (200 "duplicate"), queue commit, then 202. Nothing is parsed before the signature
is verified, and no request can raise out of `__call__`. /healthz also reports the state store
and whether this instance holds the scheduler lease. /live (the live view, `sync.service.live`)
is 404 unless a credential is configured.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import structlog

from config.settings import ServiceSettings
from sync import registry
from sync.adapters.store_port import WebhookQueue
from sync.errors import StoreError
from sync.registry import WebhookIntake
from sync.service.metrics import CONTENT_TYPE, Metrics

Environ = Mapping[str, Any]
StartResponse = Callable[..., Any]


class Reject(Exception):
    """A webhook answered without queueing: status, metric outcome and a one-line reason."""

    def __init__(self, status: int, outcome: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.outcome, self.reason = status, outcome, reason


class Routes(Protocol):
    """What the WSGI app needs of the service."""

    def tracker_of_kind(self, kind: str, name: str | None = None) -> str | None: ...
    def pass_age(self) -> float: ...
    def out_of_scope(self, tracker: str, key: str) -> bool: ...
    def store_problem(self) -> str | None: ...
    def own_write(self, tracker: str, history: Mapping[str, Any]) -> bool: ...


_REASONS = {200: "OK", 202: "Accepted", 301: "Moved Permanently", 400: "Bad Request",
            401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
            413: "Payload Too Large", 502: "Bad Gateway", 503: "Service Unavailable"}  # fmt: skip


class LiveRoutes(Protocol):
    """The live view (`sync.service.live.LiveView`): status, type, body, extra headers."""

    def handle(
        self, method: str, raw_path: str, environ: Environ
    ) -> tuple[int, str, bytes, list[tuple[str, str]]]: ...


class Leadership(Protocol):
    """Whether this instance runs the schedule (`sync.service.lease.Lease`)."""

    @property
    def role(self) -> str: ...


class WebhookApp:
    """The WSGI callable served by waitress (and called directly by tests)."""

    def __init__(
        self,
        routes: Routes,
        queue: WebhookQueue,
        metrics: Metrics,
        settings: ServiceSettings,
        lease: Leadership | None = None,
        live: LiveRoutes | None = None,
    ) -> None:
        self.routes, self.queue, self.metrics, self.settings = routes, queue, metrics, settings
        self.lease, self.live = lease, live
        self.accepting = True  # False from SIGTERM on: new webhooks get 503 (Jira retries)
        self.log = structlog.get_logger().bind(component="webhooks")
        # Webhook sources by path segment: every registered kind that has an intake.
        self._intakes: dict[str, WebhookIntake] = {
            k.name: k.webhook for k in registry.all_kinds() if k.webhook is not None
        }

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        extra: list[tuple[str, str]] = []
        try:
            status, ctype, body, *more = self._dispatch(environ)
            extra = list(more[0]) if more else []
        except Exception as exc:  # last resort: a bug must not take the service down
            self.log.error("request.error", error=type(exc).__name__)
            status, ctype, body = 503, "text/plain", b"service error, retry later\n"
        headers = [("Content-Type", ctype), ("Content-Length", str(len(body))), *extra]
        start_response(f"{status} {_REASONS.get(status, 'OK')}", headers)
        return [body]

    def _dispatch(self, environ: Environ) -> tuple[Any, ...]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        raw_path = str(environ.get("PATH_INFO", "") or "/")
        path = raw_path.rstrip("/") or "/"
        if path == "/live" or path.startswith("/live/"):
            if self.live is None:
                return _text(404, "not found")
            return self.live.handle(method, raw_path, environ)
        if path == "/healthz":
            return self._healthz() if method in ("GET", "HEAD") else _text(405, "use GET")
        if path == "/metrics":
            if method not in ("GET", "HEAD"):
                return _text(405, "use GET")
            return 200, CONTENT_TYPE, self.metrics.render()
        parts = path.split("/")
        if len(parts) in (3, 4) and parts[1] == "webhooks" and parts[2] in self._intakes:
            if method != "POST":
                return _text(405, "use POST")
            source = parts[2]
            try:
                status, text = self._webhook(source, parts[3] if len(parts) == 4 else None, environ)
                outcome = text.split(":")[0]
            except Reject as r:
                status, outcome, text = r.status, r.outcome, r.reason
                self.log.info("webhook.rejected", source=source, status=status, reason=text)
            self.metrics.webhooks.labels(source, outcome).inc()
            return _text(status, text)
        return _text(404, "not found")

    # -- webhooks -----------------------------------------------------------------------

    def _webhook(self, source: str, name: str | None, environ: Environ) -> tuple[int, str]:
        if not self.accepting:
            raise Reject(503, "shutting_down", "shutting down, retry later")
        tracker = self.routes.tracker_of_kind(source, name)
        if tracker is None:
            raise Reject(404, "no_tracker", f"no {source} tracker configured for this path")
        intake = self._intakes[source]
        body = self._body(environ)
        self._verify(source, intake, environ, body)
        key, event, doc = _issue_key(intake, body)
        if intake.ignored(event):
            return 200, f"ignored: {event}"
        history = intake.history(doc)
        if history is not None and self.routes.own_write(tracker, history):
            # The webhook of sla-sync's own write: the pass that wrote it knows the result.
            return 200, f"ignored: {key} changed by sla-sync itself"
        if self.routes.out_of_scope(tracker, key):
            self.log.info("webhook.out_of_scope", tracker=tracker, issue=key)
            return 200, f"ignored: {key} is not in the scope of tracker {tracker}"
        delivery = intake.delivery_id(lambda name: _header(environ, name))
        try:
            queued = self.queue.put(tracker, key, delivery)
        except StoreError as exc:
            self.log.error("webhook.store_failed", tracker=tracker, issue=key, error=str(exc))
            raise Reject(503, "store_error", "cannot record the event now, retry later") from None
        if not queued:
            return 200, "duplicate: delivery already accepted"
        self.log.info("webhook.accepted", tracker=tracker, issue=key, delivery=delivery)
        return 202, f"accepted: {key}"

    def _body(self, environ: Environ) -> bytes:
        limit = self.settings.max_body_bytes
        raw_length = str(environ.get("CONTENT_LENGTH") or "").strip()
        if raw_length:
            if not raw_length.isdigit():
                raise Reject(400, "bad_request", "invalid Content-Length")
            if int(raw_length) > limit:
                raise Reject(413, "too_large", f"body larger than {limit} bytes")
        stream = environ.get("wsgi.input")
        want = min(int(raw_length), limit) if raw_length else limit + 1
        body = stream.read(want) if stream is not None and want else b""
        if len(body) > limit:
            raise Reject(413, "too_large", f"body larger than {limit} bytes")
        return body

    def _verify(self, source: str, intake: WebhookIntake, environ: Environ, body: bytes) -> None:
        secret = getattr(self.settings, intake.secret_setting)
        if secret is None:
            if self.settings.webhook_allow_unsigned:
                return
            raise Reject(401, "unauthorized", f"no {source} webhook secret configured")
        key = secret.get_secret_value().encode()
        ok = intake.verify(key, lambda name: _header(environ, name), body)
        if ok is None:
            raise Reject(401, "unauthorized", "missing signature")
        if not ok:
            raise Reject(401, "unauthorized", "wrong signature")

    # -- health -------------------------------------------------------------------------

    def _healthz(self) -> tuple[int, str, bytes]:
        age = self.routes.pass_age()
        bound = self.settings.healthz_max_age_seconds
        store = self.queue.last_error or self.routes.store_problem()
        ok = age <= bound and self.accepting and store is None
        status = "ok" if ok else "stopping" if not self.accepting else "stale"
        if store is not None and self.accepting:
            status = "store_error"
        doc = {
            "status": status,
            "last_pass_age_seconds": round(age, 3),
            "max_age_seconds": bound,
            "store": "ok" if store is None else store,
            # Whether this instance runs the scheduled pass and sweep (PostgreSQL: the lease).
            "scheduler": self.lease.role if self.lease is not None else "leader",
        }
        return 200 if ok else 503, "application/json", json.dumps(doc).encode() + b"\n"


def _text(status: int, line: str) -> tuple[int, str, bytes]:
    return status, "text/plain; charset=utf-8", (line.replace("\n", " ") + "\n").encode()


def _header(environ: Environ, name: str) -> str:
    value = environ.get("HTTP_" + name.upper().replace("-", "_"))
    return value.strip() if isinstance(value, str) else ""


def _issue_key(intake: WebhookIntake, body: bytes) -> tuple[str, str | None, dict]:
    """The issue key, the event name and the decoded payload; 400 when there is no key."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        raise Reject(400, "bad_request", "body is not JSON") from None
    if not isinstance(doc, dict):
        raise Reject(400, "bad_request", "body is not a JSON object")
    key, event = intake.issue(doc)
    if key is None:
        raise Reject(400, "bad_request", "missing issue key")
    if not intake.key_pattern.fullmatch(key):
        raise Reject(400, "bad_request", "issue key has the wrong shape")
    return key, event, doc
