"""Issue attributes as the sandbox's search reads them (`project:`, `updated:`, fields, tags).

Search Query Reference: https://www.jetbrains.com/help/youtrack/cloud/search-and-command-attributes.html
Only attributes sla-sync and its tests use are modelled; an unknown one is a 400, as YouTrack
answers for a field it does not know.
"""

from __future__ import annotations

from typing import Any

from sandbox.youtrack.search import Attr, Pred
from sandbox.youtrack.state import YouTrackState, YtIssue

__all__ = ["IssueAttributes"]

_NUMBER_KINDS = {"float", "integer", "period"}
_DATE_KINDS = {"date", "date and time"}


class IssueAttributes:
    """`resolve(name)` and `single(value)` for one searching user."""

    def __init__(self, state: YouTrackState, login: str) -> None:
        self.state, self.cat, self.login = state, state.cat, login

    def _tags(self, issue: YtIssue) -> list[str]:
        return [self.state.tags[t]["name"] for t in self.state.visible_tags(issue, self.login)]

    def _fixed(self) -> dict[str, Attr]:
        project = self.cat.projects
        last = self._updater
        return {
            "project": Attr(
                "text", lambda i: [project[i.project]["shortName"], project[i.project]["name"]]
            ),
            "issue id": Attr("text", lambda i: [i.key, i.id]),
            "created": Attr("date", lambda i: i.created),
            "updated": Attr("date", lambda i: i.updated),
            "resolved date": Attr("date", lambda i: i.resolved),
            "reporter": Attr("text", lambda i: i.reporter),
            "updater": Attr("text", last),
            "tag": Attr("text", self._tags),
        }

    @staticmethod
    def _updater(issue: YtIssue) -> str:
        return issue.activities[-1]["author"] if issue.activities else issue.reporter

    def resolve(self, name: str) -> Attr | None:
        """How to read the attribute `name` (aliases as documented), or None."""
        key = name.casefold()
        key = {"issue": "issue id", "tags": "tag", "created by": "reporter", "by": "reporter"}.get(
            key, key
        )
        key = {"updated by": "updater", "for": "assignee", "resolved": "resolved date"}.get(
            key, key
        )
        if key in (fixed := self._fixed()):
            return fixed[key]
        field = next((f for f in self.cat.fields.values() if f.name.casefold() == key), None)
        if field is None:
            return None
        kind = (
            "date"
            if field.kind in _DATE_KINDS
            else "number"
            if field.kind in _NUMBER_KINDS
            else "text"
        )
        me = self.login

        def get(issue: YtIssue) -> Any:
            return issue.values.get(field.name)

        if field.kind == "user":
            return Attr("text", lambda i: [get(i), *(["me"] if get(i) == me else [])])
        return Attr(kind, get)

    def single(self, ref: str) -> tuple[str, Pred] | None:
        """`#ref` without an attribute: resolution, issue id, a field value or a tag."""
        word = ref.casefold()
        if word in ("unresolved", "resolved"):
            want = word == "resolved"
            return "#resolution", lambda i: (i.resolved is not None) == want
        if self.state.get(ref) is not None:
            return "issue id", lambda i: word in (i.key.casefold(), i.id)
        for field in self.cat.fields.values():
            if any(v[1].casefold() == word for v in field.values):
                name = field.name

                def check(i: YtIssue, n: str = name) -> bool:
                    return str(i.values.get(n) or "").casefold() == word

                return name.casefold(), check
        if any(t["name"].casefold() == word for t in self.state.tags.values()):
            return "tag", lambda i: word in (n.casefold() for n in self._tags(i))
        return None
