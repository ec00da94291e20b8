"""YouTrack sandbox tags and commands: sharing, visibility, tagging issues, `POST /api/commands`.

Tags: https://www.jetbrains.com/help/youtrack/devportal/resource-api-tags.html and
https://www.jetbrains.com/help/youtrack/devportal/api-usecase-add-remove-tags.html — a new tag is
visible to its owner only until it is shared (`visibleFor`, `updateableBy`, `tagSharingSettings`,
`updateSharingSettings`); `readSharingSettings` is read-only (api-entity-IssueTag).
Commands: https://www.jetbrains.com/help/youtrack/devportal/api-usecase-commands.html with the
command grammar's tag commands (`tag X`, `untag X`, `remove tag X`,
https://www.jetbrains.com/help/youtrack/server/2020.5/Command-Grammar.html); other commands are
not modelled (400). `silent: true` needs "Apply Commands Silently".
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.server import Request, Response, Router
from sandbox.youtrack.query import project
from sandbox.youtrack.shapes import tag_json
from sandbox.youtrack.writes import forbidden, yt_error

__all__ = ["YouTrackTags"]

_COMMAND = re.compile(
    r"(?i)\s*(tag|untag|remove\s+tag)\s+(\{[^}]*\}|.+?)\s*(?=$|\b(?:tag|untag|remove\s+tag)\s)"
)
_SHARING = {"tagSharingSettings": "use", "updateSharingSettings": "update"}


class YouTrackTags:
    """Mixin of `YouTrackApp`: tag and command routes."""

    state: Any
    cat: Any
    issue: Any
    fields: Any
    page: Any
    notify: Any
    body: Any
    check_silent: Any

    def add_tag_routes(self, r: Router) -> None:
        """Register the tag and command routes."""
        r.add("GET", "/api/tags", self.list_tags)
        r.add("POST", "/api/tags", self.create_tag)
        r.add("GET", "/api/tags/{tag}", self.get_tag)
        # Deprecated but documented ("Use the Tags resource instead", resource-api-issueTags);
        # clients generated from older specs call it.
        r.add("GET", "/api/issueTags", self.list_tags)
        r.add("POST", "/api/issueTags", self.create_tag)
        r.add("GET", "/api/issues/{id}/tags", self.issue_tags)
        r.add("POST", "/api/issues/{id}/tags", self.add_tag)
        r.add("DELETE", "/api/issues/{id}/tags/{tag}", self.remove_tag)
        r.add("POST", "/api/commands", self.command)

    def _out(self, req: Request, tag: dict[str, Any]) -> Any:
        return project(tag_json(self.state, tag["id"]), self.fields(req) or {"id": None})

    def _visible(self, req: Request, ref: Any) -> dict[str, Any]:
        tag = self.state.tags.get(ref)
        if tag is None or not self.state.tag_visible(tag, req.user.name):
            raise yt_error(404, "Not Found", f"Entity with id {ref} not found")
        return tag

    # --- tags ----------------------------------------------------------------------------
    def list_tags(self, req: Request) -> Any:
        """`GET /api/tags?query=` — the tags the user can see whose name contains the query."""
        query = (req.arg("query") or "").casefold()
        with self.state.lock:
            docs = [
                tag_json(self.state, t)
                for t, tag in self.state.tags.items()
                if query in tag["name"].casefold() and self.state.tag_visible(tag, req.user.name)
            ]
        return self.page(req, project(docs, self.fields(req) or {"id": None}))

    def get_tag(self, req: Request) -> Any:
        """`GET /api/tags/{id}` — 404 for a tag the user cannot see."""
        return self._out(req, self._visible(req, req.params["tag"]))

    def _share(self, body: dict[str, Any], login: str) -> dict[str, set[str]]:
        if "readSharingSettings" in body:
            raise yt_error(400, "bad_request", "readSharingSettings is read-only")
        share: dict[str, set[str]] = {"read": set(), "use": set(), "update": set()}
        for attr, key in (("visibleFor", "read"), ("updateableBy", "update")):
            if isinstance(body.get(attr), dict):
                share[key].add(self._group(body[attr]))
        for attr, key in _SHARING.items():
            settings = body.get(attr) or {}
            share[key] |= {self._group(g) for g in settings.get("permittedGroups") or ()}
            share[key] |= {self._user(u) for u in settings.get("permittedUsers") or ()}
        if any(share.values()) and not self.cat.allowed(login, "Share Tag"):
            raise forbidden("Share Tag, Saved Search, or Agile Board")
        return share

    def _group(self, ref: Any) -> str:
        gid = ref.get("id") if isinstance(ref, dict) else None
        if gid not in self.cat.groups:
            raise yt_error(404, "Not Found", f"Entity with id {gid} not found")
        return str(gid)

    def _user(self, ref: Any) -> str:
        key = (ref.get("login") or ref.get("id")) if isinstance(ref, dict) else None
        user = next(
            (u for u in self.cat.users.values() if key in (u.name, self.cat.user_id(u))), None
        )
        if user is None:
            raise yt_error(404, "Not Found", f"Entity with id {key} not found")
        return user.name

    def create_tag(self, req: Request) -> Any:
        """`POST /api/tags` `{"name", sharing…}` — a new tag owned by the caller.

        A name the caller already sees is refused; a same-named tag the caller cannot see does
        not stop a new one (the docs are silent; YouTrack keeps tags per owner, so this is
        how a bot that cannot see a tag ends up with a duplicate).
        """
        body = self.body(req)
        name = str(body.get("name") or "").strip()
        if not name:
            raise yt_error(400, "bad_request", "Tag name is required")
        if not self.cat.allowed(req.user.name, "Create Tag or Saved Search"):
            raise forbidden("Create Tag or Saved Search")
        share = self._share(body, req.user.name)
        try:
            self.state.tag(name, req.user.name)
        except KeyError:
            return self._out(req, self.state.new_tag(name, req.user.name, share))
        raise yt_error(400, "bad_request", f"Tag with name {name!r} already exists")

    # --- issues' tags --------------------------------------------------------------------
    def issue_tags(self, req: Request) -> Any:
        """`GET /api/issues/{id}/tags` — the issue's tags the user can see."""
        issue = self.issue(req)
        docs = [tag_json(self.state, t) for t in self.state.visible_tags(issue, req.user.name)]
        return self.page(req, project(docs, self.fields(req) or {"id": None}))

    def _tag_issue(self, req: Request, issue: Any, tag: dict, on: bool, muted: bool) -> bool:
        if not self.cat.allowed(req.user.name, "Update Issue"):
            raise forbidden("Update Issue")
        if not self.state.tag_usable(tag, req.user.name):
            raise forbidden(f"use the tag {tag['name']!r}")
        changed = self.state.set_tag(issue, tag["id"], on, req.user, muted=muted)
        if changed:  # a silent command spares e-mails, not workflow rules
            self.notify(issue, req.user)
        return changed

    def add_tag(self, req: Request) -> Any:
        """`POST /api/issues/{id}/tags` `{"id"}` (or `{"name"}`) of a tag the user can see.

        The endpoint has no `muteUpdateNotifications` parameter (resource-api-issues-issueID-tags):
        it is ignored here as an unknown query parameter would be.
        """
        issue = self.issue(req)
        body = self.body(req)
        ref = body.get("id")
        if ref is None and body.get("name"):
            try:
                ref = self.state.tag(str(body["name"]), req.user.name)["id"]
            except KeyError:
                ref = body["name"]
        tag = self._visible(req, ref)
        self._tag_issue(req, issue, tag, True, muted=False)
        return self._out(req, tag)

    def remove_tag(self, req: Request) -> Response:
        """`DELETE /api/issues/{id}/tags/{tagId}`."""
        issue = self.issue(req)
        tag = self._visible(req, req.params["tag"])
        if tag["id"] not in issue.tags:
            raise yt_error(404, "Not Found", f"Entity with id {tag['id']} not found")
        self._tag_issue(req, issue, tag, False, muted=False)
        return Response(200)

    # --- commands ------------------------------------------------------------------------
    def command(self, req: Request) -> Any:
        """`POST /api/commands` `{"query", "issues": [{"id"|"idReadable"}], "silent"}`."""
        body = self.body(req)
        query, refs = str(body.get("query") or ""), body.get("issues")
        if not query.strip() or not isinstance(refs, list) or not refs:
            raise yt_error(400, "bad_request", "A command needs a query and issues")
        silent = body.get("silent") is True
        if silent:
            self.check_silent(req)
        steps = self._parse(query)
        issues = []
        for ref in refs:
            key = (ref.get("idReadable") or ref.get("id")) if isinstance(ref, dict) else None
            issue = self.state.get(str(key)) if key else None
            if issue is None:
                raise yt_error(404, "Not Found", f"Entity with id {key} not found")
            issues.append(issue)
        with self.state.lock:
            for verb, name in steps:
                for issue in issues:
                    try:
                        tag = self.state.tag(name, req.user.name)
                    except KeyError:
                        if verb != "tag":
                            raise yt_error(400, "bad_request", f"Unknown tag {name!r}") from None
                        # `tag <NewTagName>` makes a new tag, visible to its owner only.
                        tag = self.state.new_tag(name, req.user.name)
                    self._tag_issue(req, issue, tag, verb == "tag", muted=silent)
        spec = self.fields(req)
        if spec is None:
            return Response(200)  # the docs' minimal request: 200 and an empty body
        doc = {"$type": "CommandList", "query": query, "silent": silent, "issues": [
            {"$type": "Issue", "id": i.id, "idReadable": i.key} for i in issues
        ]}  # fmt: skip
        return project(doc, spec)

    @staticmethod
    def _parse(query: str) -> list[tuple[str, str]]:
        steps, pos = [], 0
        while pos < len(query.strip()):
            m = _COMMAND.match(query, pos)
            if not m or m.end() == pos:
                raise yt_error(
                    400, "bad_request", f"Command not modelled by the sandbox: {query[pos:]!r}"
                )
            verb = "untag" if m.group(1).lower() != "tag" else "tag"
            steps.append((verb, m.group(2).strip("{} ")))
            pos = m.end()
        return steps
