"""YouTrack issue reads: search pages by `$skip/$top` and each issue's complete activity history.

Issues come from `GET /api/issues?query=`; each issue's history from its own
`GET /api/issues/{id}/activitiesPage` (one call per issue and page: the global
`/api/activitiesPage` filters by query only on recent versions, and a per-issue cursor is
complete by construction). https://www.jetbrains.com/help/youtrack/devportal/youtrack-rest-api.html
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from mappings.raw import RawIssue
from sync.ports import Known, Page
from sync.trackers.paging import after_cursor_pages, skip_top_pages
from sync.trackers.youtrack.http import ACTIVITY_CATEGORIES, ACTIVITY_FIELDS, issue_fields_spec

__all__ = ["IssueReader"]

GetFn = Callable[..., Any]  # (path, **params) -> decoded JSON


class IssueReader:
    """Search and fetch with histories, over the adapter's GET."""

    def __init__(self, get: GetFn, page_size: int) -> None:
        self._get, self._page_size = get, page_size

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
            yield _page(
                [
                    r if r.key in skip else _raw(i, self.activities(r.id))
                    for r, i in zip(raws, issues, strict=True)
                ],
                skip,
            )

    def fetch(self, key: str, field_ids: Sequence[str]) -> RawIssue:
        """One issue, fresh, with its complete activity history."""
        issue = self._get(f"issues/{quote(key, safe='')}", **_issue_params(field_ids))
        return _raw(issue, self.activities(str(issue.get("id") or key)))

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
