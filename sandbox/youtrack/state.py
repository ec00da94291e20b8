"""The YouTrack sandbox's data: issues with custom field values, activities, tags and comments.

Seeded from the same scenario files as the Jira sandbox: scenario names are translated
(`status` -> State, `priority` -> Priority, `resolution` -> Резолюция, `issuetype` -> Type,
`labels` -> tags), so one scenario describes the same requests in both trackers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.jira.catalog import User
from sandbox.scenario import Scenario
from sandbox.youtrack.catalog import YtCatalog, YtField
from sandbox.youtrack.values import scenario_value

__all__ = ["YouTrackState", "YtIssue"]

RESOLUTION = "Резолюция"


@dataclass
class YtIssue:
    """One issue; `activities` are stored items, oldest first (rendered by `youtrack_json`)."""

    seq: int
    key: str
    project: str
    summary: str
    created: datetime
    updated: datetime
    reporter: str
    values: dict[str, Any]
    description: str | None = None
    resolved: datetime | None = None
    tags: list[str] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The entity id (`2-17`); `key` is the readable id (`SUP-17`)."""
        return f"2-{self.seq}"


class YouTrackState:
    """All issues and tags of one sandbox YouTrack, guarded by one lock."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario, self.tz, self.options = scenario, scenario.timezone, scenario.options
        self.cat = YtCatalog(scenario.catalog, scenario.users, self.tz)
        self.cat.outsiders = set(scenario.options.get("youtrack_outsiders") or ())
        self.lock = threading.RLock()
        self.clock: Callable[[], datetime] | None = None  # test/bench hook: `Sandbox.set_clock`
        self.version = 0
        self.muted_writes = 0  # POSTs sent with muteUpdateNotifications=true
        self.issues: dict[str, YtIssue] = {}  # by readable id
        self.tags: dict[str, dict[str, Any]] = {}  # by tag id: {id, name, owner}
        self._next = 0
        for raw in scenario.issues:
            self._load_issue(raw)

    def now(self) -> datetime:
        """The current time (what `updated` is bumped to by live changes): the real one, or
        the injected clock's (`Sandbox.set_clock`, for simulated time in benches)."""
        return self.clock().astimezone(self.tz) if self.clock else datetime.now(self.tz)

    def next_id(self, prefix: str) -> str:
        """A fresh entity id such as `4-17` (comments) or `6-3` (tags)."""
        self._next += 1
        return f"{prefix}-{self._next}"

    def field(self, name: str) -> YtField:
        """A field by YouTrack or scenario name; ValueError when unknown."""
        f = self.cat.field(name)
        if f is None:
            raise ValueError(f"unknown field {name!r}")
        return f

    # --- loading -------------------------------------------------------------------------
    def _load_issue(self, raw: dict[str, Any]) -> YtIssue:
        sc = self.scenario
        key = str(raw["key"]).upper()
        project = key.rsplit("-", 1)[0]
        if project not in self.cat.projects:
            n = len(self.cat.projects)
            self.cat.projects[project] = {"id": f"0-{n}", "shortName": project, "name": project}
            self.cat.add_team(project)
        created = sc.time(raw.get("created", "now"))
        state = self.cat.fields["State"].values[0][1]
        values: dict[str, Any] = {f: None for f in self.cat.fields}
        values["State"] = state
        given = dict(raw.get("fields") or {})
        labels = given.pop("labels", [])
        if "issuetype" in raw and "Type" in self.cat.fields:
            given.setdefault("issuetype", raw["issuetype"])
        for name, value in given.items():
            f = self.field(name)
            values[f.name] = scenario_value(self.cat, f, value, sc.time)
        issue = YtIssue(
            len(self.issues) + 1,
            key,
            project,
            str(raw.get("summary", key)),
            created,
            created,
            self.cat.user(raw.get("reporter", "agent")).name,
            values,
            raw.get("description"),
        )
        issue.resolved = created if self._is_resolved(values["State"]) else None
        self.issues[key] = issue
        for name in labels:
            # Scenario labels are tags an agent made and shared with the project team.
            try:
                tag = self.tag(str(name))
            except KeyError:
                team = self.cat.projects[project].get("team")
                tag = self.new_tag(str(name), "agent", {"use": {team}} if team else None)
            issue.tags.append(tag["id"])
        reporter = self.cat.user(issue.reporter)
        self._record(issue, {"kind": "created"}, reporter, created, live=False)
        for entry in raw.get("history") or []:
            self.apply_scenario(
                issue, entry.get("set") or {}, entry.get("by", "agent"), entry["at"], live=False
            )
        for c in raw.get("comments") or []:
            self.add_comment(
                issue, self.cat.user(c.get("by", "agent")), str(c["body"]), sc.time(c["at"]), False
            )
        return issue

    def apply_scenario(
        self, issue: YtIssue, changes: dict[str, Any], by: Any, at: Any, *, live: bool
    ) -> list[dict[str, Any]]:
        """Apply scenario-style changes; leaving a resolved State clears «Резолюция».

        The clearing mirrors the Jira sandbox (and a typical support workflow rule), so one
        scenario gives the same history in both trackers.
        """
        sc = self.scenario
        parsed = {}
        for name, value in changes.items():
            f = self.field(name)
            parsed[f.name] = scenario_value(self.cat, f, value, sc.time)
        leaving_done = "State" in parsed and not self._is_resolved(parsed["State"])
        if leaving_done and RESOLUTION in self.cat.fields and RESOLUTION not in parsed:
            parsed[RESOLUTION] = None
        when = at if isinstance(at, datetime) else sc.time(at)
        return self.apply(issue, parsed, self.cat.user(by), when, live=live)

    # --- changes -------------------------------------------------------------------------
    def _is_resolved(self, state: str | None) -> bool:
        row = self.cat.fields["State"].value_row(state or "")
        return bool(row and row[2])

    def _record(
        self, issue: YtIssue, item: dict[str, Any], author: User, at: datetime, live: bool
    ) -> dict[str, Any]:
        item = {
            **item,
            "id": f"{issue.id}.0-{len(issue.activities)}",
            "author": author.name,
            "at": at,
            "live": live,
        }
        issue.activities.append(item)
        return item

    def apply(
        self,
        issue: YtIssue,
        changes: dict[str, Any],
        author: User,
        at: datetime | None = None,
        *,
        live: bool = True,
        muted: bool = False,
    ) -> list[dict[str, Any]]:
        """Set stored values: ONE activity item per changed field; no-ops record nothing."""
        with self.lock:
            at = at or self.now()
            items = []
            was_resolved = issue.resolved
            for name, new in changes.items():
                old = issue.values.get(name)
                if old == new:
                    continue
                issue.values[name] = new
                item = {"kind": "field", "field": name, "added": new, "removed": old}
                items.append(self._record(issue, item | {"muted": muted}, author, at, live))
            if "State" in changes and items:
                resolved = self._is_resolved(issue.values["State"])
                if resolved != (was_resolved is not None):
                    issue.resolved = at if resolved else None
                    item = {"kind": "resolved", "added": issue.resolved, "removed": was_resolved}
                    self._record(issue, item, author, at, live)
            if items:
                issue.updated = max(issue.updated, at)
                self.version += 1
            return items

    # --- tags ----------------------------------------------------------------------------
    # A tag is visible to its owner and to the users and groups it is shared with; one visible
    # only to its owner is neither listed nor shown on issues to anyone else.
    # https://www.jetbrains.com/help/youtrack/devportal/api-entity-Tag.html
    def tag_visible(self, tag: dict[str, Any], login: str) -> bool:
        """True when `login` can see the tag (owner, or any of its sharing settings)."""
        if tag["owner"] == login:
            return True
        shared = tag["read"] | tag["use"] | tag["update"]
        return any(
            self.cat.in_group(login, g) if g.startswith("3-") else g == login for g in shared
        )

    def tag_usable(self, tag: dict[str, Any], login: str) -> bool:
        """True when `login` may add the tag to or remove it from issues."""
        if tag["owner"] == login:
            return True
        shared = tag["use"] | tag["update"]
        return any(
            self.cat.in_group(login, g) if g.startswith("3-") else g == login for g in shared
        )

    def visible_tags(self, issue: YtIssue, login: str | None) -> list[str]:
        """Ids of the issue's tags that `login` can see (all of them for None: the admin dump)."""
        return [t for t in issue.tags if login is None or self.tag_visible(self.tags[t], login)]

    def tag(self, name: str, viewer: str | None = None) -> dict[str, Any]:
        """A tag `viewer` can see (any tag for None) by name, case-insensitively; KeyError."""
        with self.lock:
            for tag in self.tags.values():
                if tag["name"].casefold() == name.casefold() and (
                    viewer is None or self.tag_visible(tag, viewer)
                ):
                    return tag
            raise KeyError(name)

    def new_tag(self, name: str, owner: str, share: dict[str, set[str]] | None = None) -> dict:
        """Create a tag owned by `owner`, shared as given (`read` / `use` / `update` sets)."""
        with self.lock:
            share = share or {}
            tag = {"id": self.next_id("6"), "name": name, "owner": owner}
            tag |= {k: set(share.get(k, ())) for k in ("read", "use", "update")}
            self.tags[tag["id"]] = tag
            return tag

    def set_tag(
        self, issue: YtIssue, tag_id: str, on: bool, author: User, *, muted: bool = False
    ) -> bool:
        """Add or remove a tag; records a TagsActivityItem and bumps `updated` when it changed."""
        with self.lock:
            if (tag_id in issue.tags) == on:
                return False
            if on:
                issue.tags.append(tag_id)
            else:
                issue.tags.remove(tag_id)
            at = self.now()
            item = {
                "kind": "tags",
                "added": [tag_id] if on else [],
                "removed": [] if on else [tag_id],
                "muted": muted,
            }
            self._record(issue, item, author, at, True)
            issue.updated = max(issue.updated, at)
            self.version += 1
            return True

    def add_comment(
        self, issue: YtIssue, author: User, text: str, at: datetime | None = None, bump: bool = True
    ) -> dict[str, Any]:
        """Store a comment; a new comment bumps `updated`, as in YouTrack."""
        with self.lock:
            at = at or self.now()
            comment = {"id": self.next_id("4"), "author": author.name, "text": text, "at": at}
            issue.comments.append(comment)
            if bump:
                issue.updated = max(issue.updated, at)
                self.version += 1
            return comment

    def get(self, ref: str) -> YtIssue | None:
        """An issue by readable id (`SUP-1`) or entity id (`2-1`)."""
        issue = self.issues.get(ref.upper())
        if issue is None and ref.startswith("2-") and ref[2:].isdigit():
            issue = next((i for i in self.issues.values() if i.id == ref), None)
        return issue
