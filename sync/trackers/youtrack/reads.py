"""YouTrack issue reads: search pages by `$skip/$top` and each issue's complete activity history.

Issues come from `GET /api/issues?query=`. The histories of a search page's issues come from
one stream of the global `GET /api/activitiesPage`, filtered to those issues by
`issueQuery=issue id: K1, K2, ...` and grouped by each item's `target`
(https://www.jetbrains.com/help/youtrack/devportal/operations-api-activitiesPage.html): one
request per 1 000 activities instead of one per issue. A server that answers activities of
issues it was not asked for ignores `issueQuery` (older versions): the reader then falls back,
for the rest of the session, to each issue's own `GET /api/issues/{id}/activitiesPage`, which is
complete by construction. One issue (`fetch`) is always read by its own cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from mappings.raw import RawIssue
from sync.ports import Known, Page
from sync.trackers.paging import after_cursor_pages, skip_top_pages
from sync.trackers.youtrack.http import (
    ACTIVITY_CATEGORIES,
    ACTIVITY_FIELDS,
    STREAM_FIELDS,
    issue_fields_spec,
)

__all__ = ["STREAM_TOP", "IssueReader"]

GetFn = Callable[..., Any]  # (path, **params) -> decoded JSON
Histories = dict[str, list[Mapping[str, Any]]]  # issue id -> its activities, oldest first
# Activities per page of the global stream. YouTrack documents no maximum for `$top` on cursor
# pages (its own mobile client sends `$top` there); a server that caps it lower answers more
# pages, which the cursor follows.
STREAM_TOP = 1000


class IssueReader:
    """Search and fetch with histories, over the adapter's GET."""

    def __init__(self, get: GetFn, page_size: int, on_fallback: Callable[[str], None]) -> None:
        self._get, self._page_size = get, page_size
        self._on_fallback = on_fallback
        self._stream = True  # False once the server ignored `issueQuery`

    def search(
        self, text: str, field_ids: Sequence[str], known: Known | None = None
    ) -> Iterator[Page]:
        """Pages of the issues a query selects, each issue with its complete history (but the
        `known` ones: their activities, one request each, are not read)."""
        params = _issue_params(field_ids)

        def fetch(skip: int, top: int) -> list[Any]:
            return self._get("issues", query=text, **params, **{"$skip": skip, "$top": top}) or []

        for issues in skip_top_pages(fetch, what="GET /api/issues", top=self._page_size):
            raws = [_raw(i, ()) for i in issues]
            skip = frozenset(r.key for r in raws if known and known(r.key, r.updated))
            histories = self.histories([r for r in raws if r.key not in skip])
            yield _page(
                [
                    r if r.key in skip else _raw(i, histories[r.id])
                    for r, i in zip(raws, issues, strict=True)
                ],
                skip,
            )

    def fetch(self, key: str, field_ids: Sequence[str]) -> RawIssue:
        """One issue, fresh, with its complete activity history."""
        issue = self._get(f"issues/{quote(key, safe='')}", **_issue_params(field_ids))
        return _raw(issue, self.activities(str(issue.get("id") or key)))

    def histories(self, raws: Sequence[RawIssue]) -> Histories:
        """The complete histories of some issues, by issue id: one activity stream for all."""
        if not raws:
            return {}
        if self._stream:
            by_id = self._stream_histories(raws)
            if by_id is not None:
                return by_id
        return {r.id: self.activities(r.id) for r in raws}

    def _stream_histories(self, raws: Sequence[RawIssue]) -> Histories | None:
        key_of = {r.id: r.key for r in raws}
        by_key: Histories = {r.key: [] for r in raws}
        params = {
            "issueQuery": "issue id: " + ", ".join(by_key),
            "categories": ACTIVITY_CATEGORIES,
            "fields": STREAM_FIELDS,
            "$top": STREAM_TOP,
        }
        for a in self._cursor_items("activitiesPage", params):
            target = a.get("target") or {}
            key = target.get("idReadable") or key_of.get(str(target.get("id")))
            if key not in by_key:  # the server did not filter by issueQuery
                self._stream = False
                self._on_fallback(str(key or target.get("id")))
                return None
            by_key[key].append(a)
        return {r.id: _oldest_first(by_key[r.key]) for r in raws}

    def activities(self, issue_id: str) -> list[Mapping[str, Any]]:
        """All custom-field activities of one issue, oldest first, following `afterCursor`."""
        path = f"issues/{quote(issue_id, safe='')}/activitiesPage"
        params = {"categories": ACTIVITY_CATEGORIES, "fields": ACTIVITY_FIELDS}
        return _oldest_first(list(self._cursor_items(path, params)))

    def _cursor_items(self, path: str, params: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        """The activities of a cursor page resource, page by page as they are read."""

        def fetch(cursor: str | None) -> Mapping[str, Any]:
            return self._get(path, **params, **({"cursor": cursor} if cursor else {})) or {}

        for page in after_cursor_pages(fetch, what=f"GET /api/{path}"):
            yield from page.get("activities") or ()


def _oldest_first(items: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    items.sort(key=lambda a: (int(a.get("timestamp") or 0), str(a.get("id", ""))))
    return items


def _issue_params(field_ids: Sequence[str]) -> dict[str, Any]:
    params: dict[str, Any] = {"fields": issue_fields_spec()}
    if field_ids:
        # `customFields=<name>` (repeated) returns only those custom fields.
        # https://www.jetbrains.com/help/youtrack/devportal/resource-api-issues.html
        params["customFields"] = list(dict.fromkeys(field_ids))
    return params


def _raw(issue: Mapping[str, Any], activities: Sequence[Mapping[str, Any]]) -> RawIssue:
    return RawIssue(
        tracker="youtrack",
        key=str(issue.get("idReadable") or issue.get("id")),
        id=str(issue.get("id")),
        fields=issue,
        histories=tuple(activities),
        updated=_ms_time(issue.get("updated")),
    )


def _ms_time(value: object) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return None


def _page(issues: list[RawIssue], known: frozenset[str] = frozenset()) -> Page:
    times = [i.updated for i in issues if i.updated is not None]
    return Page(issues=tuple(issues), last_updated=max(times) if times else None, known=known)
