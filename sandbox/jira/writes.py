"""Jira sandbox writes: edit, create, comment, transition, webhooks, and the admin routes."""

from __future__ import annotations

import time
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.jira.catalog import EDITABLE_SYSTEM, SYSTEM_FIELDS, FieldError, User
from sandbox.jira.jql import JqlError, compile_jql
from sandbox.jira.state import Issue
from sandbox.jira.values import parse_input, scenario_value
from sandbox.server import HttpError, Request, Response, Router

__all__ = ["JiraWrites"]


def _err(status: int, *messages: str, errors: dict[str, str] | None = None) -> HttpError:
    return HttpError(status, {"errorMessages": list(messages), "errors": errors or {}})


def adf_text(node: Any) -> str:
    """Plain text of an Atlassian Document Format body (or the string itself)."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        text = node.get("text", "")
        inner = [adf_text(c) for c in node.get("content", [])]
        sep = "\n" if node.get("type") == "doc" else ""
        return text + sep.join(inner)
    return ""


class JiraWrites:
    """Mixin of `JiraApp` holding the handlers that change state."""

    state: Any
    cat: Any
    sender: Any
    _issue: Any
    _api: Any
    webhooks: list[dict[str, Any]]

    def add_write_routes(self, r: Router, api: str) -> None:
        """Register the write, webhook-admin and /_sandbox routes."""
        self.webhooks = []
        self._hooks_made = 0
        r.add("PUT", f"{api}/issue/{{key}}", self.edit_issue)
        r.add("POST", f"{api}/issue", self.create_issue)
        r.add("GET", f"{api}/issue/{{key}}/comment", self.list_comments)
        r.add("POST", f"{api}/issue/{{key}}/comment", self.post_comment)
        r.add("GET", f"{api}/issue/{{key}}/transitions", self.list_transitions)
        r.add("POST", f"{api}/issue/{{key}}/transitions", self.do_transition)
        r.add("GET", "/rest/webhooks/1.0/webhook", lambda req: self.webhooks)
        r.add("POST", "/rest/webhooks/1.0/webhook", self.register_webhook)
        r.add("DELETE", "/rest/webhooks/1.0/webhook/{id}", self.delete_webhook)
        r.add(
            "GET",
            "/_sandbox/issues",
            lambda req: self.state.dump(req.arg("stable") == "1"),
            auth=False,
        )
        r.add("POST", "/_sandbox/issues/{key}/change", self.admin_change, auth=False)

    # --- edits ---------------------------------------------------------------------------
    def _parse_edit(self, issue: Issue, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or ("fields" not in body and "update" not in body):
            raise _err(400, "one of 'fields' or 'update' required")
        changes: dict[str, Any] = {}
        errors: dict[str, str] = {}
        ops = [(k, [{"set": v}]) for k, v in (body.get("fields") or {}).items()]
        ops += list((body.get("update") or {}).items())
        for key, actions in ops:
            if key not in SYSTEM_FIELDS and key not in self.cat.custom:
                errors[key] = f"Field '{key}' is not valid for this operation."
                continue
            if key not in EDITABLE_SYSTEM and key not in self.cat.custom:
                errors[key] = (
                    f"Field '{key}' cannot be set. It is not on the appropriate screen, or unknown."
                )
                continue
            current = changes.get(key, issue.fields.get(key))
            try:
                for action in actions if isinstance(actions, list) else [actions]:
                    current = self._op(key, current, action)
            except FieldError as exc:
                errors[key] = str(exc)
                continue
            changes[key] = current
        if errors:
            raise _err(400, errors=errors)
        return changes

    def _op(self, key: str, current: Any, action: Any) -> Any:
        if not isinstance(action, dict) or len(action) != 1:
            raise FieldError("Operation must be one of set, add, remove.")
        ((verb, value),) = action.items()
        if verb == "set":
            return parse_input(self.cat, key, value)
        multi = (
            key == "labels" or getattr(self.cat.custom.get(key), "type", "") == "multicheckboxes"
        )
        if verb not in ("add", "remove") or not multi:
            raise FieldError(f"Operation '{verb}' is not supported for this field.")
        one = parse_input(self.cat, key, [value])[0]
        values = set(current or [])
        values = values | {one} if verb == "add" else values - {one}
        return sorted(values)

    def edit_issue(self, req: Request) -> Response:
        """`PUT issue/{key}` — one history entry per effective change; no-ops record nothing."""
        issue = self._issue(req)
        with self.state.lock:
            changes = self._parse_edit(issue, req.json())
            history = self.state.apply(issue, changes, req.user)
        if history:
            self.emit(issue, req.user, "issue_updated", history=history)
        return Response(204)

    def create_issue(self, req: Request) -> Response:
        """`POST issue` — minimal create (project, summary, issuetype, editable fields)."""
        body = req.json() or {}
        fields = dict(body.get("fields") or {})
        project = (fields.pop("project", None) or {}).get("key")
        itype = fields.pop("issuetype", None) or {}
        summary = fields.pop("summary", None)
        if project not in self.cat.projects or not summary:
            raise _err(
                400,
                errors={"summary": "You must specify a summary of the issue."}
                if not summary
                else {"project": "valid project is required"},
            )
        with self.state.lock:
            number = 1 + max(
                (i.number for i in self.state.issues.values() if i.project == project), default=0
            )
            now = self.state.now()
            issue = self.state._load_issue(
                {
                    "key": f"{project}-{number}",
                    "summary": summary,
                    "created": now,
                    "issuetype": itype.get("name") or itype.get("id") or "Запрос",
                    "reporter": req.user.name,
                }
            )
            changes = self._parse_edit(issue, {"fields": fields}) if fields else {}
            issue.fields.update(changes)
            self.state.version += 1
        self.emit(issue, req.user, "issue_created", event="jira:issue_created")
        return Response(
            201,
            {
                "id": str(issue.id),
                "key": issue.key,
                "self": f"{self.cat.base}/rest/api/2/issue/{issue.id}",
            },
        )

    # --- comments and transitions ------------------------------------------------------
    def list_comments(self, req: Request) -> Any:
        """`GET issue/{key}/comment`."""
        issue, api = self._issue(req), self._api(req)
        cs = [self.state.comment_json(issue, c, api) for c in issue.comments]
        return {"startAt": 0, "maxResults": len(cs), "total": len(cs), "comments": cs}

    def post_comment(self, req: Request) -> Response:
        """`POST issue/{key}/comment` — v2 plain text or v3 ADF."""
        issue, api = self._issue(req), self._api(req)
        body = req.json() or {}
        text = adf_text(body.get("body")) if isinstance(body, dict) else ""
        if not text:
            raise _err(400, errors={"comment": "Comment body can not be empty!"})
        comment = self.state.add_comment(issue, req.user, text)
        self.emit(issue, req.user, "issue_commented", comment=comment)
        return Response(201, self.state.comment_json(issue, comment, api))

    def _transitions(self) -> list[tuple[str, dict[str, Any]]]:
        return [(str(11 + 10 * n), s) for n, s in enumerate(self.cat.statuses)]

    def list_transitions(self, req: Request) -> Any:
        """`GET issue/{key}/transitions` — a transition to every status."""
        self._issue(req)
        return {
            "expand": "transitions",
            "transitions": [
                {
                    "id": tid,
                    "name": s["name"],
                    "to": self.cat.status_json(s),
                    "hasScreen": False,
                    "isGlobal": True,
                    "isInitial": False,
                    "isAvailable": True,
                    "isConditional": False,
                    "isLooped": False,
                }
                for tid, s in self._transitions()
            ],
        }

    def do_transition(self, req: Request) -> Response:
        """`POST issue/{key}/transitions` — status (+ resolution) change, one history entry."""
        issue = self._issue(req)
        body = req.json() or {}
        tid = str((body.get("transition") or {}).get("id", ""))
        target = dict(self._transitions()).get(tid)
        if target is None:
            raise _err(400, f"Transition id '{tid}' is not valid for this issue.")
        changes: dict[str, Any] = {"status": target["id"]}
        fields = body.get("fields") or {}
        try:
            if "resolution" in fields:
                changes["resolution"] = parse_input(self.cat, "resolution", fields["resolution"])
        except FieldError as exc:
            raise _err(400, errors={"resolution": str(exc)}) from None
        history = self.state.apply(issue, changes, req.user)
        for add in (body.get("update") or {}).get("comment", []):
            self.state.add_comment(issue, req.user, adf_text(add.get("add", {}).get("body")))
        if history:
            self.emit(issue, req.user, "issue_generic", history=history)
        return Response(204)

    # --- webhooks ------------------------------------------------------------------------
    def register_webhook(self, req: Request) -> Response:
        """`POST /rest/webhooks/1.0/webhook` — the admin webhook; sets the sender URL/secret."""
        body = req.json() or {}
        if not body.get("url"):
            raise _err(400, "The webhook URL is required.")
        # Ids are never reused (Jira's are database ids), also after a webhook is deleted.
        self._hooks_made += 1
        hook_id = self._hooks_made
        hook = {
            "name": body.get("name", f"webhook {hook_id}"),
            "url": body["url"],
            "excludeBody": False,
            "filters": body.get("filters") or {},
            "events": body.get("events") or ["jira:issue_updated"],
            "enabled": True,
            "self": f"{self.cat.base}/rest/webhooks/1.0/webhook/{hook_id}",
            "lastUpdatedUser": req.user.name,
            "lastUpdatedDisplayName": req.user.display_name,
            "lastUpdated": int(time.time() * 1000),
        }
        self.webhooks.append(hook)
        self.sender.url, self.sender.secret = body["url"], body.get("secret")
        return Response(201, hook)

    def delete_webhook(self, req: Request) -> Response:
        """`DELETE /rest/webhooks/1.0/webhook/{id}`."""
        self.webhooks = [h for h in self.webhooks if not h["self"].endswith(f"/{req.params['id']}")]
        if not self.webhooks:
            self.sender.url = None
        return Response(204)

    def emit(
        self,
        issue: Issue,
        user: User,
        type_name: str,
        *,
        history: Any = None,
        comment: Any = None,
        event: str = "jira:issue_updated",
    ) -> None:
        """Queue a Jira webhook for an issue change (no-op without a webhook URL)."""
        if not self.sender.url:
            return
        jql = next(
            (
                h["filters"].get("issue-related-events-section")
                for h in self.webhooks
                if h["filters"].get("issue-related-events-section")
            ),
            None,
        )
        with self.state.lock:
            if jql:
                try:
                    pred, _ = compile_jql(jql, self.cat, ZoneInfo(user.time_zone), self.state.now())
                except JqlError:
                    pred = None
                if pred and not pred(issue):
                    return
            doc = self.state.issue_json(issue, self.state.field_ids(None, "*all"))
            payload: dict[str, Any] = {
                "timestamp": int(time.time() * 1000),
                "webhookEvent": event,
                "issue_event_type_name": type_name,
                "user": self.state.user_json(user.name),
                "issue": {k: doc[k] for k in ("id", "self", "key", "fields")},
            }
            if history:
                payload["changelog"] = {"id": history["id"], "items": history["items"]}
            if comment:
                payload["comment"] = self.state.comment_json(issue, comment, "2")
        self.sender.send(payload)

    # --- admin ---------------------------------------------------------------------------
    def admin_change(self, req: Request) -> Any:
        """`POST /_sandbox/issues/{key}/change` {by, set, comment} — a human edits the issue."""
        issue = self._issue(req)
        body = req.json() or {}
        user = self.cat.user(body.get("by", "agent"))
        try:
            changes = {
                (fid := self.state._fid(n)): scenario_value(
                    self.cat, fid, v, self.state.scenario.time
                )
                for n, v in (body.get("set") or {}).items()
            }
        except (ValueError, KeyError) as exc:
            raise _err(400, str(exc)) from None
        history = self.state.apply(issue, changes, user) if changes else None
        if history:
            kind = "issue_generic" if "status" in changes else "issue_updated"
            self.emit(issue, user, kind, history=history)
        if body.get("comment"):
            comment = self.state.add_comment(issue, user, str(body["comment"]))
            self.emit(issue, user, "issue_commented", comment=comment)
        return {"history": self.state.history_json(history) if history else None}
