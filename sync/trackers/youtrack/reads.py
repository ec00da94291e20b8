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
        asked = {r.id: r.key for r in raws}
        keys = set(asked.values())
        by_id: Histories = {i: [] for i in asked}
        query = "issue id: " + ", ".join(asked.values())

        def fetch(cursor: str | None) -> Mapping[str, Any]:
            params = {
                "issueQuery": query,
                "categories": ACTIVITY_CATEGORIES,
                "fields": STREAM_FIELDS,
                "$top": STREAM_TOP,
            }
            if cursor:
                params["cursor"] = cursor
            return self._get("activitiesPage", **params) or {}

        for page in after_cursor_pages(fetch, what="GET /api/activitiesPage"):
            for a in page.get("activities") or ():
                target = a.get("target") or {}
                tid = str(target.get("id"))
                if tid not in by_id and target.get("idReadable") not in keys:
                    self._stream = False
                    self._on_fallback(str(target.get("idReadable") or tid))
                    return None
                by_id[tid if tid in by_id else _id_of(asked, target)].append(a)
        for items in by_id.values():
            items.sort(key=lambda a: (int(a.get("timestamp") or 0), str(a.get("id", ""))))
        return by_id

    def activities(self, issue_id: str) -> list[Mapping[str, Any]]:
        """All custom-field activities of one issue, oldest first, following `afterCursor`."""
        path = f"issues/{quote(issue_id, safe='')}/activitiesPage"

        def fetch(cursor: str | None) -> Mapping[str, Any]:
            params = {"categories": ACTIVITY_CATEGORIES, "fields": ACTIVITY_FIELDS}
            if cursor:
                params["cursor"] = cursor
            return self._get(path, **params) or {}

        items = [
            a
            for page in after_cursor_pages(fetch, what=f"GET /api/{path}")
            for a in page.get("activities") or ()
        ]
        items.sort(key=lambda a: (int(a.get("timestamp") or 0), str(a.get("id", ""))))
        return items


def _id_of(asked: Mapping[str, str], target: Mapping[str, Any]) -> str:
    """The asked issue id of an activity target named only by its readable id."""
    return next(i for i, key in asked.items() if key == target.get("idReadable"))


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
