"""Every request sla-sync sends in a pass, by kind, and which issues each one served.

A `requests` response hook on the adapter's session (documented requests feature) records each
answer; search pages and changelog answers are parsed for the issues they carry, so a request's
cost can be shared among the issues it served (the overlap's share, our own writes' share).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

__all__ = ["KINDS", "Ledger", "kind_of"]

KINDS = ("setup", "search", "changelog", "fetch", "writes", "comments", "other")

_RULES: tuple[tuple[str, str, str], ...] = (
    # (method or *, path regex, kind) — first match wins
    ("*", r"/rest/api/\d/search(/jql)?$", "search"),
    ("*", r"/rest/api/\d/changelog/bulkfetch$", "changelog"),
    ("GET", r"/rest/api/\d/issue/[^/]+/changelog$", "changelog"),
    ("*", r"/rest/api/\d/issue/[^/]+/comment$", "comments"),
    ("PUT", r"/rest/api/\d/issue/[^/]+$", "writes"),
    ("GET", r"/rest/api/\d/issue/[^/]+$", "fetch"),
    ("*", r"/rest/api/\d/(serverInfo|myself|field|status|priority|resolution|issuetype)$", "setup"),
    ("GET", r"/api/issues$", "search"),
    ("GET", r"/api/issues/[^/]+/activitiesPage$", "changelog"),
    ("GET", r"/api/activitiesPage$", "changelog"),
    ("*", r"/api/issues/[^/]+/comments$", "comments"),
    ("POST", r"/api/issues/[^/]+$", "writes"),
    ("POST", r"/api/commands$", "writes"),
    ("GET", r"/api/issues/[^/]+$", "fetch"),
    ("GET", r"/api/(users/me|admin/projects.*|admin/customFieldSettings.*)$", "setup"),
)


def kind_of(method: str, path: str) -> str:
    """The kind of one request (setup, search, changelog, fetch, writes, comments, other)."""
    for m, pattern, kind in _RULES:
        if m in ("*", method) and re.search(pattern, path):
            return kind
    return "other"


@dataclass
class Entry:
    """One answered request: its kind and, per issue key, its share weight."""

    kind: str
    weights: dict[str, float] = field(default_factory=dict)


class Ledger:
    """Records the requests of one adapter session; `key_of` maps API issue ids to keys."""

    def __init__(self, session: Any, key_of: Callable[[str], str | None]) -> None:
        self.entries: list[Entry] = []
        self._key_of = key_of
        session.hooks["response"].append(self._on_response)

    def reset(self) -> None:
        """Forget what was recorded (between passes)."""
        self.entries = []

    def counts(self) -> Counter[str]:
        """Requests per kind."""
        return Counter(e.kind for e in self.entries)

    def shares(self, classify: Callable[[str], str]) -> dict[tuple[str, str], float]:
        """(kind, class) -> requests attributed to the issues of that class, in fractions of a
        request by what each issue took of it (issues on a page, histories in an answer)."""
        out: dict[tuple[str, str], float] = {}
        for e in self.entries:
            total = sum(e.weights.values())
            if not total:
                continue
            for key, w in e.weights.items():
                slot = (e.kind, classify(key))
                out[slot] = out.get(slot, 0.0) + w / total
        return out

    def listed(self) -> list[str]:
        """Keys of the issues the search pages listed, in order (a key twice: listed twice)."""
        return [k for e in self.entries if e.kind == "search" for k in e.weights]

    # -- the hook ---------------------------------------------------------------------------
    def _on_response(self, response: Any, *args: Any, **kwargs: Any) -> None:
        req = response.request
        path = urlparse(req.url).path
        kind = kind_of(req.method, path)
        entry = Entry(kind)
        if response.ok and kind in ("search", "changelog"):
            with contextlib.suppress(ValueError):  # an unparsable answer: counted, not shared
                entry.weights = self._weights(kind, path, _json(req.body), response.json())
        self.entries.append(entry)

    def _weights(self, kind: str, path: str, body: Any, answer: Any) -> dict[str, float]:
        w: dict[str, float] = {}
        if kind == "search":
            issues = answer if isinstance(answer, list) else answer.get("issues") or []
            for i in issues:
                key = i.get("key") or i.get("idReadable") or self._key_of(str(i.get("id")))
                if key:
                    w[key] = w.get(key, 0.0) + 1.0
        elif path.endswith("/bulkfetch"):
            for log in answer.get("issueChangeLogs") or ():
                key = self._key_of(str(log.get("issueId")))
                if key:
                    w[key] = w.get(key, 0.0) + max(1, len(log.get("changeHistories") or ()))
            if not w:  # nothing returned: the asked issues share the request
                for ref in (body or {}).get("issueIdsOrKeys") or ():
                    if key := self._key_of(str(ref)):
                        w[key] = 1.0
        elif path.endswith("/api/activitiesPage"):  # YouTrack's stream: by each item's issue
            for a in answer.get("activities") or ():
                target = a.get("target") or {}
                key = target.get("idReadable") or self._key_of(str(target.get("id")))
                if key:
                    w[key] = w.get(key, 0.0) + 1.0
        else:  # a per-issue changelog: /issue/{key}/changelog, /issues/{id}/activitiesPage
            ref = path.rstrip("/").split("/")[-2]
            if key := self._key_of(ref):
                w[key] = 1.0
        return w


def _json(body: Any) -> Mapping[str, Any] | None:
    if not body:
        return None
    try:
        return json.loads(body)
    except (TypeError, ValueError):
        return None
