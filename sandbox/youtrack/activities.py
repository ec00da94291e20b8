"""Activity reads of the YouTrack sandbox: one issue's history and the global activity stream.

- `GET /api/issues/{id}/activities` (a bare array) and `GET /api/issues/{id}/activitiesPage`
  (a cursor page): https://www.jetbrains.com/help/youtrack/devportal/resource-api-issues-issueID-activitiesPage.html
- `GET /api/activitiesPage`: the activities of every issue `issueQuery` selects, filtered by
  `categories`, `start`/`end` (epoch ms) and `author`, oldest first, each item naming its issue
  in `target`. https://www.jetbrains.com/help/youtrack/devportal/operations-api-activitiesPage.html
  and the parameters of `get_activities_page` in the OpenAPI-generated `youtrack-rest-client`.
  The docs are silent on how activities of different issues at the same millisecond are
  ordered (the sandbox: by activity id) and on what a cursor holds (the sandbox: the last item's
  timestamp and id, so items recorded while a client pages are not skipped or repeated).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.server import HttpError, Request, Router
from sandbox.youtrack.attributes import IssueAttributes
from sandbox.youtrack.query import QueryError, project
from sandbox.youtrack.search import compile_query
from sandbox.youtrack.shapes import CATEGORIES, activity_json
from sandbox.youtrack.state import YouTrackState, YtIssue
from sandbox.youtrack.writes import yt_error

__all__ = ["YouTrackActivities"]

# Categories real servers know but the sandbox never records (asking for them is fine).
_OTHER_CATEGORIES = {
    "CommentsCategory",
    "AttachmentsCategory",
    "LinksCategory",
    "SprintCategory",
    "ProjectCategory",
    "SummaryCategory",
    "DescriptionCategory",
    "WorkItemCategory",
    "VisibilityCategory",
    "IssueVisibilityCategory",
    "CommentTextCategory",
}


def _mark(*parts: object) -> str:
    return base64.urlsafe_b64encode(":".join(map(str, parts)).encode()).decode()


def _unmark(cursor: str) -> list[str]:
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise yt_error(400, "bad_request", f"Invalid cursor {cursor!r}") from None


class YouTrackActivities:
    """Mixin of `YouTrackApp`: the activity routes."""

    state: YouTrackState
    issue: Any  # the rest: provided by YouTrackApp
    fields: Any
    skip_top: Any
    page: Any

    def add_activity_routes(self, r: Router) -> None:
        """Register the activity routes."""
        r.add("GET", "/api/issues/{id}/activities", self.activities)
        r.add("GET", "/api/issues/{id}/activitiesPage", self.activities_page)
        r.add("GET", "/api/activitiesPage", self.global_activities_page)

    def _categories(self, req: Request) -> set[str]:
        wanted = set(req.list_arg("categories") or ())
        if not wanted:
            # Real servers insist on `categories`; failing loudly keeps clients honest.
            raise yt_error(400, "bad_request", "Parameter 'categories' is required")
        unknown = wanted - {c for _, c in CATEGORIES.values()} - _OTHER_CATEGORIES
        if unknown:
            raise yt_error(400, "bad_request", f"Unknown categories: {sorted(unknown)}")
        return wanted

    def _activities(self, req: Request, issue: YtIssue) -> list[dict[str, Any]]:
        wanted = self._categories(req)
        with self.state.lock:
            items = [
                activity_json(self.state, issue, a)
                for a in issue.activities
                if CATEGORIES[a["kind"]][1] in wanted
            ]
        if req.arg("reverse") == "true":
            items.reverse()
        return items

    def activities(self, req: Request) -> Any:
        """`GET /api/issues/{id}/activities` — a bare array, oldest first."""
        items = self._activities(req, self.issue(req))
        return self.page(req, project(items, self.fields(req) or {"id": None}))

    def activities_page(self, req: Request) -> Any:
        """`GET /api/issues/{id}/activitiesPage` — a CursorPage followed by `afterCursor`."""
        issue = self.issue(req)
        items = self._activities(req, issue)
        start = 0
        if cursor := req.arg("cursor"):
            parts = _unmark(cursor)
            if len(parts) != 2 or parts[0] != issue.id or not parts[1].isdigit():
                raise yt_error(400, "bad_request", f"Invalid cursor {cursor!r}")
            start = int(parts[1])
        top = self.skip_top(req)[1]
        end = len(items) if top < 0 else min(len(items), start + max(1, top))
        doc = {
            "$type": "ActivityCursorPage",  # as in the JetBrains docs' sample response
            "id": f"{_mark(issue.id, start)}#{_mark(issue.id, end)}",
            "reverse": req.arg("reverse") == "true",
            "activities": items[start:end],
            "beforeCursor": _mark(issue.id, start),
            "afterCursor": _mark(issue.id, end),
            "hasBefore": start > 0,
            "hasAfter": end < len(items),
        }
        return project(doc, self.fields(req) or {"id": None})

    def global_activities_page(self, req: Request) -> Any:
        """`GET /api/activitiesPage` — the activities of the issues `issueQuery` selects (every
        issue without it), oldest first across issues, a CursorPage followed by `afterCursor`."""
        wanted = self._categories(req)
        try:
            lo, hi = req.int_arg("start", 0), req.int_arg("end", 2**62)
        except HttpError:
            raise yt_error(400, "bad_request", "start and end must be epoch milliseconds") from None
        author = req.arg("author")
        reverse = req.arg("reverse") == "true"
        attrs = IssueAttributes(self.state, req.user.name)
        try:
            with self.state.lock:
                pred, _, _ = compile_query(
                    req.arg("issueQuery") or "",
                    ZoneInfo(req.user.time_zone),
                    self.state.now(),
                    attrs.resolve,
                    attrs.single,
                )
                items = [
                    activity_json(self.state, issue, a)
                    for issue in self.state.issues.values()
                    if pred(issue)
                    for a in issue.activities
                    if CATEGORIES[a["kind"]][1] in wanted and (not author or a["author"] == author)
                ]
        except QueryError as exc:
            raise yt_error(400, "bad_request", str(exc)) from None
        items = [a for a in items if lo <= a["timestamp"] <= hi]
        order = sorted(items, key=lambda a: (a["timestamp"], a["id"]), reverse=reverse)
        if cursor := req.arg("cursor"):
            parts = _unmark(cursor)
            if len(parts) != 3 or parts[0] != "after" or not parts[1].isdigit():
                raise yt_error(400, "bad_request", f"Invalid cursor {cursor!r}")
            last = (int(parts[1]), parts[2])
            order = [
                a
                for a in order
                if (
                    (a["timestamp"], a["id"]) < last
                    if reverse
                    else (a["timestamp"], a["id"]) > last
                )
            ]
        top = self.skip_top(req)[1]
        chunk = order if top < 0 else order[: max(1, top)]
        end = _mark("after", chunk[-1]["timestamp"], chunk[-1]["id"]) if chunk else cursor or ""
        doc = {
            "$type": "ActivityCursorPage",
            "id": end,
            "reverse": reverse,
            "activities": chunk,
            "beforeCursor": cursor or "",
            "afterCursor": end,
            "hasBefore": bool(cursor),
            "hasAfter": len(chunk) < len(order),
        }
        return project(doc, self.fields(req) or {"id": None})
