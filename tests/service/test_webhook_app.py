"""The WSGI app in-process: signatures, limits, shapes, de-duplication, health, metrics."""

from __future__ import annotations

import hashlib
import hmac
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from config.settings import ServiceSettings
from sync.adapters.queue import EventQueue
from sync.service.metrics import Metrics
from sync.service.wsgi import WebhookApp

SECRET = "hook-secret"


class FakeRoutes:
    """One Jira and one YouTrack tracker; the pass age is set by the test (injected clock)."""

    def __init__(self) -> None:
        self.age = 0.0
        self.outside: set[str] = set()  # keys the scope check said no to
        self.store: str | None = None  # the store's problem, if any

    def tracker_of_kind(self, kind: str, name: str | None = None) -> str | None:
        return {"jira": "jira", "youtrack": "yt"}[kind] if name in (None, "main") else None

    def pass_age(self) -> float:
        return self.age

    def out_of_scope(self, tracker: str, key: str) -> bool:
        return key in self.outside

    def store_problem(self) -> str | None:
        return self.store

    def own_write(self, tracker: str, history) -> bool:
        return (history.get("author") or {}).get("accountId") == "sla-bot"


def call(app, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    """One WSGI call; (status code, body text)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    for k, v in (headers or {}).items():
        environ["HTTP_" + k.upper().replace("-", "_")] = v
    seen = {}

    def start_response(status, hdrs):
        seen["status"] = int(status.split()[0])

    out = b"".join(app(environ, start_response))
    return seen["status"], out.decode()


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {
        "X-Hub-Signature": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    }


def jira_event(key: str = "SUP-1", event: str = "jira:issue_updated") -> bytes:
    return json.dumps({"webhookEvent": event, "issue": {"key": key, "id": "10001"}}).encode()


@pytest.fixture
def env(tmp_path):
    queue = EventQueue(tmp_path / "state.sqlite3")
    routes = FakeRoutes()
    cfg = ServiceSettings(
        jira_webhook_secret=SecretStr(SECRET),
        youtrack_webhook_secret=SecretStr(SECRET),
        max_body_bytes=4096,
        healthz_max_age_seconds=60,
    )
    app = WebhookApp(routes, queue, Metrics(), cfg)
    yield app, queue, routes
    queue.close()


def test_signed_jira_event_is_queued_before_202(env):
    app, queue, _ = env
    body = jira_event("SUP-7")
    assert call(app, "POST", "/webhooks/jira", body, signed(body))[0] == 202
    assert queue.depth() == 1 and queue.oldest()[:2] == ("jira", "SUP-7")


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "missing signature"),
        ({"X-Hub-Signature": "sha256=" + "0" * 64}, "wrong signature"),
        ({"X-Hub-Signature": "sha256=ünïcode"}, "wrong signature"),
    ],
)
def test_unsigned_or_wrongly_signed_jira_event_is_401(env, headers, reason):
    app, queue, _ = env
    status, text = call(app, "POST", "/webhooks/jira", jira_event(), headers)
    assert (status, text.strip()) == (401, reason)
    assert queue.depth() == 0


def test_signature_over_another_body_is_401(env):
    app, _, _ = env
    assert (
        call(app, "POST", "/webhooks/jira", jira_event("SUP-2"), signed(jira_event("SUP-1")))[0]
        == 401
    )


def test_oversized_body_is_413_without_reading_it(env):
    app, queue, _ = env
    body = b"{" + b" " * 5000 + b"}"
    assert call(app, "POST", "/webhooks/jira", body, signed(body))[0] == 413
    assert queue.depth() == 0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "body is not JSON"),
        (b"[1, 2]", "body is not a JSON object"),
        (b'{"issue": {}}', "missing issue key"),
        (b'{"issue": {"key": 7}}', "missing issue key"),
        (b'{"issue": {"key": "sup 1; drop"}}', "issue key has the wrong shape"),
    ],
)
def test_malformed_or_wrong_shape_is_400_with_a_one_line_reason(env, body, reason):
    app, queue, _ = env
    status, text = call(app, "POST", "/webhooks/jira", body, signed(body))
    assert (status, text) == (400, reason + "\n")
    assert queue.depth() == 0


def test_redelivery_with_the_same_identifier_is_acknowledged_but_not_queued_twice(env):
    app, queue, _ = env
    body = jira_event()
    headers = {**signed(body), "X-Atlassian-Webhook-Identifier": "abc-123"}
    assert call(app, "POST", "/webhooks/jira", body, headers)[0] == 202
    status, text = call(app, "POST", "/webhooks/jira", body, headers)
    assert status == 200 and text.startswith("duplicate")
    assert queue.depth() == 1


def test_deleted_issue_event_is_ignored(env):
    app, queue, _ = env
    body = jira_event(event="jira:issue_deleted")
    assert call(app, "POST", "/webhooks/jira", body, signed(body))[0] == 200
    assert queue.depth() == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"issueId": "SUP-3"},
        {"issue": {"idReadable": "SUP-3", "id": "2-77"}},
        {"event": "issueUpdated", "project": {"shortName": "SUP"}, "numberInProject": 3},
    ],
)
def test_youtrack_payloads_with_the_shared_secret_are_queued(env, payload):
    app, queue, _ = env
    body = json.dumps(payload).encode()
    assert call(app, "POST", "/webhooks/youtrack", body, {"X-Sla-Sync-Secret": SECRET})[0] == 202
    assert queue.oldest()[:2] == ("yt", "SUP-3")


def test_youtrack_without_or_with_a_wrong_secret_is_401(env):
    app, _, _ = env
    body = b'{"issueId": "SUP-3"}'
    assert call(app, "POST", "/webhooks/youtrack", body)[0] == 401
    assert call(app, "POST", "/webhooks/youtrack", body, {"X-Sla-Sync-Secret": "nope"})[0] == 401


def test_unknown_tracker_name_wrong_method_and_unknown_path(env):
    app, _, _ = env
    body = jira_event()
    assert call(app, "POST", "/webhooks/jira/other", body, signed(body))[0] == 404
    assert call(app, "POST", "/webhooks/jira/main", body, signed(body))[0] == 202
    assert call(app, "GET", "/webhooks/jira")[0] == 405
    assert call(app, "GET", "/nope")[0] == 404


def test_unsigned_events_are_accepted_only_when_explicitly_allowed(tmp_path):
    queue = EventQueue(tmp_path / "q.sqlite3")
    strict = WebhookApp(FakeRoutes(), queue, Metrics(), ServiceSettings())
    assert call(strict, "POST", "/webhooks/jira", jira_event())[0] == 401
    lax = WebhookApp(FakeRoutes(), queue, Metrics(), ServiceSettings(webhook_allow_unsigned=True))
    assert call(lax, "POST", "/webhooks/jira", jira_event())[0] == 202
    queue.close()


def test_after_stop_webhooks_get_503_so_the_tracker_retries(env):
    app, queue, _ = env
    app.accepting = False
    body = jira_event()
    assert call(app, "POST", "/webhooks/jira", body, signed(body))[0] == 503
    assert queue.depth() == 0


def test_healthz_is_200_while_fresh_and_503_once_the_last_pass_is_too_old(env):
    app, _, routes = env
    routes.age = 5.0
    status, text = call(app, "GET", "/healthz")
    assert status == 200 and json.loads(text)["last_pass_age_seconds"] == 5.0
    routes.age = 61.0
    status, text = call(app, "GET", "/healthz")
    assert status == 503 and json.loads(text)["status"] == "stale"


def test_metrics_exposition_names_every_metric(env):
    app, queue, _ = env
    app.metrics.watch_queue(queue.depth)
    app.metrics.watch_store(queue.path, lambda: ["jira"])
    app.metrics.on_response(200)
    body = jira_event()
    call(app, "POST", "/webhooks/jira", body, signed(body))
    call(app, "POST", "/webhooks/jira", body)
    status, text = call(app, "GET", "/metrics")
    assert status == 200
    for name in (
        "sla_sync_passes",
        "sla_sync_pass_duration_seconds",
        "sla_sync_tracker_requests_total",
        "sla_sync_writes",
        "sla_sync_breaches",
        "sla_sync_queue_depth 1.0",
        'sla_sync_webhook_events_total{outcome="accepted",source="jira"} 1.0',
        'sla_sync_webhook_events_total{outcome="unauthorized",source="jira"} 1.0',
        "sla_sync_breached_issues",
    ):
        assert name in text, name


_header_names = st.sampled_from(
    [
        "X-Hub-Signature",
        "X-Sla-Sync-Secret",
        "X-YouTrack-Token",
        "X-Atlassian-Webhook-Identifier",
        "Content-Type",
    ]
)
_json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
_bodies = st.one_of(
    st.binary(max_size=6000),
    _json_like.map(lambda v: json.dumps(v).encode()),
    st.builds(lambda k: json.dumps({"issue": {"key": k}}).encode(), st.text(max_size=30)),
    st.builds(lambda k: json.dumps({"issueId": k}).encode(), st.text(max_size=30)),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    method=st.sampled_from(["POST", "GET", "PUT", "HEAD"]),
    path=st.sampled_from(
        [
            "/webhooks/jira",
            "/webhooks/youtrack",
            "/webhooks/jira/main",
            "/healthz",
            "/metrics",
            "/",
            "/webhooks/",
            "/webhooks/jira/x/y",
        ]
    ),
    body=_bodies,
    headers=st.dictionaries(_header_names, st.text(max_size=80), max_size=4),
    length=st.one_of(st.none(), st.sampled_from(["", "-1", "abc", "99999999", "0", " 5"])),
    sign=st.booleans(),
)
def test_random_requests_never_raise_and_never_answer_500(
    env, method, path, body, headers, length, sign
):
    app, _, _ = env
    if sign:
        headers = {**headers, **signed(body), "X-Sla-Sync-Secret": SECRET}
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.input": io.BytesIO(body)}
    environ["CONTENT_LENGTH"] = str(len(body)) if length is None else length
    for k, v in headers.items():
        environ["HTTP_" + k.upper().replace("-", "_")] = v
    seen = {}
    out = b"".join(app(environ, lambda s, h: seen.setdefault("status", int(s.split()[0]))))
    assert seen["status"] in (200, 202, 400, 401, 404, 405, 413), (seen, out)


def test_a_webhook_known_to_be_outside_the_scope_is_answered_ignored_and_not_queued(env):
    app, queue, routes = env
    routes.outside.add("OTH-1")
    body = jira_event("OTH-1")
    status, text = call(app, "POST", "/webhooks/jira", body, signed(body))
    assert (status, text) == (200, "ignored: OTH-1 is not in the scope of tracker jira\n")
    assert queue.depth() == 0


def test_a_full_disk_answers_webhooks_503_and_healthz_names_the_store_until_it_recovers(env):
    app, queue, _routes = env
    # SQLite's page limit makes this connection's disk "full" as ENOSPC does (SQLITE_FULL).
    # https://sqlite.org/pragma.html#pragma_max_page_count
    queue._f.one(f"PRAGMA max_page_count={queue._f.one('PRAGMA page_count')[0]}")
    statuses = set()
    for n in range(200):  # fill the last free pages
        body = jira_event(f"SUP-{n + 1}")
        statuses.add(call(app, "POST", "/webhooks/jira", body, signed(body))[0])
    assert 503 in statuses  # before: 503 here while /healthz said 200
    status, text = call(app, "GET", "/healthz")
    doc = json.loads(text)
    assert status == 503 and doc["status"] == "store_error" and "disk is full" in doc["store"]
    queue._f.one("PRAGMA max_page_count=1073741823")
    body = jira_event("SUP-999")
    assert call(app, "POST", "/webhooks/jira", body, signed(body))[0] == 202
    assert call(app, "GET", "/healthz")[0] == 200


def test_healthz_reports_a_state_store_the_passes_cannot_use(env):
    app, _queue, routes = env
    routes.store = (
        "state store /x.sqlite3: cannot be written (attempt to write a readonly database)"
    )
    status, text = call(app, "GET", "/healthz")
    assert status == 503 and json.loads(text)["store"] == routes.store


def _jira_change(author: str, items: list) -> bytes:
    # The shape of tests/fixtures/jira/real/jira_cloud_webhook_issue_updated_status.zulip.json.
    return json.dumps(
        {
            "webhookEvent": "jira:issue_updated",
            "user": {"accountId": author},
            "issue": {"key": "SUP-1"},
            "changelog": {"id": "1", "items": items},
        }
    ).encode()


def test_the_webhook_of_our_own_write_is_answered_ignored_and_not_queued(tmp_path):
    queue = EventQueue(tmp_path / "q.sqlite3")
    app = WebhookApp(FakeRoutes(), queue, Metrics(), ServiceSettings(webhook_allow_unsigned=True))
    ours = _jira_change("sla-bot", [{"field": "SLA due", "fieldId": "customfield_10110"}])
    status, text = call(app, "POST", "/webhooks/jira", ours)
    assert (status, queue.depth()) == (200, 0) and "changed by sla-sync itself" in text
    human = _jira_change("anna", [{"field": "status", "fieldId": "status"}])
    assert call(app, "POST", "/webhooks/jira", human)[0] == 202 and queue.depth() == 1
