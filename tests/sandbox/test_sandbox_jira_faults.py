"""Fault injection: 429, 5xx, latency, dropped connections, malformed bodies."""

from __future__ import annotations

import time

import pytest
import requests

from sandbox import Sandbox, start_sandbox
from tests.sandbox.conftest import SMALL, session

ISSUE = "/rest/api/{v}/issue/{key}"


def test_429_with_retry_after_fires_the_given_number_of_times(cloud: Sandbox) -> None:
    cloud.set_faults(
        [{"kind": "429", "route": ISSUE, "method": "GET", "times": 2, "retry_after": 3}]
    )
    s = session(cloud)
    first, second, third = (s.get(f"{cloud.url}/rest/api/2/issue/SUP-1") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    assert first.headers["Retry-After"] == "3"
    assert cloud.count("GET", ISSUE, 429) == 2 and cloud.count("GET", ISSUE, 200) == 1


@pytest.mark.parametrize("kind", ["500", "503"])
def test_server_errors_have_no_side_effect_by_default(cloud: Sandbox, kind: str) -> None:
    cloud.set_faults([{"kind": kind, "method": "PUT", "times": 1}])
    s, url = session(cloud), f"{cloud.url}/rest/api/2/issue/SUP-2"
    assert s.put(url, json={"fields": {"summary": "x"}}).status_code == int(kind)
    assert s.get(url).json()["fields"]["summary"] == "Отчёт"


def test_a_fault_after_the_handler_loses_the_answer_but_keeps_the_write(cloud: Sandbox) -> None:
    cloud.set_faults([{"kind": "drop", "method": "PUT", "times": 1, "after": True}])
    s, url = session(cloud), f"{cloud.url}/rest/api/2/issue/SUP-2"
    with pytest.raises(requests.ConnectionError):
        s.put(url, json={"fields": {"summary": "x"}})
    assert session(cloud).get(url).json()["fields"]["summary"] == "x"


def test_dropped_connection_closes_the_socket_without_an_answer(cloud: Sandbox) -> None:
    cloud.set_faults([{"kind": "drop", "path": "/myself", "times": 1}])
    with pytest.raises(requests.ConnectionError):
        session(cloud).get(f"{cloud.url}/rest/api/2/myself")
    assert session(cloud).get(f"{cloud.url}/rest/api/2/myself").status_code == 200


def test_latency_delays_the_answer(cloud: Sandbox) -> None:
    cloud.set_faults([{"kind": "latency", "delay_ms": 300, "route": "/rest/api/{v}/myself"}])
    started = time.monotonic()
    assert session(cloud).get(f"{cloud.url}/rest/api/2/myself").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_malformed_json_body(cloud: Sandbox) -> None:
    cloud.set_faults([{"kind": "malformed", "route": "/rest/api/{v}/field", "times": 1}])
    resp = session(cloud).get(f"{cloud.url}/rest/api/2/field")
    assert resp.status_code == 200
    with pytest.raises(ValueError):
        resp.json()


def test_probabilistic_faults_are_reproducible_with_a_seed() -> None:
    def pattern() -> list[int]:
        scenario = {**SMALL, "faults": [{"kind": "503", "probability": 0.5}]}
        with start_sandbox(scenario=scenario, seed=7) as sb:
            s = session(sb)
            return [s.get(f"{sb.url}/rest/api/2/myself").status_code for _ in range(20)]

    first = pattern()
    assert first == pattern() and {200, 503} == set(first)


def test_faults_can_be_set_and_cleared_through_the_admin_endpoint(cloud: Sandbox) -> None:
    rules = {"faults": [{"kind": "500", "route": "/rest/api/{v}/myself"}]}
    assert requests.post(f"{cloud.url}/_sandbox/faults", json=rules).status_code == 204
    assert session(cloud).get(f"{cloud.url}/rest/api/2/myself").status_code == 500
    assert requests.delete(f"{cloud.url}/_sandbox/faults").status_code == 204
    assert session(cloud).get(f"{cloud.url}/rest/api/2/myself").status_code == 200
    bad = requests.post(f"{cloud.url}/_sandbox/faults", json={"faults": [{"kind": "boom"}]})
    assert bad.status_code == 400


def test_request_counters_group_by_route_template_and_reset(cloud: Sandbox) -> None:
    s = session(cloud)
    for key in ("SUP-1", "SUP-2"):
        s.get(f"{cloud.url}/rest/api/2/issue/{key}")
    counts = cloud.requests()["counts"]
    assert {"method": "GET", "route": ISSUE, "status": 200, "count": 2} in counts
    cloud.reset_requests()
    assert cloud.requests()["total"] == 0
