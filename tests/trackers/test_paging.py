"""The two Jira paging schemes, and their guards against endless paging."""

from __future__ import annotations

import pytest

from sync.errors import FatalTrackerError
from sync.trackers.paging import start_at_pages, token_pages


def test_next_page_token_pages_are_followed_until_is_last():
    pages = {
        None: {"issues": [1], "nextPageToken": "a", "isLast": False},
        "a": {"issues": [2], "nextPageToken": "b", "isLast": False},
        "b": {"issues": [3], "isLast": True},
    }
    asked: list[str | None] = []

    def fetch(token):
        asked.append(token)
        return pages[token]

    got = [i for p in token_pages(fetch, what="search") for i in p["issues"]]
    assert got == [1, 2, 3]
    assert asked == [None, "a", "b"]


def test_token_paging_ends_when_no_token_comes_back():
    pages = iter([{"nextPageToken": "x"}, {"nextPageToken": None}])
    assert len(list(token_pages(lambda _t: next(pages), what="bulkfetch"))) == 2


def test_repeated_page_token_raises_instead_of_looping():
    pages = iter(
        [
            {"nextPageToken": "a", "isLast": False},
            {"nextPageToken": "b", "isLast": False},
            {"nextPageToken": "a", "isLast": False},
        ]
    )
    with pytest.raises(FatalTrackerError, match=r"search/jql.*'a' twice"):
        list(token_pages(lambda _t: next(pages), what="GET /rest/api/3/search/jql"))


def test_start_at_counts_received_items_when_server_caps_max_results():
    asked: list[int] = []

    def fetch(start):
        asked.append(start)
        return {"startAt": start, "total": 5, "issues": list(range(start, min(start + 2, 5)))}

    got = [i for p in start_at_pages(fetch, "issues", what="search") for i in p["issues"]]
    assert got == [0, 1, 2, 3, 4]
    assert asked == [0, 2, 4]


def test_start_at_stops_at_is_last_and_on_an_empty_page():
    pages = iter(
        [
            {"startAt": 0, "isLast": False, "values": [1]},
            {"startAt": 1, "isLast": True, "values": [2]},
        ]
    )
    assert len(list(start_at_pages(lambda _s: next(pages), "values", what="changelog"))) == 2
    empty = iter([{"startAt": 0, "total": 10, "issues": []}])
    assert len(list(start_at_pages(lambda _s: next(empty), "issues", what="search"))) == 1
