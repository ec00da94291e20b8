"""Retry, backoff and error mapping of every tracker call (sync.trackers.http)."""

from __future__ import annotations

from collections import Counter

import pytest
import requests
import responses
from jira import JIRA

from sync.errors import FatalTrackerError, RetriableTrackerError, SkippableIssueError
from sync.trackers.http import Redactor, RetryingHttp, RetryPolicy

URL = "https://jira.example.com/rest/api/2/serverInfo"
FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, max_retry_after=30)


def _http(session=None, policy=FAST, **kw):
    sleeps: list[float] = []
    statuses: Counter[int] = Counter()
    http = RetryingHttp(
        session or requests.Session(),
        policy,
        sleep=sleeps.append,
        on_response=lambda s: statuses.update([s]),
        **kw,
    )
    return http, sleeps, statuses


@responses.activate
def test_429_honours_retry_after_then_succeeds():
    responses.get(URL, status=429, headers={"Retry-After": "7"}, json={})
    responses.get(URL, json={"deploymentType": "Cloud"})
    http, sleeps, statuses = _http()
    assert http.request("GET", URL) == {"deploymentType": "Cloud"}
    assert sleeps == [7.0]
    assert statuses == {429: 1, 200: 1}


@responses.activate
def test_retry_after_is_capped_by_the_policy():
    responses.get(URL, status=429, headers={"Retry-After": "3600"})
    responses.get(URL, json={})
    http, sleeps, _ = _http()
    http.request("GET", URL)
    assert sleeps == [30]


@responses.activate
def test_500_storm_gives_up_with_retriable_error_naming_the_url():
    responses.get(URL, status=500, json={"errorMessages": ["boom"]})
    http, sleeps, statuses = _http()
    with pytest.raises(
        RetriableTrackerError,
        match=r"GET https://jira.example.com/rest/api/2/"
        r"serverInfo still failing after 4 attempts.*HTTP 500",
    ) as err:
        http.request("GET", URL)
    assert err.value.status == 500
    assert statuses == {500: 4}
    assert len(sleeps) == 3
    # full jitter: each sleep lies within [0, min(max_delay, base * 2**n)]
    assert all(0 <= s <= b for s, b in zip(sleeps, [0.01, 0.02, 0.04], strict=True))


@responses.activate
def test_connection_errors_are_retried_then_succeed():
    responses.get(URL, json={"ok": True})  # the tracker answered once: later drops are outages
    responses.get(URL, body=requests.ConnectionError("refused"))
    responses.get(URL, body=requests.ReadTimeout("slow"))
    responses.get(URL, json={"ok": True})
    http, sleeps, _ = _http()
    assert http.request("GET", URL) == {"ok": True}
    assert http.request("GET", URL) == {"ok": True}
    assert len(sleeps) == 2


def test_a_first_request_that_cannot_connect_says_why_after_one_retry():
    # A wrong port is a setup mistake, not an outage: one quick retry, no "retry later".
    import socket

    with socket.socket() as s:  # a port nothing listens on: bound, never listened
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        http, sleeps, _ = _http()
        with pytest.raises(RetriableTrackerError) as err:
            http.request("GET", f"http://127.0.0.1:{port}/rest/api/2/serverInfo")
    text = str(err.value)
    assert text.startswith(f"cannot connect to http://127.0.0.1:{port}: connection refused")
    assert "retry later" not in text and len(sleeps) == 1


@responses.activate
def test_total_time_budget_stops_retrying_before_max_attempts():
    responses.get(URL, status=503)
    clock = iter([0.0, 0.0, 100.0, 200.0])
    policy = RetryPolicy(max_attempts=10, base_delay=1, max_delay=1, max_total=150)
    http, sleeps, _ = _http(policy=policy, clock=lambda: next(clock), rng=lambda: 1.0)
    with pytest.raises(RetriableTrackerError, match="after 3 attempts"):
        http.request("GET", URL)
    assert sleeps == [1, 1]


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        (403, "lacks a permission"),
        (404, "check the base URL"),
        (409, "retrying will not help"),
    ],
)
@responses.activate
def test_client_errors_are_fatal_with_a_hint_and_no_retry(status, hint):
    responses.get(URL, status=status, json={"errorMessages": ["Issue does not exist"]})
    http, sleeps, _ = _http()
    with pytest.raises(FatalTrackerError, match=hint) as err:
        http.request("GET", URL, params={"fields": "status"})
    assert f"GET {URL}?fields=status -> HTTP {status}" in str(err.value)
    assert "Issue does not exist" in str(err.value)
    assert sleeps == []


@responses.activate
def test_400_on_a_write_is_skippable_for_that_issue():
    responses.put(URL, status=400, json={"errorMessages": [], "errors": {"x": "bad"}})
    http, _, _ = _http()
    with pytest.raises(SkippableIssueError, match="x: bad") as err:
        http.request("PUT", URL, json={}, skippable_key="SUP-1")
    assert err.value.key == "SUP-1"


@responses.activate
def test_errors_raised_by_the_jira_library_session_are_mapped_too():
    # With max_retries=0 pycontribs' ResilientSession raises JIRAError on a 503.
    client = JIRA("https://jira.example.com", get_server_info=False, max_retries=0)
    responses.get(URL, status=503)
    responses.get(URL, json={"version": "9.12.0"})
    http, sleeps, statuses = _http(session=client._session)
    assert http.request("GET", URL) == {"version": "9.12.0"}
    assert statuses == {503: 1, 200: 1}
    assert len(sleeps) == 1


def test_redactor_removes_secret_and_its_basic_auth_form():
    redact = Redactor(["s3cret-token"], user="bot@example.com")
    text = "token s3cret-token header Authorization: Basic Ym90QGV4YW1wbGUuY29tOnMzY3JldC10b2tlbg=="
    out = redact(text)
    assert "s3cret-token" not in out
    assert "Ym90QGV4YW1wbGUuY29tOnMzY3JldC10b2tlbg==" not in out
    assert redact("{'Authorization': 'Bearer abcdefghijkl'}") == "{'Authorization': '***'}"


@responses.activate
def test_html_login_page_with_200_is_fatal_not_data():
    responses.get(URL, body="<html>Log in</html>", content_type="text/html")
    http, _, _ = _http()
    with pytest.raises(FatalTrackerError, match=r"text/html, not JSON.*SSO page"):
        http.request("GET", URL)


@responses.activate
def test_seraph_authentication_failed_header_is_a_login_failure():
    responses.get(URL, body="", headers={"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"})
    http, _, _ = _http()
    with pytest.raises(FatalTrackerError, match="login failed: check the e-mail/API token"):
        http.request("GET", URL)
