"""Register the Jira admin webhook that feeds `sla-sync run` (`sla-sync webhook register`).

Admin webhooks: `POST /rest/webhooks/1.0/webhook` with name, url, events, a JQL filter under
`issue-related-events-section` and, for signed deliveries, a `secret` (Jira then sends
`X-Hub-Signature: sha256=<HMAC of the body>`). Needs the Administer Jira permission.
https://developer.atlassian.com/cloud/jira/platform/webhooks/#registering-a-webhook-using-the-jira-rest-api--other-integrations-

Registering is idempotent: webhooks already pointing at the same URL (`GET` of the same
resource lists them) are deleted once the new one exists, so running it twice leaves one
webhook, with the current scope and secret (Jira never returns a secret, so an existing
webhook cannot be checked for it and is replaced instead). Jira Cloud only delivers to HTTPS:
https://developer.atlassian.com/cloud/jira/platform/deprecation-notice-registering-webhooks-with-non-secure-urls
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sync.errors import FatalTrackerError, UnsupportedError, UsageError
from sync.trackers.http import RetryingHttp

EVENTS = ("jira:issue_created", "jira:issue_updated")


def webhook_body(
    name: str, url: str, scope: str, secret: str | None, events: Sequence[str] = EVENTS
) -> dict[str, Any]:
    """The registration body (pure; the secret is only ever sent, never logged)."""
    body: dict[str, Any] = {
        "name": name,
        "url": url,
        "events": list(events),
        "filters": {"issue-related-events-section": scope},
        "excludeBody": False,
    }
    if secret:
        body["secret"] = secret
    return body


def manual_steps(name: str, url: str, scope: str) -> str:
    """What an administrator does by hand when the service account may not register."""
    return "\n".join(
        [
            "Ask a Jira administrator to create the webhook by hand:",
            "  Jira settings -> System -> WebHooks -> Create a WebHook",
            f"  Name:   {name}",
            f"  URL:    {url}",
            f"  JQL:    {scope}",
            "  Events: Issue created, Issue updated",
            "  Secret: the value of SLA_SYNC_SERVICE__JIRA_WEBHOOK_SECRET",
            "Then check delivery with the service's /metrics (sla_sync_webhook_events).",
        ]
    )


def register_webhook(
    http: RetryingHttp,
    rest_url: Callable[[str], str],
    *,
    name: str,
    url: str,
    scope: str,
    secret: str | None,
    cloud: bool = False,
) -> str:
    """Create the admin webhook, then drop older ones to the same URL; `UnsupportedError` with
    manual steps on 403/404."""
    if cloud and not url.lower().startswith("https://"):
        raise UsageError(
            "url", f"{url!r}: Jira Cloud delivers webhooks to https:// URLs only (put TLS in front)"
        )
    body = webhook_body(name, url, scope, secret)
    endpoint = rest_url("webhooks/1.0/webhook")
    try:
        older = [
            str(h.get("self") or "")
            for h in http.request("GET", endpoint) or ()
            if isinstance(h, dict) and str(h.get("url", "")).rstrip("/") == url.rstrip("/")
        ]
        created = http.request("POST", endpoint, json=body) or {}
    except FatalTrackerError as exc:
        if exc.status in (403, 404):
            raise UnsupportedError(
                f"this account may not register webhooks (HTTP {exc.status})",
                manual_steps(name, url, scope),
                status=exc.status,
            ) from None
        raise
    new = str(created.get("self") or created.get("name") or name)
    for old in older:
        if old and old != new:
            http.request("DELETE", old)
    return new
