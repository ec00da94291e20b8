"""YouTrack webhooks as the service receives them: shared secret and issue key.

YouTrack has no core webhooks. The workflow rule shipped in `deploy/youtrack/` posts
`{"issueId": "SUP-1"}` with `X-Sla-Sync-Secret`; the JetBrains *Webhook Triggers* app posts
the issue (`issue.idReadable`, or `project.shortName` + `numberInProject`) with its token
header. Neither sends a delivery id.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["INTAKE", "YouTrackIntake"]


class YouTrackIntake:
    """The `WebhookIntake` of YouTrack."""

    secret_setting = "youtrack_webhook_secret"
    # Readable ids (`SUP-1`) and internal ids (`2-123`) both work in the REST path.
    key_pattern = re.compile(r"[A-Za-z0-9_]{1,64}-[0-9]{1,12}")

    def verify(self, secret: bytes, header: Callable[[str], str], body: bytes) -> bool | None:
        given = header("X-Sla-Sync-Secret") or header("X-YouTrack-Token")
        if not given:
            return None
        return hmac.compare_digest(secret, given.encode("latin-1", "replace"))

    def issue(self, doc: Mapping[str, Any]) -> tuple[str | None, str | None]:
        issue = doc.get("issue") if isinstance(doc.get("issue"), Mapping) else {}
        project = doc.get("project") if isinstance(doc.get("project"), Mapping) else {}
        number = doc.get("numberInProject")
        composed = f"{project.get('shortName')}-{number}" if project and number else None
        candidates = [
            doc.get("issueId"), issue.get("idReadable"), issue.get("id"),
            doc.get("idReadable"), composed,
        ]  # fmt: skip
        key = next((c for c in candidates if isinstance(c, str) and c), None)
        event = doc.get("event")
        return key, event if isinstance(event, str) else None

    def delivery_id(self, header: Callable[[str], str]) -> str | None:
        return None

    def ignored(self, event: str | None) -> bool:
        return False

    def history(self, doc: Mapping[str, Any]) -> Mapping[str, Any] | None:
        return None  # the shipped workflow rule already drops sla-sync's own changes


INTAKE = YouTrackIntake()
