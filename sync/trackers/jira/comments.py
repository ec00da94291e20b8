"""Jira issue comments: post one, read all (REST v2 bodies are wiki strings, not ADF)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from sync.trackers.http import RetryingHttp
from sync.trackers.paging import start_at_pages

__all__ = ["bodies", "post"]


def post(http: RetryingHttp, url: Callable[[str], str], key: str, body: str) -> None:
    """Add a plain-text comment to the issue."""
    http.request(
        "POST",
        url(f"api/2/issue/{quote(key, safe='')}/comment"),
        json={"body": body},
        skippable_key=key,
    )


def bodies(http: RetryingHttp, url: Callable[[str], str], key: str, page_size: int) -> list[str]:
    """Plain-text bodies of the issue's comments, oldest first.

    https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issue-comments/#api-rest-api-2-issue-issueidorkey-comment-get
    """
    base = url(f"api/2/issue/{quote(key, safe='')}/comment")

    def fetch(start: int) -> Mapping[str, Any]:
        return http.request("GET", base, params={"startAt": start, "maxResults": page_size})

    return [
        str(c.get("body") or "")
        for p in start_at_pages(fetch, "comments", what=f"GET {base}")
        for c in p.get("comments") or ()
    ]
