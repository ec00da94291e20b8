"""What a sandbox tracker module and the shared server agree on: requests, responses,
errors, the router and the `App` a tracker plugs in."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["App", "Handler", "HttpError", "Request", "Response", "Router"]


class HttpError(Exception):
    """Raised by handlers to answer with a status and a JSON body."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


@dataclass
class Request:
    """One parsed HTTP request as handlers see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    route: str = ""
    user: Any = None

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def int_arg(self, name: str, default: int) -> int:
        """An integer query parameter; 400 when it is not a number."""
        raw = self.arg(name)
        if raw in (None, ""):
            return default
        try:
            return int(raw)
        except ValueError:
            raise HttpError(
                400, {"errorMessages": [f"Invalid value for '{name}'."], "errors": {}}
            ) from None

    def list_arg(self, name: str) -> list[str] | None:
        """A list parameter sent either repeated (`a=1&a=2`) or comma separated (`a=1,2`)."""
        if name not in self.query:
            return None
        return [part.strip() for v in self.query[name] for part in v.split(",") if part.strip()]

    def json(self) -> Any:
        """The JSON body (None when empty); 400 when it does not parse."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            raise HttpError(
                400, {"errorMessages": ["Unexpected character in JSON body."], "errors": {}}
            ) from None


@dataclass
class Response:
    """A handler's answer; `body` None means no content."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Any]


class Router:
    """Method + path-template routing (`/rest/api/{v}/issue/{key}`)."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, str, re.Pattern[str], Handler, bool]] = []

    def add(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        """Register a handler; `auth=False` for routes that need no credentials."""
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((method, template, re.compile(f"^{pattern}$"), handler, auth))

    def match(self, method: str, path: str) -> tuple[str, Handler, dict[str, str], bool] | None:
        """The (template, handler, params, needs_auth) for a request, or None."""
        for m, template, regex, handler, auth in self._routes:
            found = regex.match(path)
            if found and m == method:
                return template, handler, found.groupdict(), auth
        return None


class App(Protocol):
    """What a tracker module plugs into the server."""

    router: Router

    def authenticate(self, headers: Mapping[str, str]) -> Any:
        """The user the request authenticates as, or None."""
        ...

    def unauthorized(self) -> Response:
        """The tracker's 401 answer."""
        ...

    def not_found(self, path: str) -> Response:
        """The tracker's answer for an unknown path."""
        ...
