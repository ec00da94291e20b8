"""YouTrack sandbox writes: custom fields, comments, permissions, webhooks and the admin routes.

`POST /api/issues/{id}` takes `{"customFields": [{"name", "$type", "value"}]}`:
https://www.jetbrains.com/help/youtrack/devportal/api-how-to-update-custom-fields-values.html
YouTrack has no core webhooks; a workflow rule of the installation POSTs `{"issueId": "SUP-1"}`
with a shared secret header, which the sandbox imitates on every change.
"""

from __future__ import annotations

from typing import Any

from sandbox.server import HttpError, Request, Router
from sandbox.youtrack.query import project
from sandbox.youtrack.shapes import comment_json, dump
from sandbox.youtrack.state import YtIssue
from sandbox.youtrack.values import ValueError400, parse_input

__all__ = ["YouTrackWrites", "forbidden", "yt_error"]


def yt_error(status: int, error: str, description: str) -> HttpError:
    """A YouTrack-style error answer `{"error", "error_description"}`."""
    return HttpError(status, {"error": error, "error_description": description})


def forbidden(permission: str) -> HttpError:
    """403 for a missing permission; the docs show no 403 body, so the error shape is reused."""
    return yt_error(403, "Forbidden", f"You have no permission to {permission}")


_MODELLED = {"customFields", "summary", "description", "$type", "id", "idReadable"}


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
        r.add("GET", "/api/issues/{id}/comments", self.list_comments)
        r.add("POST", "/api/issues/{id}/comments", self.post_comment)
        r.add("GET", "/_sandbox/issues", self.admin_dump, auth=False)
        r.add("POST", "/_sandbox/issues/{id}/change", self.admin_change, auth=False)

    def body(self, req: Request) -> dict[str, Any]:
        try:
            body = req.json() or {}
        except HttpError:
            raise yt_error(400, "bad_request", "Malformed JSON in the request body") from None
        if not isinstance(body, dict):
            raise yt_error(400, "bad_request", "The request body must be a JSON object")
        return body

    def notify(self, issue: YtIssue, author: Any) -> None:
        """Queue the workflow rule's webhook for a change, as deploy/youtrack/sla-sync-notify.js.

        The shipped rule's guard drops changes made by SERVICE_LOGIN (sla-sync's account), so
        the sandbox posts nothing for them either (scenario option `workflow_service_login`).
        """
        if getattr(author, "name", author) != self.service_login:
            self.sender.send({"issueId": issue.key})

    @property
    def service_login(self) -> str:
        """The SERVICE_LOGIN the sandbox's workflow rule is configured with."""
        return str(self.state.options.get("workflow_service_login", "sla-bot"))

    def check_silent(self, req: Request) -> None:
        """403 unless the user may apply commands silently (muted writes, silent commands)."""
        if not self.cat.allowed(req.user.name, "Apply Commands Silently"):
            raise forbidden("Apply Commands Silently")

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
            if not entry.get("$type"):
                # "You must provide this attribute when you update the custom field"
                # (operations-api-issues-issueID-customFields, IssueCustomField attributes).
                raise yt_error(400, "bad_request", f"$type is required for the field {f.name!r}")
            try:
                changes[f.name] = parse_input(self.cat, f, entry.get("$type"), entry.get("value"))
            except ValueError400 as exc:
                raise yt_error(400, "bad_request", str(exc)) from None
        return changes

    def update_issue(self, req: Request) -> Any:
        """`POST /api/issues/{id}` — all-or-nothing; one activity item per changed field."""
        issue = self.issue(req)
        body = self.body(req)
        # Issue attributes the sandbox does not model are accepted when they change nothing
        # (clients built from the spec send empty `tags`, `links`, … lists).
        unmodelled = {k for k in set(body) - _MODELLED if body[k] not in (None, [], {})}
        if unmodelled:
            raise yt_error(400, "bad_request", f"Not modelled by the sandbox: {sorted(unmodelled)}")
        if not self.cat.allowed(req.user.name, "Update Issue"):
            raise forbidden("Update Issue")
        muted = req.arg("muteUpdateNotifications") == "true"
        if muted:
            self.check_silent(req)
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
        if changed:  # muting spares e-mails, not workflow rules
            self.notify(issue, req.user)
        return self.render(req, issue)

    # --- comments --------------------------------------------------------------------------
    def list_comments(self, req: Request) -> Any:
        """`GET /api/issues/{id}/comments`, oldest first."""
        issue = self.issue(req)
        docs = [comment_json(self.state, c) for c in issue.comments]
        return self.page(req, project(docs, self.fields(req) or {"id": None}))

    def post_comment(self, req: Request) -> Any:
        """`POST /api/issues/{id}/comments` `{"text"}`."""
        issue = self.issue(req)
        text = self.body(req).get("text")
        if not isinstance(text, str) or not text.strip():
            raise yt_error(400, "bad_request", "Comment text is required")
        comment = self.state.add_comment(issue, req.user, text)
        self.notify(issue, req.user)
        return project(comment_json(self.state, comment), self.fields(req) or {"id": None})

    # --- admin -----------------------------------------------------------------------------
    def admin_dump(self, req: Request) -> Any:
        """`GET /_sandbox/issues[?stable=1]` — every issue with its activities."""
        return dump(self.state, req.arg("stable") == "1")

    def admin_change(self, req: Request) -> Any:
        """`POST /_sandbox/issues/{key}/change` {by, set, comment} — a human edits the issue."""
        issue = self.issue(req)
        body = self.body(req)
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
            self.notify(issue, self.cat.user(by))
        return {"activities": [i["id"] for i in items]}
