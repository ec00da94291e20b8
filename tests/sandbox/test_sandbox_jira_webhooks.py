"""Webhooks: Jira `jira:issue_updated` payloads, signed, sent from a background thread."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from queue import Queue

import pytest

from sandbox import start_sandbox
from tests.sandbox.conftest import SMALL, session

Received = Queue


@pytest.fixture
def receiver() -> Iterator[tuple[str, Queue]]:
    """A tiny local webhook receiver collecting (headers, raw body)."""
    got: Queue = Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.put((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    server.shutdown()
    server.server_close()


def test_issue_change_posts_a_signed_issue_updated_webhook(receiver: tuple) -> None:
    url, got = receiver
    with start_sandbox(scenario=SMALL, webhook_url=url, webhook_secret="s3cret") as sb:
        sb.human_change("SUP-2", {"status": "В работе"})
        session(sb).put(
            f"{sb.url}/rest/api/2/issue/SUP-2",
            json={"fields": {"customfield_10105": {"value": "running"}}},
        )
        first_headers, first = got.get(timeout=5)
        second_headers, second = got.get(timeout=5)
    expected = hmac.new(b"s3cret", first, hashlib.sha256).hexdigest()
    assert first_headers["X-Hub-Signature"] == f"sha256={expected}"
    assert (
        first_headers["X-Atlassian-Webhook-Identifier"]
        != second_headers["X-Atlassian-Webhook-Identifier"]
    )
    payload = json.loads(first)
    assert payload["webhookEvent"] == "jira:issue_updated"
    assert payload["issue_event_type_name"] == "issue_generic"
    assert payload["issue"]["key"] == "SUP-2"
    assert payload["changelog"]["items"][0]["toString"] == "В работе"
    assert payload["user"]["emailAddress"] == "agent@example.com"
    assert json.loads(second)["user"]["emailAddress"] == "sla-bot@example.com"


def test_webhook_registered_through_the_admin_api_respects_its_jql_filter(receiver: tuple) -> None:
    url, got = receiver
    with start_sandbox(scenario=SMALL, mode="datacenter") as sb:
        resp = session(sb).post(
            f"{sb.url}/rest/webhooks/1.0/webhook",
            json={
                "name": "sla-sync",
                "url": url,
                "events": ["jira:issue_updated"],
                "filters": {"issue-related-events-section": "key = SUP-3"},
                "secret": "x",
            },
        )
        assert resp.status_code == 201
        assert len(session(sb).get(f"{sb.url}/rest/webhooks/1.0/webhook").json()) == 1
        sb.human_change("SUP-2", {"priority": "Высокий"})
        sb.human_change("SUP-3", {"priority": "Высокий"}, comment="Повысили приоритет")
        keys = [json.loads(got.get(timeout=5)[1])["issue"]["key"] for _ in range(2)]
        assert got.empty()
    assert keys == ["SUP-3", "SUP-3"]


def test_a_dead_webhook_receiver_does_not_break_requests() -> None:
    with start_sandbox(scenario=SMALL, webhook_url="http://127.0.0.1:9/none") as sb:
        result = sb.human_change("SUP-2", {"status": "В работе"})
        assert result["history"] is not None


def test_webhook_ids_are_never_reused_after_a_delete() -> None:
    """Jira's webhook ids are database ids: a deleted one's id is not given out again."""
    import requests

    from sandbox import start_sandbox

    with start_sandbox(scenario="demo") as sb:
        url = f"{sb.url}/rest/webhooks/1.0/webhook"
        made = [
            requests.post(
                url, json={"url": f"https://x/{i}"}, headers=sb.headers(), timeout=10
            ).json()["self"]
            for i in range(3)
        ]
        requests.delete(made[0], headers=sb.headers(), timeout=10)
        again = requests.post(url, json={"url": "https://x/3"}, headers=sb.headers(), timeout=10)
        assert again.json()["self"] not in made
