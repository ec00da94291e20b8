"""The YouTrack sandbox's global activity stream, `GET /api/activitiesPage`.

Documented at https://www.jetbrains.com/help/youtrack/devportal/operations-api-activitiesPage.html
(an ActivityCursorPage: `activities`, `afterCursor`, `hasAfter`, `reverse`) with the parameters
of `get_activities_page` in the OpenAPI-generated `youtrack-rest-client` (PyPI): `categories`,
`reverse`, `start`, `end`, `author`, `issueQuery`, `cursor`. The docs do not say how items of
different issues at the same millisecond are ordered, nor what a cursor holds: these tests hold
the sandbox to what a client can rely on either way — every item once, oldest first.
"""

from __future__ import annotations

from typing import Any

from sandbox import Sandbox
from tests.sandbox.conftest import session

FIELDS = "activities(id,timestamp,author(login),target(id,idReadable)),afterCursor,hasAfter"
ALL = "CustomFieldCategory,IssueCreatedCategory,IssueResolvedCategory"


def _stream(sb: Sandbox, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of the stream by following `afterCursor`; and how many pages it took."""
    s, items, cursor, pages = session(sb), [], None, 0
    while True:
        body = s.get(
            f"{sb.url}/api/activitiesPage",
            params={"categories": ALL, "fields": FIELDS, **params}
            | ({"cursor": cursor} if cursor else {}),
        ).json()
        items += body["activities"]
        pages += 1
        if not body["hasAfter"]:
            return items, pages
        cursor = body["afterCursor"]


def _own(sb: Sandbox, key: str) -> list[str]:
    body = (
        session(sb)
        .get(
            f"{sb.url}/api/issues/{key}/activitiesPage",
            params={"categories": ALL, "fields": "activities(id)", "$top": -1},
        )
        .json()
    )
    return [a["id"] for a in body["activities"]]


def test_issue_query_selects_whose_activities_and_each_item_names_its_issue(
    youtrack: Sandbox,
) -> None:
    items, _ = _stream(youtrack, issueQuery="issue id: SUP-1, SUP-2", **{"$top": 1000})
    by_key: dict[str, list[str]] = {}
    for a in items:
        by_key.setdefault(a["target"]["idReadable"], []).append(a["id"])
    assert set(by_key) == {"SUP-1", "SUP-2"}
    assert by_key == {k: _own(youtrack, k) for k in ("SUP-1", "SUP-2")}
    times = [a["timestamp"] for a in items]
    assert times == sorted(times)  # oldest first across issues


def test_small_pages_give_every_item_once_in_the_same_order(youtrack: Sandbox) -> None:
    whole, one = _stream(youtrack, issueQuery="project: SUP", **{"$top": 10_000})
    paged, pages = _stream(youtrack, issueQuery="project: SUP", **{"$top": 7})
    assert one == 1 and pages == -(-len(whole) // 7)
    assert [a["id"] for a in paged] == [a["id"] for a in whole]


def test_items_recorded_while_a_client_pages_are_neither_skipped_nor_repeated(
    youtrack: Sandbox,
) -> None:
    sb, s = youtrack, session(youtrack)
    params = {"categories": ALL, "fields": FIELDS, "issueQuery": "issue id: SUP-2", "$top": 2}
    first = s.get(f"{sb.url}/api/activitiesPage", params=params).json()
    sb.human_change("SUP-2", {"priority": "Низкий"})
    rest, cursor = [], first["afterCursor"]
    while cursor:
        body = s.get(f"{sb.url}/api/activitiesPage", params={**params, "cursor": cursor}).json()
        rest += body["activities"]
        cursor = body["afterCursor"] if body["hasAfter"] else None
    ids = [a["id"] for a in first["activities"] + rest]
    assert ids == _own(sb, "SUP-2") and len(ids) == len(set(ids))


def test_start_end_author_and_reverse_filter_and_order(youtrack: Sandbox) -> None:
    items, _ = _stream(youtrack, issueQuery="project: SUP", **{"$top": 10_000})
    mid = items[len(items) // 2]["timestamp"]
    later, _ = _stream(youtrack, issueQuery="project: SUP", start=mid, **{"$top": 10_000})
    assert [a["id"] for a in later] == [a["id"] for a in items if a["timestamp"] >= mid]
    upto, _ = _stream(youtrack, issueQuery="project: SUP", end=mid, **{"$top": 10_000})
    assert [a["id"] for a in upto] == [a["id"] for a in items if a["timestamp"] <= mid]
    who = items[0]["author"]["login"]
    theirs, _ = _stream(youtrack, issueQuery="project: SUP", author=who, **{"$top": 10_000})
    assert theirs and all(a["author"]["login"] == who for a in theirs)
    back, _ = _stream(youtrack, issueQuery="project: SUP", reverse="true", **{"$top": 5})
    assert [a["id"] for a in back] == [a["id"] for a in reversed(items)]


def test_missing_categories_and_bad_query_are_400(youtrack: Sandbox) -> None:
    s, url = session(youtrack), f"{youtrack.url}/api/activitiesPage"
    assert s.get(url, params={"issueQuery": "project: SUP"}).status_code == 400
    bad = s.get(url, params={"categories": ALL, "issueQuery": "a or b"})
    assert bad.status_code == 400 and bad.json()["error"] == "bad_request"
    assert s.get(url, params={"categories": ALL, "cursor": "nonsense"}).status_code == 400
