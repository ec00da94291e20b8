"""Jira webhooks as the service receives them: HMAC signature, issue key, delivery id.

Jira signs with `X-Hub-Signature: sha256=<HMAC-SHA256 of the body>` when the webhook has a
secret, and sends `X-Atlassian-Webhook-Identifier` (the same on retries of one delivery).
https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["INTAKE", "JiraIntake"]

_DELIVERY_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_IGNORED_EVENTS = frozenset({"jira:issue_deleted"})  # nothing to write back to a deleted issue


class JiraIntake:
    """The `WebhookIntake` of Jira."""

    secret_setting = "jira_webhook_secret"
    # Jira project keys are upper-case letters, digits and `_`.
    key_pattern = re.compile(r"[A-Z][A-Z0-9_]{0,63}-[1-9][0-9]{0,11}")

    def verify(self, secret: bytes, header: Callable[[str], str], body: bytes) -> bool | None:
        given = header("X-Hub-Signature")
        if not given:
            return None
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), given.encode("latin-1", "replace"))

    def issue(self, doc: Mapping[str, Any]) -> tuple[str | None, str | None]:
        issue = doc.get("issue")
        key = issue.get("key") if isinstance(issue, Mapping) else None
        event = doc.get("webhookEvent")
        return (
            key if isinstance(key, str) and key else None,
            event if isinstance(event, str) else None,
        )

    def delivery_id(self, header: Callable[[str], str]) -> str | None:
        raw = header("X-Atlassian-Webhook-Identifier")
        return f"jira:{raw}" if raw and _DELIVERY_ID.fullmatch(raw) else None

    def ignored(self, event: str | None) -> bool:
        return event in _IGNORED_EVENTS

    def history(self, doc: Mapping[str, Any]) -> Mapping[str, Any] | None:
        # `jira:issue_updated` carries `user` (who) and `changelog.items` (what), the shape of
        # one changelog history: tests/fixtures/jira/real/jira_cloud_webhook_issue_updated_*.
        changelog, user = doc.get("changelog"), doc.get("user")
        if not isinstance(changelog, Mapping) or not isinstance(user, Mapping):
            return None
        items = changelog.get("items")
        return {"author": user, "items": items} if isinstance(items, list) and items else None


INTAKE = JiraIntake()
