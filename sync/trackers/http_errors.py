"""How an HTTP failure reads: the tracker's own error text, what a 404 means, why a
connection failed, and whether a failed request may have reached the server."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

__all__ = ["connect_reason", "error_text", "may_have_been_sent", "missing_hint"]


def error_text(response: requests.Response | None, limit: int = 500) -> str:
    """Jira's `errorMessages` and `errors` from a response body, never its headers."""
    if response is None:
        return ""
    try:
        body = response.json()
    except ValueError:
        return ""  # HTML error pages (proxies) say nothing useful and may echo request data
    if not isinstance(body, Mapping):
        return ""
    parts = [str(m) for m in body.get("errorMessages") or () if m]
    errors = body.get("errors")
    if isinstance(errors, Mapping):
        parts += [f"{k}: {v}" for k, v in errors.items()]
    for key in ("message", "errorMessage"):
        if isinstance(body.get(key), str):
            parts.append(body[key])
    return "; ".join(parts)[:limit]


def missing_hint(response: requests.Response, shown: str, default: str, name: str) -> str:
    """What a 404 means: a missing endpoint, a missing issue/project, or a wrong base URL.

    Jira's REST layer answers a path it does not serve with `{"message": "null for uri: …"}`
    (Jersey), a missing issue or project with `errorMessages`; a wrong base URL usually meets
    an HTML page of the web server or proxy in front.
    """
    try:
        body = response.json()
    except ValueError:
        return default
    message = body.get("message") if isinstance(body, Mapping) else None
    if isinstance(message, str) and message.startswith("null for uri"):
        method, _, url = shown.partition(" ")
        path = urlsplit(url).path
        return (
            f"{name} has no endpoint {method} {path}: this version or edition does not "
            "offer it (the base URL itself answers)"
        )
    if isinstance(body, Mapping) and body.get("errorMessages"):
        return (
            "the issue or project does not exist or the account cannot see it; check the "
            "base URL, the issue key and the project in the scope"
        )
    return default


def may_have_been_sent(exc: requests.RequestException) -> bool:
    """False only when the request surely never reached the server (no connection made)."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ReadTimeout):
        return True
    # requests wraps urllib3's MaxRetryError(reason=...) for failures to connect.
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return not isinstance(reason, NewConnectionError | ConnectTimeoutError)


def connect_reason(exc: BaseException) -> str:
    """Why a connection failed, in words (never the exception's text: it may carry the URL)."""
    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo and len(seen) < 20:
        item = todo.pop(0)
        if not isinstance(item, BaseException) or item in seen:
            continue
        seen.append(item)
        todo += [*item.args, getattr(item, "reason", None), item.__cause__, item.__context__]
    for item in seen:
        if isinstance(item, ConnectionRefusedError):
            return "connection refused (is the port right, and the tracker running?)"
        if isinstance(item, socket.gaierror):
            return "host name not found (is the URL right?)"
        if isinstance(item, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted ({item.verify_message})"
        if isinstance(item, ssl.SSLError):
            return "TLS handshake failed (an http:// server behind an https:// URL?)"
        if isinstance(item, requests.Timeout | socket.timeout | TimeoutError):
            return "no answer in time (a firewall, or the wrong host?)"
        if isinstance(item, ConnectionResetError):
            return "the connection was reset"
    return type(exc).__name__
