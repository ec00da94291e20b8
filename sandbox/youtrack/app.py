"""The YouTrack sandbox app: the `/api` REST subset sla-sync uses, on a `YouTrackState`.

Reference: https://www.jetbrains.com/help/youtrack/devportal/youtrack-rest-api.html. Lists are
bare JSON arrays paged by `$skip/$top`; every entity is cut down to the `fields=` asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.jira.catalog import User
from sandbox.server import HttpError, Request, Response, Router
from sandbox.youtrack.activities import YouTrackActivities
from sandbox.youtrack.attributes import IssueAttributes
from sandbox.youtrack.query import QueryError, parse_fields, project
from sandbox.youtrack.search import compile_query
from sandbox.youtrack.shapes import issue_json
from sandbox.youtrack.state import YouTrackState, YtIssue
from sandbox.youtrack.tags import YouTrackTags
from sandbox.youtrack.writes import YouTrackWrites, forbidden, yt_error

__all__ = ["YouTrackApp"]

DEFAULT_TOP = 42  # YouTrack's page size when a list request has no $top


class _Router(Router):
    """YouTrack answers `/api/issues/` as `/api/issues`: a trailing slash is dropped."""

    def match(self, method: str, path: str) -> Any:
        return super().match(method, path.rstrip("/") if len(path) > 1 else path)


class YouTrackApp(YouTrackActivities, YouTrackWrites, YouTrackTags):
    """Routes and read handlers; writes, tags, commands and admin routes live in the mixins."""

    def __init__(self, state: YouTrackState, sender: Any) -> None:
        self.state, self.cat, self.sender = state, state.cat, sender
        self.router = r = _Router()
        r.add("GET", "/api/users/me", self.me)
        r.add("GET", "/api/admin/customFieldSettings/customFields", self.custom_fields)
        r.add("GET", "/api/admin/projects", self.projects)
        r.add("GET", "/api/admin/projects/{project}", self.get_project)
        r.add("GET", "/api/admin/projects/{project}/customFields", self.project_fields)
        r.add("GET", "/api/issues", self.search)
        r.add("GET", "/api/issues/{id}", self.get_issue)
        self.add_activity_routes(r)
        self.add_write_routes(r)
        self.add_tag_routes(r)

    # --- plumbing ------------------------------------------------------------------------
    def authenticate(self, headers: Mapping[str, str]) -> User | None:
        """`Authorization: Bearer perm:...` — a permanent token of a sandbox user."""
        scheme, _, token = (headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return next((u for u in self.cat.users.values() if u.token == token.strip()), None)

    def unauthorized(self) -> Response:
        """YouTrack's 401 body."""
        return Response(
            401,
            {"error": "Unauthorized", "error_description": "You are not logged in."},
            {"WWW-Authenticate": 'Bearer realm="YouTrack"'},
        )

    def not_found(self, path: str) -> Response:
        """YouTrack's answer for an unknown path."""
        return Response(404, {"error": "Not Found", "error_description": "HTTP 404 Not Found"})

    def error_body(self, status: int, message: str) -> dict[str, Any]:
        """The body of injected faults (429/5xx) in YouTrack's error shape."""
        return {
            "error": "server_error" if status >= 500 else "too_many_requests",
            "error_description": message,
        }

    @staticmethod
    def fields(req: Request) -> dict[str, Any] | None:
        """The parsed `fields=` parameter; 400 when it does not parse."""
        try:
            return parse_fields(req.arg("fields"))
        except QueryError as exc:
            raise yt_error(400, "bad_request", str(exc)) from None

    @staticmethod
    def skip_top(req: Request) -> tuple[int, int]:
        """The `$skip` / `$top` parameters; 400 when they are not integers."""
        try:
            skip, top = req.int_arg("$skip", 0), req.int_arg("$top", DEFAULT_TOP)
        except HttpError:
            raise yt_error(400, "bad_request", "$skip and $top must be integers") from None
        if skip < 0:
            raise yt_error(400, "bad_request", "$skip must not be negative")
        return skip, top

    def page(self, req: Request, items: list[Any]) -> list[Any]:
        """`$skip` / `$top` applied to a list (`$top=-1`: everything)."""
        skip, top = self.skip_top(req)
        return items[skip:] if top < 0 else items[skip : skip + top]

    def issue(self, req: Request) -> YtIssue:
        """The issue named in the path (readable or entity id); 404 otherwise."""
        issue = self.state.get(req.params["id"])
        if issue is None:
            raise yt_error(404, "Not Found", f"Entity with id {req.params['id']} not found")
        return issue

    def render(self, req: Request, issue: YtIssue) -> Any:
        """An issue cut to `fields=` (and to `customFields=` names, when given)."""
        only = req.list_arg("customFields")
        doc = issue_json(self.state, issue, only, viewer=req.user.name)
        return project(doc, self.fields(req) or {"id": None})

    # --- handlers ------------------------------------------------------------------------
    def me(self, req: Request) -> Any:
        """`GET /api/users/me` with the general profile (time zone, date format)."""
        user: User = req.user
        doc = self.cat.user_json(user.name) or {}
        doc["profiles"] = {
            "$type": "UserProfiles",
            "general": {
                "$type": "GeneralUserProfile",
                "timezone": {"$type": "TimeZoneDescriptor", "id": user.time_zone},
                "locale": {"$type": "LocaleDescriptor", "id": "ru_RU", "locale": "ru"},
                "dateFieldFormat": {"$type": "DateFormatDescriptor", "pattern": "dd.MM.yyyy"},
            },
        }
        return project(doc, self.fields(req) or {"id": None})

    def _read_project(self, req: Request) -> None:
        if not self.cat.allowed(req.user.name, "Read Project"):
            raise forbidden("Read Project")

    def _project(self, req: Request) -> dict[str, Any]:
        ref = req.params["project"]
        found = next((p for k, p in self.cat.projects.items() if ref in (k, p["id"])), None)
        if found is None:
            raise yt_error(404, "Not Found", f"Entity with id {ref} not found")
        return found

    def _project_json(self, p: dict[str, Any]) -> dict[str, Any]:
        team = self.cat.group_json(p["team"]) if p.get("team") else None
        return {"$type": "Project", "id": p["id"], "shortName": p["shortName"], "name": p["name"],
                "archived": False, "team": team}  # fmt: skip

    def projects(self, req: Request) -> Any:
        """`GET /api/admin/projects` — the projects, each with its `team` group."""
        self._read_project(req)
        docs = [self._project_json(p) for p in self.cat.projects.values()]
        return self.page(req, project(docs, self.fields(req) or {"id": None}))

    def get_project(self, req: Request) -> Any:
        """`GET /api/admin/projects/{id}` (entity id or short name)."""
        self._read_project(req)
        return project(self._project_json(self._project(req)), self.fields(req) or {"id": None})

    def custom_fields(self, req: Request) -> Any:
        """`GET /api/admin/customFieldSettings/customFields` — global field definitions."""
        docs = [self.cat.custom_field_json(f) for f in self.cat.fields.values()]
        return self.page(req, project(docs, self.fields(req) or {"id": None}))

    def project_fields(self, req: Request) -> Any:
        """`GET /api/admin/projects/{id}/customFields` — fields attached to a project."""
        self._read_project(req)
        self._project(req)
        docs = [self.cat.project_field_json(f) for f in self.cat.fields.values()]
        return self.page(req, project(docs, self.fields(req) or {"id": None}))

    def search(self, req: Request) -> Any:
        """`GET /api/issues?query=` — a bare array, dates read in the user's time zone."""
        tz = ZoneInfo(req.user.time_zone)
        attrs = IssueAttributes(self.state, req.user.name)
        try:
            with self.state.lock:
                pred, key, desc = compile_query(
                    req.arg("query") or "", tz, self.state.now(), attrs.resolve, attrs.single
                )
                found = sorted(
                    (i for i in self.state.issues.values() if pred(i)), key=key, reverse=desc
                )
                return [self.render(req, i) for i in self.page(req, found)]
        except QueryError as exc:
            raise yt_error(400, "bad_request", str(exc)) from None

    def get_issue(self, req: Request) -> Any:
        """`GET /api/issues/{id}`."""
        issue = self.issue(req)
        with self.state.lock:
            return self.render(req, issue)
