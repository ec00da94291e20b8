"""The Jira sandbox's data: issues with values, changelogs and comments, and their JSON views."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox.jira.catalog import Catalog, User, fmt_time
from sandbox.jira.values import history_item, scenario_value
from sandbox.jira.views import Issue, JsonViews
from sandbox.scenario import Scenario

__all__ = ["Issue", "JiraState"]


class JiraState(JsonViews):
    """All issues of one sandbox Jira, guarded by one lock (requests run on threads)."""

    def __init__(self, scenario: Scenario, mode: str) -> None:
        self.scenario, self.mode, self.tz = scenario, mode, scenario.timezone
        self.options = scenario.options
        self.cat = Catalog(scenario.catalog, scenario.users, self.tz, mode)
        self.cat.changelog_field_id = bool(self.options.get("dc_changelog_field_id", False))
        self.lock = threading.RLock()
        self.clock: Callable[[], datetime] | None = None  # test/bench hook: `Sandbox.set_clock`
        self.version = 0  # bumped on every change; search caches key on it
        self.issues: dict[int, Issue] = {}
        self.by_key: dict[str, Issue] = {}
        self._next_history = 10000
        self._next_comment = 10000
        self._user_json: dict[str, Any] = {}
        for raw in scenario.issues:
            self._load_issue(raw)

    # --- loading -----------------------------------------------------------------------
    def _load_issue(self, raw: dict[str, Any]) -> Issue:
        sc, cat = self.scenario, self.cat
        key = str(raw["key"])
        project, number = key.rsplit("-", 1)
        if project not in cat.projects:
            cat.projects[project] = {
                "id": str(10000 + len(cat.projects)),
                "key": project,
                "name": project,
            }
        created = sc.time(raw.get("created", "now"))
        values = dict(raw.get("fields") or {})
        new_status = next(s["name"] for s in cat.statuses if s["category"] == "new")
        fields: dict[str, Any] = {
            "summary": str(raw.get("summary", key)),
            "issuetype": scenario_value(cat, "issuetype", raw.get("issuetype", "Запрос"), None),
            "project": project,
            "created": created,
            "updated": created,
            "status": scenario_value(cat, "status", values.pop("status", new_status), None),
            "priority": None,
            "resolution": None,
            "resolutiondate": None,
            "labels": [],
            "reporter": cat.user(raw.get("reporter", "agent")).name,
            "assignee": None,
            "description": raw.get("description"),
        }
        fields.update(
            {cf: ([] if c.type == "multicheckboxes" else None) for cf, c in cat.custom.items()}
        )
        for name, value in values.items():
            fid = self._fid(name)
            fields[fid] = scenario_value(cat, fid, value, sc.time)
        issue = Issue(10001 + len(self.issues), key, project, int(number), fields)
        self.issues[issue.id] = self.by_key[key] = issue
        for entry in raw.get("history") or []:
            changes = {
                self._fid(n): scenario_value(cat, self._fid(n), v, sc.time)
                for n, v in (entry.get("set") or {}).items()
            }
            self.apply(
                issue, changes, cat.user(entry.get("by", "agent")), sc.time(entry["at"]), live=False
            )
        for c in raw.get("comments") or []:
            self.add_comment(
                issue,
                cat.user(c.get("by", "agent")),
                str(c["body"]),
                sc.time(c.get("at", "now")),
                bump=False,
            )
        return issue

    def _fid(self, name: str) -> str:
        fid = self.cat.field_id(name)
        if fid is None:
            raise ValueError(f"scenario: unknown field {name!r}")
        return fid

    # --- changes -------------------------------------------------------------------------
    def now(self) -> datetime:
        """The current time in the instance's zone (what `updated` is bumped to): the real
        one, or the injected clock's (`Sandbox.set_clock`, for simulated time in benches)."""
        return self.clock().astimezone(self.tz) if self.clock else datetime.now(self.tz)

    def apply(
        self,
        issue: Issue,
        changes: dict[str, Any],
        author: User,
        at: datetime | None = None,
        *,
        live: bool = True,
    ) -> dict[str, Any] | None:
        """Set values; record ONE history entry with an item per changed field (None if no-op)."""
        with self.lock:
            at = at or self.now()
            changes = dict(changes)
            if "status" in changes and "resolution" not in changes:
                done = {s["id"] for s in self.cat.statuses if s["category"] == "done"}
                if changes["status"] not in done:  # leaving Done clears the resolution
                    changes["resolution"] = None
            items = []
            for fid, new in changes.items():
                item = history_item(self.cat, fid, issue.fields.get(fid), new)
                if item is None:
                    continue
                items.append(item)
                issue.fields[fid] = new
                if fid == "resolution":
                    issue.fields["resolutiondate"] = at if new is not None else None
            if not items:
                return None
            self._next_history += 1
            history = {
                "id": str(self._next_history),
                "author": author.name,
                "created": at,
                "created_s": fmt_time(at, self.tz),
                "items": items,
                "live": live,
            }
            issue.histories.append(history)
            issue.fields["updated"] = max(issue.fields["updated"], at)
            self.version += 1
            return history

    def add_comment(
        self,
        issue: Issue,
        author: User,
        body: str,
        at: datetime | None = None,
        *,
        bump: bool = True,
    ) -> dict[str, Any]:
        """Store a comment (plain text); a new comment bumps `updated`, as in Jira."""
        with self.lock:
            at = at or self.now()
            self._next_comment += 1
            comment = {
                "id": str(self._next_comment),
                "author": author.name,
                "body": body,
                "created": at,
            }
            issue.comments.append(comment)
            if bump:
                issue.fields["updated"] = max(issue.fields["updated"], at)
                self.version += 1
            return comment

    def get(self, key_or_id: str) -> Issue | None:
        """An issue by key or numeric id."""
        if key_or_id.isdigit():
            return self.issues.get(int(key_or_id))
        return self.by_key.get(key_or_id.upper())

    def dump(self, stable: bool = False) -> dict[str, Any]:
        """Every issue's values, labels, comments and changelog (`GET /_sandbox/issues`).

        `stable=True` drops what differs between two otherwise identical runs: `updated`
        and the ids and times of histories written through the API.
        """
        with self.lock:
            out = []
            for issue in sorted(self.issues.values(), key=lambda i: i.id):
                doc = self.issue_json(issue, self.field_ids(None, "*all"), changelog=True)
                hist = doc.pop("changelog")["histories"]
                for h, raw in zip(hist, issue.histories, strict=True):
                    h["author"] = raw["author"]
                    if stable and raw["live"]:
                        h.pop("id")
                        h.pop("created")
                if stable:
                    doc["fields"].pop("updated")
                comments = [
                    {"author": c["author"], "body": c["body"]}
                    | ({} if stable else {"created": fmt_time(c["created"], self.tz)})
                    for c in issue.comments
                ]
                doc["fields"].pop("comment", None)
                out.append(
                    {
                        "id": doc["id"],
                        "key": issue.key,
                        "fields": doc["fields"],
                        "labels": list(issue.fields["labels"]),
                        "comments": comments,
                        "changelog": hist,
                    }
                )
            return {"total": len(out), "issues": out}
