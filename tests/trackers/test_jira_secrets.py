"""Tokens never reach log lines or error text, whatever Jira answers."""

from __future__ import annotations

import base64
import logging
import traceback

import pytest
import responses
from structlog.testing import capture_logs

from sync.errors import FatalTrackerError, RetriableTrackerError
from sync.trackers.http import RetryPolicy
from sync.trackers.jira.adapter import JiraTracker

BASE = "https://acme.atlassian.net"
EMAIL, TOKEN, PAT = "bot@acme.test", "ATATT3xFfGF0-secret-api-token", "NjY0MzQ3-secret-pat"
BASIC = base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
FAST = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.001)


def _everything_said(err: BaseException, caplog, logs) -> str:
    return "\n".join(
        [str(err), repr(err), *traceback.format_exception(err), caplog.text, repr(logs)]
    )


@pytest.mark.parametrize("auth", [{"email": EMAIL, "api_token": TOKEN}, {"pat": PAT}])
@responses.activate
def test_401_is_fatal_with_a_hint_and_no_secret_anywhere(auth, caplog):
    caplog.set_level(logging.DEBUG)
    responses.get(
        f"{BASE}/rest/api/2/myself",
        status=401,
        json={"errorMessages": ["Client must be authenticated"]},
        headers={"WWW-Authenticate": "Basic realm=jira"},
    )
    tracker = JiraTracker.connect(
        BASE, deployment="Cloud", policy=FAST, sleep=lambda _s: None, **auth
    )
    with capture_logs() as logs, pytest.raises(FatalTrackerError) as err:
        tracker.account_id()
    said = _everything_said(err.value, caplog, logs)
    assert "check the e-mail/API token" in str(err.value)
    assert f"GET {BASE}/rest/api/2/myself" in str(err.value)
    assert err.value.__cause__ is None and err.value.__context__ is None  # no JIRAError text
    # the library did send the credentials, so absence below is meaningful
    assert "Authorization" in responses.calls[0].request.headers
    for secret in (TOKEN, PAT, BASIC):
        assert secret not in said


@responses.activate
def test_retry_storm_logs_each_retry_without_secrets(caplog):
    caplog.set_level(logging.DEBUG)
    responses.get(f"{BASE}/rest/api/2/field", status=503, body="<html>down</html>")
    tracker = JiraTracker.connect(
        BASE, email=EMAIL, api_token=TOKEN, deployment="Cloud", policy=FAST, sleep=lambda _s: None
    )
    with capture_logs() as logs, pytest.raises(RetriableTrackerError) as err:
        tracker.fields()
    retries = [e for e in logs if e["event"] == "tracker.retry"]
    assert len(retries) == 2
    assert all(e["tracker"] == "jira" for e in retries)
    said = _everything_said(err.value, caplog, logs)
    for secret in (TOKEN, BASIC):
        assert secret not in said
