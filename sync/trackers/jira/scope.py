"""Is one issue key among the scope's issues? The scope JQL restricted to the key, one row.

A webhook only says "look at X"; before sla-sync writes to X it asks Jira whether X matches
the configured scope. Jira answers 400 for a key that does not exist or that the account
cannot see ("An issue with key 'X' does not exist for field 'key'") — not in scope either.
https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
"""

from __future__ import annotations

from collections.abc import Callable

from sync.errors import SkippableIssueError
from sync.trackers.http import RetryingHttp

__all__ = ["in_scope", "scope_jql"]


def scope_jql(scope: str, key: str) -> str:
    """`(<scope>) AND key = "<key>"`."""
    clause = f'key = "{key}"'
    return f"({scope.strip()}) AND {clause}" if scope.strip() else clause


def in_scope(
    http: RetryingHttp, url: Callable[[str], str], key: str, scope: str, *, cloud: bool
) -> bool:
    """True when the scope JQL selects the issue `key` (a moved issue answers for its old key)."""
    path = "api/3/search/jql" if cloud else "api/2/search"
    params = {"jql": scope_jql(scope, key), "fields": "key", "maxResults": 1}
    try:
        found = http.request("GET", url(path), params=params, skippable_key=key)
    except SkippableIssueError:
        return False  # HTTP 400: no such issue, or not visible to the account
    return bool((found or {}).get("issues"))
