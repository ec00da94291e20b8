"""One place for tracker HTTP: retries with backoff, error mapping, secret redaction.

Every adapter call goes through `RetryingHttp.request`. The error taxonomy lives in
`sync.errors`; this module only decides which of its classes an HTTP outcome is.

Idempotent requests (GET, PUT, DELETE, and POSTs the caller declares idempotent) are retried
after any transient failure. A non-idempotent one (a comment) is retried only when it surely
was not sent (the connection could not be made, or 429); when it may have been processed —
connection reset or read timeout after sending, a 5xx, an unreadable 2xx — it raises
`OutcomeUnknownError` and the caller looks for the effect before trying again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
import structlog

from sync.errors import (
    FatalTrackerError,
    OutcomeUnknownError,
    RetriableTrackerError,
    SkippableIssueError,
)
from sync.trackers.http_errors import connect_reason, error_text, may_have_been_sent, missing_hint
from sync.trackers.redact import Redactor

__all__ = ["Redactor", "RetryPolicy", "RetryingHttp", "error_text"]

# Why these hints: the three failures a first-time user hits, each with the thing to check.
_HINTS = {
    401: "check the e-mail/API token (Cloud) or the personal access token (Data Center)",
    403: "the account lacks a permission here (Browse projects / Edit issues / Administer)",
    400: "Jira rejected the request; check the scope JQL and the field ids",
    404: "check the base URL and the issue key / project in the scope",
    410: "this Jira API was removed; upgrade sla-sync",
}
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounds of the retry loop; tests shrink them and inject `sleep`."""

    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_retry_after: float = 300.0
    max_total: float = 900.0
    timeout: float | tuple[float, float] = (10.0, 60.0)


class _Unreadable(Exception):
    """A 2xx answer whose JSON body is cut short or malformed (a proxy, a dropped connection)."""


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # absent or an HTTP-date: fall back to exponential backoff


