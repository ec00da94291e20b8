"""Paginators, one per paging scheme, each guarded against a server that never ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sync.errors import FatalTrackerError

__all__ = ["start_at_pages", "token_pages"]

Page = Mapping[str, Any]


def token_pages(fetch: Callable[[str | None], Page], *, what: str) -> Iterator[Page]:
    """Pages of a `nextPageToken` scheme (Jira search/jql, changelog bulkfetch).

    Stops at `isLast: true` or when no token comes back; a token seen before raises
    `FatalTrackerError`, since following it would loop forever.
    https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
    """
    seen: set[str] = set()
    token: str | None = None
    while True:
        page = fetch(token)
        yield page
        token = page.get("nextPageToken")
        if page.get("isLast") is True or not token:
            return
        if token in seen:
            raise FatalTrackerError(
                f"{what}: Jira returned the page token {token[:40]!r} twice; "
                "stopped paging to avoid an endless loop (a Jira or proxy bug)"
            )
        seen.add(token)


def start_at_pages(
    fetch: Callable[[int], Page], items_key: str, *, what: str, max_pages: int = 100_000
) -> Iterator[Page]:
    """Pages of a `startAt`/`maxResults` scheme (DC search, issue changelog).

    Ends at `isLast: true`, at `total`, or at an empty page; the next `startAt` counts the
    items actually received because servers may cap `maxResults` below what was asked.
    https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/search-searchUsingSearchRequest
    """
    start = 0
    for _ in range(max_pages):
        page = fetch(start)
        yield page
        items = page.get(items_key) or ()
        start = int(page.get("startAt", start)) + len(items)
        total = page.get("total")
        if page.get("isLast") is True or not items:
            return
        if isinstance(total, int) and start >= total:
            return
    raise FatalTrackerError(f"{what}: more than {max_pages} pages; stopped paging")


# ---- YouTrack: `$skip`/`$top` lists and activity cursors (self-contained block) ----

__all__ += ["after_cursor_pages", "skip_top_pages"]


def skip_top_pages(
    fetch: Callable[[int, int], list[Any]],
    *,
    what: str,
    top: int = 100,
    max_skip: int = 1_000_000,
    key: Callable[[Any], Any] = lambda item: item.get("id") if isinstance(item, Mapping) else item,
) -> Iterator[list[Any]]:
    """Pages of a `$skip`/`$top` list (YouTrack `GET /api/issues`): bare JSON arrays.

    Ends at a page shorter than `top` (the server may cap `$top`, so an empty page ends it too).
    A page whose item keys equal the previous page's, or `$skip` beyond `max_skip`, raises
    `FatalTrackerError`: a server ignoring `$skip` would otherwise be paged forever.
    https://www.jetbrains.com/help/youtrack/devportal/api-concept-pagination.html
    """
    skip, previous = 0, None
    while True:
        if skip > max_skip:
            raise FatalTrackerError(f"{what}: more than {max_skip} items; stopped paging")
        page = list(fetch(skip, top) or ())
        keys = [key(item) for item in page]
        if page and keys == previous:
            raise FatalTrackerError(
                f"{what}: $skip={skip} returned the same page as before; stopped paging "
                "to avoid an endless loop (a proxy dropping query parameters?)"
            )
        yield page
        if len(page) < top or not page:
            return
        previous, skip = keys, skip + len(page)


def after_cursor_pages(
    fetch: Callable[[str | None], Page], *, what: str, max_pages: int = 100_000
) -> Iterator[Page]:
    """Pages of a YouTrack activity cursor (`activitiesPage`): `afterCursor` while `hasAfter`.

    A cursor seen before raises `FatalTrackerError`.
    https://www.jetbrains.com/help/youtrack/devportal/api-entity-ActivityCursorPage.html
    """
    seen: set[str] = set()
    cursor: str | None = None
    for _ in range(max_pages):
        page = fetch(cursor)
        yield page
        cursor = page.get("afterCursor")
        if page.get("hasAfter") is not True or not cursor:
            return
        if cursor in seen:
            raise FatalTrackerError(
                f"{what}: YouTrack returned the activity cursor {cursor[:40]!r} twice; "
                "stopped paging to avoid an endless loop"
            )
        seen.add(cursor)
    raise FatalTrackerError(f"{what}: more than {max_pages} pages; stopped paging")
