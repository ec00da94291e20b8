"""Tracker-agnostic sandbox HTTP server: routing, auth hook, faults, counters, webhooks.

A tracker module (e.g. `sandbox.jira`) supplies an `App`: a `Router` of its REST routes and
an `authenticate(headers)` hook. Everything else here is shared so a YouTrack sandbox is a new
module next to the Jira one, not a fork.
"""

from __future__ import annotations

import json
import random
import socket
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.faults import FaultRule
from sandbox.routing import App, Handler, HttpError, Request, Response, Router
from sandbox.webhooks import WebhookSender

__all__ = [
    "App",
    "FaultRule",
    "HttpError",
    "Request",
    "Response",
    "Router",
    "SandboxServer",
    "WebhookSender",
]


class SandboxServer(ThreadingHTTPServer):
    """The HTTP server: admin routes, faults and counters around a tracker `App`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0, seed: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.app = app
        self.counts: Counter[tuple[str, str, int]] = Counter()
        self.log: list[dict[str, Any]] = []
        self.faults: list[FaultRule] = []
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.held = 0  # requests that started waiting on a `hold` fault
        self._release = threading.Event()
        self.admin = Router()
        self.admin.add("GET", "/_sandbox/requests", self._get_requests, auth=False)
        self.admin.add("DELETE", "/_sandbox/requests", self._clear_requests, auth=False)
        self.admin.add("GET", "/_sandbox/faults", self._get_faults, auth=False)
        self.admin.add("POST", "/_sandbox/faults", self._set_faults, auth=False)
        self.admin.add("DELETE", "/_sandbox/faults", self._clear_faults, auth=False)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-answer (killed in a test) is not an error here."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def set_faults(self, rules: list[Mapping[str, Any]], *, replace: bool = True) -> None:
        """Install fault rules (replacing the current ones unless `replace=False`)."""
        parsed = [FaultRule.from_dict(r) for r in rules]
        with self.lock:
            self.faults = parsed if replace else [*self.faults, *parsed]
            if replace:
                self._release.set()  # whatever the old rules held goes on
                self._release = threading.Event()

    def hold(self, rule: FaultRule) -> None:
        """Block this request until `release_holds()` (or the rule's `delay_ms`)."""
        with self.lock:
            self.held += 1
            release = self._release
        release.wait((rule.delay_ms or 30_000) / 1000)

    def release_holds(self) -> None:
        """Let every held request go on (and the ones a hold rule catches later)."""
        with self.lock:
            self._release.set()

    def pick_fault(self, method: str, route: str, path: str) -> FaultRule | None:
        """The first applicable fault rule that fires for this request (consumes `times`)."""
        with self.lock:
            for rule in self.faults:
                if not rule.matches(method, route, path):
                    continue
                if rule.probability is not None and self.rng.random() >= rule.probability:
                    continue
                if rule.times is not None:
                    if rule.times <= 0:
                        continue
                    rule.times -= 1
                return rule
        return None

    def record(self, entry: dict[str, Any]) -> None:
        """Count one answered request and keep it in the per-request log."""
        with self.lock:
            self.counts[(entry["method"], entry["route"], entry["status"])] += 1
            self.log.append(entry)

    def _get_requests(self, req: Request) -> Any:
        with self.lock:
            counts = [
                {"method": m, "route": r, "status": s, "count": c}
                for (m, r, s), c in sorted(self.counts.items())
            ]
            log = list(self.log) if req.arg("log") in ("1", "true") else None
        body: dict[str, Any] = {"total": sum(c["count"] for c in counts), "counts": counts}
        if log is not None:
            body["log"] = log
        return body

    def _clear_requests(self, req: Request) -> Response:
        with self.lock:
            self.counts.clear()
            self.log.clear()
        return Response(204)

    def _get_faults(self, req: Request) -> Any:
        with self.lock:
            return {"faults": [vars(r) for r in self.faults]}

    def _set_faults(self, req: Request) -> Response:
        body = req.json() or {}
        rules = body.get("faults", []) if isinstance(body, dict) else body
        try:
            self.set_faults(rules, replace=not (isinstance(body, dict) and body.get("append")))
        except (TypeError, ValueError) as exc:
            raise HttpError(400, {"errorMessages": [str(exc)], "errors": {}}) from None
        return Response(204)

    def _clear_faults(self, req: Request) -> Response:
        self.set_faults([])
        return Response(204)


class _Handler(BaseHTTPRequestHandler):
    """Keep-alive request handler delegating to the server's routers."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: SandboxServer

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr log; counters and `/_sandbox/requests` replace it."""

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_GET

    def _dispatch(self) -> None:
        srv = self.server
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(
            self.command,
            split.path,
            parse_qs(split.query, keep_blank_values=True),
            self.headers,
            body,
        )
        found = srv.admin.match(req.method, req.path) or srv.app.router.match(req.method, req.path)
        fault = None
        if found:
            req.route, handler, req.params, needs_auth = found
            if not req.path.startswith("/_sandbox/"):
                fault = srv.pick_fault(req.method, req.route, req.path)
        else:
            req.route = "<unmatched>"
        if fault and fault.kind == "latency":
            time.sleep(fault.delay_ms / 1000)
            fault = None
        if fault and fault.kind == "hold":
            srv.hold(fault)
            fault = None
        if fault and not fault.after and fault.kind != "malformed":
            return self._fail(req, fault)
        if not found:
            resp = srv.app.not_found(req.path)
        elif needs_auth and (user := srv.app.authenticate(req.headers)) is None:
            resp = srv.app.unauthorized()
        else:
            req.user = user if needs_auth else None
            resp = self._call(handler, req)
        if fault and fault.kind != "malformed":
            return self._fail(req, fault)
        payload = b"" if resp.body is None else json.dumps(resp.body, ensure_ascii=False).encode()
        if fault:  # malformed: a truncated document, as from a proxy cutting the body
            payload = payload[: max(1, len(payload) // 2)] or b"{"
        self._send(req, resp.status, payload, resp.headers, fault)

    def _call(self, handler: Handler, req: Request) -> Response:
        try:
            result = handler(req)
        except HttpError as exc:
            return Response(exc.status, exc.body, exc.headers)
        except Exception:
            traceback.print_exc()
            return Response(500, self._error_body(500, "Internal server error"))
        return result if isinstance(result, Response) else Response(200, result)

    def _error_body(self, status: int, message: str) -> Any:
        """The tracker's error shape when its App defines `error_body`, else Jira's."""
        shape = getattr(self.server.app, "error_body", None)
        return shape(status, message) if shape else {"errorMessages": [message], "errors": {}}

    def _fail(self, req: Request, fault: FaultRule) -> None:
        if fault.kind == "drop":
            self.server.record(self._entry(req, 0, fault))
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        status = int(fault.kind)
        headers = {"Retry-After": str(fault.retry_after)} if status == 429 else {}
        message = "Rate limit exceeded." if status == 429 else "Service unavailable"
        payload = json.dumps(self._error_body(status, message)).encode()
        self._send(req, status, payload, headers, fault)

    def _send(
        self,
        req: Request,
        status: int,
        payload: bytes,
        headers: Mapping[str, str],
        fault: FaultRule | None = None,
    ) -> None:
        # Count before the first byte of the answer leaves: `end_headers` already completes a
        # body-less answer (204), so a client that got its answer always sees the count.
        if not req.path.startswith("/_sandbox/"):  # count tracker calls, not test plumbing
            self.server.record(self._entry(req, status, fault))
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    @staticmethod
    def _entry(req: Request, status: int, fault: FaultRule | None) -> dict[str, Any]:
        user = getattr(req.user, "name", None)
        return {
            "method": req.method,
            "path": req.path,
            "route": req.route,
            "status": status,
            "query": {k: v[0] if len(v) == 1 else v for k, v in req.query.items()},
            "user": user,
            "fault": fault.kind if fault else None,
        }
