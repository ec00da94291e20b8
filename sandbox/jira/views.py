"""The Jira sandbox's JSON views of its issues: as the REST API returns them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.jira.catalog import Catalog, fmt_time
from sandbox.jira.values import render

__all__ = ["ISSUE_EXPAND", "Issue", "JsonViews"]

ISSUE_EXPAND = "operations,versionedRepresentations,editmeta,changelog,renderedFields"


@dataclass
class Issue:
    """One issue: internal field values (see jira_values), histories oldest first, comments."""

    id: int
    key: str
    project: str
    number: int
    fields: dict[str, Any]
    histories: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)


class JsonViews:
    """Rendering of issues, histories, comments and users (mixed into `JiraState`)."""

    cat: Catalog
    tz: Any
    options: dict[str, Any]
    _user_json: dict[str, Any]

    def user_json(self, name: str) -> Any:
        """A cached user object (users do not change after start)."""
        if name not in self._user_json:
            self._user_json[name] = self.cat.user_json(self.cat.user(name))
        return self._user_json[name]

    def history_json(self, h: dict[str, Any]) -> dict[str, Any]:
        """A changelog history as Jira sends it."""
        return {
            "id": h["id"],
            "author": self.user_json(h["author"]),
            "created": h["created_s"],
            "items": h["items"],
        }

    def comment_json(self, issue: Issue, c: dict[str, Any], api: str) -> dict[str, Any]:
        """A comment; /rest/api/3 bodies are Atlassian Document Format."""
        body: Any = c["body"]
        if api == "3":
            body = {
                "type": "doc",
                "version": 1,
                "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": c["body"]}]}
                ],
            }
        created = fmt_time(c["created"], self.tz)
        return {
            "self": f"{self.cat.base}/rest/api/{api}/issue/{issue.id}/comment/{c['id']}",
            "id": c["id"],
            "author": self.user_json(c["author"]),
            "body": body,
            "updateAuthor": self.user_json(c["author"]),
            "created": created,
            "updated": created,
            "jsdPublic": True,
        }

    def field_ids(self, requested: list[str] | None, default: str) -> list[str]:
        """Field ids for a `fields` parameter (`*all`, `*navigable`, ids, names, `-id`)."""
        every = [*_SYSTEM_ORDER, *self.cat.custom]
        wanted = requested if requested is not None else [default]
        out: list[str] = []
        for ref in wanted:
            if ref in ("*all", "*navigable"):
                out.extend(f for f in every if f not in out)
            elif not ref.startswith("-") and (fid := self.cat.field_id(ref)) and fid not in out:
                out.append(fid)
        removed = {self.cat.field_id(r[1:]) for r in wanted if r.startswith("-")}
        return [f for f in out if f not in removed]

    def issue_json(
        self,
        issue: Issue,
        fields: list[str] | None,
        *,
        api: str = "2",
        changelog_cap: int | None = None,
        names: bool = False,
        changelog: bool = False,
    ) -> dict[str, Any]:
        """An issue as the REST API returns it (fields=None: only the id, like search/jql)."""
        if fields is None and not changelog:
            return {"id": str(issue.id)}
        out: dict[str, Any] = {
            "expand": ISSUE_EXPAND,
            "id": str(issue.id),
            "self": f"{self.cat.base}/rest/api/{api}/issue/{issue.id}",
            "key": issue.key,
        }
        rendered: dict[str, Any] = {}
        for fid in fields or []:
            if fid == "comment":
                cs = [self.comment_json(issue, c, api) for c in issue.comments]
                rendered[fid] = {
                    "comments": cs,
                    "self": f"{out['self']}/comment",
                    "maxResults": len(cs),
                    "total": len(cs),
                    "startAt": 0,
                }
            else:
                rendered[fid] = render(self.cat, fid, issue.fields.get(fid))
        out["fields"] = rendered
        if names:
            out["names"] = {fid: self.cat.field_name(fid) for fid in rendered}
        if changelog:
            hs = issue.histories
            if changelog_cap is not None and len(hs) > changelog_cap:
                newest = self.options.get("embedded_changelog_keeps") == "newest"
                hs = hs[-changelog_cap:] if newest else hs[:changelog_cap]
            out["changelog"] = {
                "startAt": 0,
                "maxResults": len(hs),
                "total": len(issue.histories),
                "histories": [self.history_json(h) for h in hs],
            }
        return out


_SYSTEM_ORDER = [
    "summary",
    "issuetype",
    "project",
    "status",
    "priority",
    "resolution",
    "resolutiondate",
    "created",
    "updated",
    "labels",
    "reporter",
    "assignee",
    "description",
    "comment",
]