class RetryingHttp:
    """Sends requests through a `requests.Session` and applies the retry/error policy."""

    tracker_title = "Jira"  # in messages; subclasses for other trackers set their own
    hints = _HINTS

    def error_detail(self, response: requests.Response) -> str:
        """The tracker's own error text from a response body (never its headers)."""
        return error_text(response)

    def __init__(
        self,
        session: requests.Session,
        policy: RetryPolicy | None = None,
        *,
        redact: Callable[[str], str] | None = None,
        on_response: Callable[[int], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        logger: Any = None,
    ) -> None:
        self.session = session
        self.policy = policy or RetryPolicy()
        self._redact = redact or Redactor()
        self._on_response = on_response
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._log = logger or structlog.get_logger()
        self._answered = False  # has the tracker ever answered this client?

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        skippable_key: str | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send one request with retries; return the decoded JSON body (None when empty).

        With `skippable_key`, a 400 answer becomes `SkippableIssueError(skippable_key, ...)`.
        `idempotent` (default: by method) says whether sending it twice is harmless; when
        not, an answer lost after sending raises `OutcomeUnknownError` instead of a retry.
        """
        shown = self._redact(f"{method} {url}{'?' + urlencode(params) if params else ''}")
        once = not (method.upper() in _IDEMPOTENT if idempotent is None else idempotent)
        started, attempt = self._clock(), 0
        while True:
            attempt += 1
            response, failure, maybe_sent = self._send(method, url, params, json)
            hinted = None
            if response is not None:
                self._answered = True
                if self._on_response:
                    self._on_response(response.status_code)
                status = response.status_code
                if response.ok:
                    try:
                        return self._body(response, shown)
                    except _Unreadable:
                        failure = f"HTTP {status} with a truncated or malformed JSON body"
                elif status != 429 and status < 500:
                    raise self._client_error(status, response, shown, skippable_key)
                else:
                    failure = f"HTTP {status}"
                    hinted = _retry_after(response) if status == 429 else None
                maybe_sent = status != 429  # a 429 was refused before any processing
            if once and maybe_sent:
                raise OutcomeUnknownError(
                    f"{shown} -> {failure} after the request was sent: it may have taken "
                    "effect, so it is not repeated blindly",
                    status=response.status_code if response is not None else None,
                    url=shown,
                ) from None
            if response is None and not self._answered and attempt >= 2:
                # Never answered, twice: a setup mistake (URL, port, TLS), not an outage to
                # back off from for minutes.
                raise RetriableTrackerError(
                    f"cannot connect to {self._origin(shown)}: {failure}", url=shown
                )
            delay = self._delay(attempt, hinted)
            elapsed = self._clock() - started
            if attempt >= self.policy.max_attempts or elapsed + delay > self.policy.max_total:
                status = response.status_code if response is not None else None
                why = (
                    f"{self.tracker_title} (or a proxy in front of it) cuts its answers short"
                    if "malformed" in failure
                    else f"{self.tracker_title} is overloaded or unreachable"
                )
                raise RetriableTrackerError(
                    f"{shown} still failing after {attempt} attempts in {elapsed:.0f}s "
                    f"(last: {failure}); {why}, retry later",
                    status=status,
                    url=shown,
                ) from None
            self._log.warning(
                "tracker.retry",
                request=shown,
                attempt=attempt,
                failure=failure,
                delay=round(delay, 3),
            )
            self._sleep(delay)

    def _send(
        self, method: str, url: str, params: Mapping[str, Any] | None, body: Any
    ) -> tuple[requests.Response | None, str, bool]:
        """(response, failure, whether a failed request may have reached the server)."""
        try:
            return self.session.request(method, url, params=params, json=body), "", True
        except (requests.ConnectionError, requests.Timeout) as exc:
            # Not str(exc): it can carry the full URL and proxy details.
            return None, connect_reason(exc), may_have_been_sent(exc)
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.InvalidSchema,
            requests.exceptions.MissingSchema,
        ) as exc:
            raise FatalTrackerError(
                f"cannot use the URL {self._origin(url)}: {type(exc).__name__} "
                "(it needs https:// or http:// and a host)",
                url=url,
            ) from None
        except Exception as exc:
            # pycontribs' ResilientSession raises JIRAError for non-2xx answers; its str()
            # includes request headers, so only its `.response` is used.
            response = getattr(exc, "response", None)
            if isinstance(response, requests.Response):
                return response, "", True
            raise

    @staticmethod
    def _origin(shown: str) -> str:
        """`https://host:port` of a request line ("GET https://host/rest/...")."""
        url = shown.rpartition(" ")[2]
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url

    def _body(self, response: requests.Response, shown: str) -> Any:
        # Jira DC answers a failed login on some endpoints with 200 and this header; proxies
        # and SSO front-ends answer with a 200 HTML page. Neither is data.
        if "AUTHENTICATED_FAILED" in response.headers.get("X-Seraph-LoginReason", ""):
            raise FatalTrackerError(
                f"{shown} -> login failed: {self.hints[401]}", status=401, url=shown
            )
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "unknown content")
            if "json" in kind.lower():
                raise _Unreadable from None  # JSON cut short: a transient fault, retried
            raise FatalTrackerError(
                f"{shown} -> HTTP {response.status_code} with {kind}, not JSON: {self.hints[404]} "
                f"(an SSO page or proxy answered instead of {self.tracker_title}?)",
                status=response.status_code,
                url=shown,
            ) from None

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        p = self.policy
        if retry_after is not None:
            return min(retry_after, p.max_retry_after)
        # Full jitter: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
        return self._rng() * min(p.max_delay, p.base_delay * 2 ** (attempt - 1))

    def _client_error(
        self, status: int, response: requests.Response, shown: str, key: str | None
    ) -> Exception:
        detail = self._redact(self.error_detail(response))
        name = self.tracker_title
        if status == 400 and key is not None:
            return SkippableIssueError(key, f"{name} rejected the write (HTTP 400): {detail}")
        hint = self.hints.get(status, f"{name} refused the request; retrying will not help")
        if status == 404:
            hint = missing_hint(response, shown, hint, name)
        text = f"{shown} -> HTTP {status}: {hint}" + (f" ({detail})" if detail else "")
        self._log.error("tracker.request_failed", request=shown, status=status)
        return FatalTrackerError(text, status=status, url=shown)
