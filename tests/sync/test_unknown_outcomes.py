"""Which failures of a request mean "maybe done": the retry loop and the comment rule, in-process.

A non-idempotent request (a comment POST) is retried only when it surely never reached the
server; otherwise `OutcomeUnknownError`, and `post_comment_once` looks before posting again.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from sync.errors import FatalTrackerError, OutcomeUnknownError
from sync.passes.deliver import UNKNOWN_ATTEMPTS, post_comment_once
from sync.trackers.http import RetryingHttp, RetryPolicy

URL = "https://jira.example.com/rest/api/2/issue/SUP-1/comment"
FAST = RetryPolicy(max_attempts=4, base_delay=0.0, max_delay=0.0)


def _http() -> RetryingHttp:
    return RetryingHttp(requests.Session(), FAST, sleep=lambda _s: None)


def _refused() -> requests.ConnectionError:
    reason = NewConnectionError(None, "Failed to establish a new connection: refused")
    return requests.ConnectionError(MaxRetryError(None, URL, reason))


def _reset() -> requests.ConnectionError:
    return requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError()))


@pytest.mark.parametrize(
    "lost",
    [
        {"body": _reset()},
        {"body": requests.ReadTimeout("read timed out")},
        {"status": 503, "json": {}},
        {"status": 500, "json": {}},
        {"status": 200, "body": '{"id": "1', "content_type": "application/json"},
    ],
    ids=["reset after sending", "read timeout", "503", "500", "truncated 2xx"],
)
@responses.activate
def test_a_post_whose_answer_is_lost_is_not_repeated(lost):
    responses.post(URL, **lost)
    responses.post(URL, json={"id": "2"})
    with pytest.raises(OutcomeUnknownError, match="may have taken effect"):
        _http().request("POST", URL, json={"body": "x"})
    assert len(responses.calls) == 1


@pytest.mark.parametrize(
    "not_sent",
    [
        {"body": _refused()},
        {"body": requests.ConnectTimeout("connect timed out")},
        {"status": 429, "headers": {"Retry-After": "0"}, "json": {}},
    ],
    ids=["connection refused", "connect timeout", "429"],
)
@responses.activate
def test_a_post_that_surely_did_not_reach_the_server_is_retried(not_sent):
    responses.post(URL, **not_sent)
    responses.post(URL, json={"id": "2"})
    assert _http().request("POST", URL, json={"body": "x"}) == {"id": "2"}
    assert len(responses.calls) == 2


@responses.activate
def test_idempotent_requests_are_retried_after_any_transient_failure():
    responses.put(URL, body=_reset())
    responses.put(URL, status=500, json={})
    responses.put(URL, status=204)
    responses.post(URL, status=503, json={})  # a POST the caller declares idempotent
    responses.post(URL, json={"ok": True})
    http = _http()
    assert http.request("PUT", URL, json={}) is None
    assert http.request("POST", URL, json={}, idempotent=True) == {"ok": True}
    assert len(responses.calls) == 5


@responses.activate
def test_a_truncated_json_answer_to_a_get_is_retried_but_an_html_page_is_fatal():
    responses.get(URL, body='{"comments": [', content_type="application/json")
    responses.get(URL, json={"comments": []})
    assert _http().request("GET", URL) == {"comments": []}
    responses.get(URL + "/html", body="<html>SSO</html>", content_type="text/html")
    with pytest.raises(FatalTrackerError, match="not JSON"):
        _http().request("GET", URL + "/html")


class _Tracker:
    """Stores a comment or not, and loses the answer, per scripted attempt."""

    def __init__(self, script: list[tuple[bool, bool]]) -> None:
        self.script, self.posts, self.stored = list(script), 0, []

    def comment(self, key: str, body: str) -> None:
        self.posts += 1
        store, lose = self.script.pop(0) if self.script else (True, False)
        if store:
            self.stored.append(body)
        if lose:
            raise OutcomeUnknownError("POST ... -> ConnectionError after the request was sent")

    def comments(self, key: str) -> list[str]:
        return list(self.stored)


def _fx(tracker: _Tracker):
    return SimpleNamespace(tracker=tracker)


def test_stored_but_answer_lost_counts_as_posted_without_a_second_post():
    t = _Tracker([(True, True)])
    assert post_comment_once(_fx(t), "SUP-1", "text", maybe_posted=False) is True
    assert (t.posts, t.stored) == (1, ["text"])


def test_lost_before_it_was_stored_is_looked_for_then_posted_again():
    t = _Tracker([(False, True), (False, True), (True, False)])
    assert post_comment_once(_fx(t), "SUP-1", "text", maybe_posted=False) is True
    assert (t.posts, t.stored) == (3, ["text"])


def test_an_answer_lost_every_time_gives_up_with_the_intent_still_open():
    t = _Tracker([(False, True)] * UNKNOWN_ATTEMPTS)
    with pytest.raises(OutcomeUnknownError):
        post_comment_once(_fx(t), "SUP-1", "text", maybe_posted=False)
    assert (t.posts, t.stored) == (UNKNOWN_ATTEMPTS, [])


def test_after_a_crash_the_comment_already_there_is_not_posted_again():
    t = _Tracker([])
    t.stored.append("  text\n")
    assert post_comment_once(_fx(t), "SUP-1", "text", maybe_posted=True) is False
    assert t.posts == 0
