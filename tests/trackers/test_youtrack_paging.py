"""YouTrack paging schemes ($skip/$top lists, activity cursors) and their loop guards."""

from __future__ import annotations

import pytest

from sync.errors import FatalTrackerError
from sync.trackers.paging import after_cursor_pages, skip_top_pages


def test_skip_top_pages_advance_by_items_received_until_a_short_page():
    data = [{"id": str(i)} for i in range(5)]
    asked = []

    def fetch(skip, top):
        asked.append((skip, top))
        return data[skip : skip + top]

    got = [i["id"] for p in skip_top_pages(fetch, what="issues", top=2) for i in p]
    assert got == ["0", "1", "2", "3", "4"]
    assert asked == [(0, 2), (2, 2), (4, 2)]


def test_a_server_ignoring_skip_raises_instead_of_looping():
    with pytest.raises(FatalTrackerError, match=r"\$skip=2 returned the same page"):
        list(skip_top_pages(lambda _s, _t: [{"id": "a"}, {"id": "b"}], what="issues", top=2))


def test_skip_beyond_the_bound_raises():
    pages = skip_top_pages(lambda s, _t: [{"id": s}], what="issues", top=1, max_skip=3)
    with pytest.raises(FatalTrackerError, match="more than 3 items"):
        list(pages)


def test_activity_cursor_is_followed_while_has_after():
    pages = {
        None: {"activities": [1], "afterCursor": "c1", "hasAfter": True},
        "c1": {"activities": [2], "afterCursor": "c2", "hasAfter": False},
    }
    got = [a for p in after_cursor_pages(pages.__getitem__, what="acts") for a in p["activities"]]
    assert got == [1, 2]


def test_repeated_activity_cursor_raises():
    pages = {
        None: {"afterCursor": "c1", "hasAfter": True},
        "c1": {"afterCursor": "c1", "hasAfter": True},
    }
    with pytest.raises(FatalTrackerError, match="cursor 'c1' twice"):
        list(after_cursor_pages(pages.__getitem__, what="acts"))
