"""Issue 11, finding 5b: a 404 says what is missing, not always "check the base URL".

Shapes: Jira answers a path it does not serve with Jersey's `{"message": "null for uri: ...",
"status-code": 404}` (the Jira sandbox's `not_found` copies it), a missing issue with
`errorMessages` ("Issue does not exist or you do not have permission to see it."), and a
wrong base URL typically meets the web server's or proxy's HTML 404 page.
"""

from __future__ import annotations

import pytest
import responses

from sandbox import start_sandbox
from sync.errors import FatalTrackerError
from sync.trackers.http import RetryingHttp, RetryPolicy

BASE = "https://jira.acme.test"


def _http() -> RetryingHttp:
    import requests

    return RetryingHttp(requests.Session(), RetryPolicy(max_attempts=1))


@responses.activate
def test_a_missing_endpoint_is_named_with_its_method_and_path():
    url = f"{BASE}/rest/api/3/field/customfield_10105/context"
    responses.get(url, status=404, json={"message": f"null for uri: {url}", "status-code": 404})
    with pytest.raises(FatalTrackerError) as err:
        _http().request("GET", url, params={"startAt": 0})
    text = str(err.value)
    assert "Jira has no endpoint GET /rest/api/3/field/customfield_10105/context" in text
    assert "check the base URL" not in text


@responses.activate
def test_a_missing_issue_says_so():
    url = f"{BASE}/rest/api/2/issue/SUP-404"
    responses.get(
        url,
        status=404,
        json={
            "errorMessages": ["Issue does not exist or you do not have permission to see it."],
            "errors": {},
        },
    )
    with pytest.raises(FatalTrackerError, match="the issue or project does not exist"):
        _http().request("GET", url)


@responses.activate
def test_an_html_404_still_points_at_the_base_url():
    url = f"{BASE}/wrong/rest/api/2/myself"
    responses.get(url, status=404, body="<html><body>Not Found</body></html>")
    with pytest.raises(FatalTrackerError, match="check the base URL"):
        _http().request("GET", url)


def test_the_sandbox_names_the_endpoint_data_center_lacks():
    # Data Center has no changelog bulkfetch (a Cloud-only endpoint): the sandbox answers
    # as Jira does for an unknown path, and the message names the endpoint.
    with start_sandbox(scenario="demo", mode="datacenter") as sb:
        http = _http()
        http.session.headers.update(sb.headers())
        with pytest.raises(FatalTrackerError) as err:
            http.request("POST", f"{sb.url}/rest/api/3/changelog/bulkfetch", json={})
        assert "Jira has no endpoint POST /rest/api/3/changelog/bulkfetch" in str(err.value)
