"""The webhook sender shared by the sandbox trackers."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import threading
import urllib.request
import uuid
from collections.abc import Mapping
from queue import Queue
from typing import Any

__all__ = ["WebhookSender"]


class WebhookSender:
    """Posts webhook payloads from a background thread; failures go to stderr and are dropped.

    `style="jira"` signs the body (`X-Hub-Signature: sha256=<hmac>`), as Jira admin webhooks
    do; `style="youtrack"` sends the secret itself in `X-Sla-Sync-Secret`, as the workflow rule
    that stands in for webhooks in YouTrack does.
    """

    def __init__(
        self, url: str | None = None, secret: str | None = None, style: str = "jira"
    ) -> None:
        self.url = url
        self.secret = secret
        self.style = style
        self.sent = 0
        self._queue: Queue[bytes | None] = Queue()
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        self._thread.start()

    def send(self, payload: Mapping[str, Any]) -> None:
        """Queue one payload; never blocks the request thread."""
        if self.url:
            self._queue.put(json.dumps(payload, ensure_ascii=False).encode())

    def idle(self) -> bool:
        """True when every queued payload has been delivered (or given up)."""
        # `put` counts a task before the payload is visible; `task_done` ends it after.
        return self._queue.unfinished_tasks == 0

    def _run(self) -> None:
        while (body := self._queue.get()) is not None:
            try:
                self._deliver(body)
            finally:
                self._queue.task_done()

    def _deliver(self, body: bytes) -> None:
        url, secret = self.url, self.secret
        if not url:
            return
        headers = {"Content-Type": "application/json"}
        if self.style == "youtrack":
            if secret:
                headers["X-Sla-Sync-Secret"] = secret
        else:
            headers["X-Atlassian-Webhook-Identifier"] = str(uuid.uuid4())
            if secret:
                digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
                headers["X-Hub-Signature"] = f"sha256={digest}"
        try:
            req = urllib.request.Request(url, data=body, headers=headers, method="POST")
            with urllib.request.urlopen(req, timeout=5) as resp:
                resp.read()
            self.sent += 1
        except Exception as exc:  # a dead receiver must never break the sandbox
            print(f"sandbox webhook to {url} failed: {exc}", file=sys.stderr)

    def stop(self) -> None:
        """Stop the sender thread after the queued payloads."""
        self._queue.put(None)
        self._thread.join(timeout=5)
