"""Is one issue id among the scope's issues? The scope query narrowed by `issue id:`, one row.

A webhook only says "look at X"; before sla-sync writes to X it asks YouTrack whether X matches
the configured scope query. `issue id: X` is YouTrack's attribute for one issue;
https://www.jetbrains.com/help/youtrack/cloud/search-and-command-attributes.html#issue-id
"""

from __future__ import annotations

from collections.abc import Callable

from sync.errors import SkippableIssueError
from sync.trackers.http import RetryingHttp

__all__ = ["in_scope", "scope_query"]


def scope_query(scope: str, key: str) -> str:
    """`(<scope>) and issue id: <key>`."""
    clause = f"issue id: {key}"
    return f"({scope.strip()}) and {clause}" if scope.strip() else clause


def in_scope(http: RetryingHttp, url: Callable[[str], str], key: str, scope: str) -> bool:
    """True when the scope query selects the issue `key`."""
    params = {"query": scope_query(scope, key), "fields": "idReadable", "$top": 1}
    try:
        found = http.request("GET", url("issues"), params=params, skippable_key=key)
    except SkippableIssueError:
        return False  # HTTP 400: YouTrack could not read the id as an issue
    return bool(found)
