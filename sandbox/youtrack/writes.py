"""YouTrack sandbox writes: custom fields, tags, comments, webhooks and the admin routes.

`POST /api/issues/{id}` takes `{"customFields": [{"name", "$type", "value"}]}`:
https://www.jetbrains.com/help/youtrack/devportal/api-how-to-update-custom-fields-values.html
YouTrack has no core webhooks; a workflow rule of the installation POSTs `{"issueId": "SUP-1"}`
with a shared secret header, which the sandbox imitates on every change.
"""

from __future__ import annotations

from typing import Any

from sandbox.server import HttpError, Request, Response, Router
from sandbox.youtrack.query import project
from sandbox.youtrack.shapes import comment_json, dump, tag_json
from sandbox.youtrack.state import YtIssue
from sandbox.youtrack.values import ValueError400, parse_input

__all__ = ["YouTrackWrites", "yt_error"]


def yt_error(status: int, error: str, description: str) -> HttpError:
    """A YouTrack-style error answer `{"error", "error_description"}`."""
    return HttpError(status, {"error": error, "error_description": description})


class YouTrackWrites:
    """Mixin of `YouTrackApp` holding the handlers that change state."""

    state: Any
    cat: Any
    sender: Any
    issue: Any
    fields: Any
    page: Any
    render: Any

    def add_write_routes(self, r: Router) -> None:
        """Register the write, tag, comment and /_sandbox routes."""
        r.add("POST", "/api/issues/{id}", self.update_issue)
        r.add("GET", "/api/issues/{id}/tags", self.issue_tags)
        r.add("POST", "/api/issues/{id}/tags", self.add_tag)
        r.add("DELETE", "/api/issues/{id}/tags/{tag}", self.remove_tag)
        r.add("GET", "/api/tags", self.list_tags)
        r.add("POST", "/api/tags", self.create_tag)
        r.add("GET", "/api/issues/{id}/comments", self.list_comments)
        r.add("POST", "/api/issues/{id}/comments", self.post_comment)
        r.add("GET", "/_sandbox/issues", self.admin_dump, auth=False)
        r.add("POST", "/_sandbox/issues/{id}/change", self.admin_change, auth=False)

    def _body(self, req: Request) -> dict[str, Any]:
        try:
            body = req.json() or {}
        except HttpError:
            raise yt_error(400, "bad_request", "Malformed JSON in the request body") from None
        if not isinstance(body, dict):
            raise yt_error(400, "bad_request", "The request body must be a JSON object")
        return body

    def notify(self, issue: YtIssue) -> None:
        """Queue the workflow rule's webhook for a changed issue (no-op without a URL)."""
        self.sender.send({"issueId": issue.key})

    # --- issues ----------------------------------------------------------------------------
    def _parse_fields(self, entries: Any) -> dict[str, Any]:
        if not isinstance(entries, list):
            raise yt_error(400, "bad_request", "customFields must be a list")
        changes: dict[str, Any] = {}
        for entry in entries:
            ref = entry.get("name") or entry.get("id") if isinstance(entry, dict) else None
            f = self.cat.field(str(ref)) if ref else None
            if f is None or ref in ("status", "priority", "resolution", "issuetype"):
                raise yt_error(400, "bad_request", f"Unknown custom field: {ref!r}")
            try:
                changes[f.name] = parse_input(self.cat, f, entry.get("$type"), entry.get("value"))
            except ValueError400 as exc:
                raise yt_error(400, "bad_request", str(exc)) from None
        return changes

    def update_issue(self, req: Request) -> Any:
        """`POST /api/issues/{id}` — all-or-nothing; one activity item per changed field."""
        issue = self.issue(req)
        body = self._body(req)
        unknown = set(body) - {"customFields", "summary", "description", "$type", "id"}
        if unknown:
            raise yt_error(400, "bad_request", f"Unsupported issue attributes: {sorted(unknown)}")
        muted = req.arg("muteUpdateNotifications") == "true"
        with self.state.lock:
            changes = self._parse_fields(body.get("customFields") or [])
            items = self.state.apply(issue, changes, req.user, muted=muted)
            changed = bool(items)
            for attr in ("summary", "description"):
                if attr in body and body[attr] != getattr(issue, attr):
                    setattr(issue, attr, body[attr])
                    issue.updated, changed = max(issue.updated, self.state.now()), True
            if muted:
                self.state.muted_writes += 1
        if changed:
            self.notify(issue)
        return self.render(req, issue)

    # --- tags ------------------------------------------------------------------------------
    def _tag_for(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("id") in self.state.tags:
            return self.state.tags[body["id"]]
        if body.get("name"):
            try:
                return self.state.tag(str(body["name"]))
            except KeyError:
                pass
        ref = body.get("id") or body.get("name")
        raise yt_error(404, "Not Found", f"Entity with id {ref} not found")

    def issue_tags(self, req: Request) -> Any:
        """`GET /api/issues/{id}/tags`."""
        issue = self.issue(req)
        docs = [tag_json(self.state, t) for t in issue.tags]
        return self.page(req, project(docs, self.fields(req) or {"id": None}))

    def add_tag(self, req: Request) -> Any:
        """`POST /api/issues/{id}/tags` `{"id"}` or `{"name"}` of an existing tag."""
        issue = self.issue(req)
        tag = self._tag_for(self._body(req))
        if self.state.set_tag(issue, tag["id"], True, req.user):
            self.notify(issue)
        return project(tag_json(self.state, tag["id"]), self.fields(req) or {"id": None})

    def remove_tag(self, req: Request) -> Response:
        """`DELETE /api/issues/{id}/tags/{tagId}`."""
        issue = self.issue(req)
        if req.params["tag"] not in issue.tags:
            raise yt_error(404, "Not Found", f"Entity with id {req.params['tag']} not found")
        self.state.set_tag(issue, req.params["tag"], False, req.user)
        self.notify(issue)
        return Response(200)

    def list_tags(self, req: Request) -> Any:
        """`GET /api/tags?query=` — tags whose name contains the query (case-insensitive)."""
        query = (req.arg("query") or "").casefold()
        docs = [
            tag_json(self.state, t)
            for t, tag in self.state.tags.items()
            if query in tag["name"].casefold()
        ]
        return self.page(req, project(docs, self.fields(req) or {"id": None}))

    def create_tag(self, req: Request) -> Any:
        """`POST /api/tags` `{"name"}` — a new tag owned by the caller."""
        name = str(self._body(req).get("name") or "").strip()
        if not name:
            raise yt_error(400, "bad_request", "Tag name is required")
        try:
            self.state.tag(name)
        except KeyError:
            tag = self.state.tag(name, create=True, owner=req.user.name)
            return project(tag_json(self.state, tag["id"]), self.fields(req) or {"id": None})
        raise yt_error(400, "bad_request", f"Tag with name {name!r} already exists")

    # --- comments --------------------------------------------------------------------------
    def list_comments(self, req: Request) -> Any:
        """`GET /api/issues/{id}/comments`, oldest first."""
        issue = self.issue(req)
        docs = [comment_json(self.state, c) for c in issue.comments]
        return self.page(req, project(docs, self.fields(req) or {"id": None}))

    def post_comment(self, req: Request) -> Any:
        """`POST /api/issues/{id}/comments` `{"text"}`."""
        issue = self.issue(req)
        text = self._body(req).get("text")
        if not isinstance(text, str) or not text.strip():
            raise yt_error(400, "bad_request", "Comment text is required")
        comment = self.state.add_comment(issue, req.user, text)
        self.notify(issue)
        return project(comment_json(self.state, comment), self.fields(req) or {"id": None})

    # --- admin -----------------------------------------------------------------------------
    def admin_dump(self, req: Request) -> Any:
        """`GET /_sandbox/issues[?stable=1]` — every issue with its activities."""
        return dump(self.state, req.arg("stable") == "1")

    def admin_change(self, req: Request) -> Any:
        """`POST /_sandbox/issues/{key}/change` {by, set, comment} — a human edits the issue."""
        issue = self.issue(req)
        body = self._body(req)
        by = body.get("by", "agent")
        try:
            items = self.state.apply_scenario(
                issue, dict(body.get("set") or {}), by, self.state.now(), live=True
            )
        except (ValueError, KeyError) as exc:
            raise yt_error(400, "bad_request", str(exc)) from None
        if body.get("comment"):
            self.state.add_comment(issue, self.cat.user(by), str(body["comment"]))
        if items or body.get("comment"):
            self.notify(issue)
        return {"activities": [i["id"] for i in items]}
