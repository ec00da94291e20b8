"""What the sandbox itself knows, read from its state in this process (no HTTP, not counted).

The steady-state bench takes its minimum from here, never from what a pass chose to read:
which issues changed, how many tracked histories they carry, and what a pass changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sandbox import BOT, Sandbox

__all__ = ["Truth", "truth_of"]


class Truth:
    """Ground truth of one sandbox tracker (Jira or YouTrack), read under its lock."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb, self.state = sb, sb.state

    # -- identity -----------------------------------------------------------------------
    def keys(self) -> list[str]:
        """Every issue key."""
        raise NotImplementedError

    def key_of(self, issue_id: str) -> str | None:
        """The key of an issue id as the API sends it (Jira `10001`, YouTrack `2-1`)."""
        raise NotImplementedError

    # -- state --------------------------------------------------------------------------
    def status(self, key: str) -> str:
        """The issue's status name."""
        raise NotImplementedError

    def fingerprint(self, key: str) -> tuple[Any, Any]:
        """(field values but `updated`, labels/tags): equal before and after a pass unless the
        pass changed the issue's fields (first) or labels (second)."""
        raise NotImplementedError

    def bot_comments(self, key: str) -> int:
        """Comments the service account posted on the issue."""
        raise NotImplementedError

    def last_change(self, key: str, before: datetime) -> tuple[str, datetime] | None:
        """(author, time) of the newest history entry or comment earlier than `before`."""
        raise NotImplementedError

    def tracked_histories(self, key: str, fields: Collection[str]) -> int:
        """History entries touching any of `fields` (what Cloud bulkfetch with `fieldIds`
        returns for the issue); for YouTrack the activity items the clock reads: custom field
        changes, creation and resolution (not tags)."""
        raise NotImplementedError

    def open_or_updated_since(self, since: datetime) -> set[str]:
        """Keys of the open issues and of the closed ones updated at or after `since`."""
        raise NotImplementedError

    def snapshot(self, keys: Iterable[str] | None = None) -> dict[str, tuple[Any, Any, int]]:
        """key -> (fields, labels, bot comments) for every (or the given) issue."""
        with self.state.lock:
            return {
                k: (*self.fingerprint(k), self.bot_comments(k))
                for k in (self.keys() if keys is None else keys)
            }


class JiraTruth(Truth):
    """The Jira sandbox: issues keyed by id, histories with `fieldId` items."""

    def __init__(self, sb: Sandbox) -> None:
        super().__init__(sb)
        self._status = {s["id"]: s["name"] for s in self.state.cat.statuses}
        self._done = {s["id"] for s in self.state.cat.statuses if s["category"] == "done"}

    def keys(self) -> list[str]:
        return list(self.state.by_key)

    def key_of(self, issue_id: str) -> str | None:
        issue = self.state.get(str(issue_id))
        return issue.key if issue else None

    def status(self, key: str) -> str:
        return self._status[self.state.by_key[key].fields["status"]]

    def open_or_updated_since(self, since: datetime) -> set[str]:
        return {
            k
            for k, i in self.state.by_key.items()
            if i.fields["status"] not in self._done or i.fields["updated"] >= since
        }

    def fingerprint(self, key: str) -> tuple[Any, Any]:
        f = self.state.by_key[key].fields
        values = tuple(sorted((k, repr(v)) for k, v in f.items() if k not in ("updated", "labels")))
        return values, tuple(sorted(f.get("labels") or ()))

    def bot_comments(self, key: str) -> int:
        return sum(1 for c in self.state.by_key[key].comments if c["author"] == BOT)

    def last_change(self, key: str, before: datetime) -> tuple[str, datetime] | None:
        issue = self.state.by_key[key]
        events = [(h["created"], h["author"]) for h in issue.histories]
        return _newest([*events, *((c["created"], c["author"]) for c in issue.comments)], before)

    def tracked_histories(self, key: str, fields: Collection[str]) -> int:
        wanted = set(fields)
        return sum(
            1
            for h in self.state.by_key[key].histories
            if any(i.get("fieldId", i.get("field")) in wanted for i in h["items"])
        )


class YouTrackTruth(Truth):
    """The YouTrack sandbox: issues keyed by readable id, activity items."""

    def keys(self) -> list[str]:
        return list(self.state.issues)

    def key_of(self, issue_id: str) -> str | None:
        if not hasattr(self, "_by_id"):
            self._by_id = {i.id: k for k, i in self.state.issues.items()}
        return self._by_id.get(issue_id) or (issue_id if issue_id in self.state.issues else None)

    def status(self, key: str) -> str:
        return str(self.state.issues[key].values.get("State"))

    def open_or_updated_since(self, since: datetime) -> set[str]:
        return {k for k, i in self.state.issues.items() if i.resolved is None or i.updated >= since}

    def fingerprint(self, key: str) -> tuple[Any, Any]:
        i = self.state.issues[key]
        return tuple(sorted((k, repr(v)) for k, v in i.values.items())), tuple(sorted(i.tags))

    def bot_comments(self, key: str) -> int:
        return sum(1 for c in self.state.issues[key].comments if c["author"] == BOT)

    def last_change(self, key: str, before: datetime) -> tuple[str, datetime] | None:
        issue = self.state.issues[key]
        events = [(a["at"], a["author"]) for a in issue.activities]
        return _newest([*events, *((c["at"], c["author"]) for c in issue.comments)], before)

    def tracked_histories(self, key: str, fields: Collection[str]) -> int:
        return sum(1 for a in self.state.issues[key].activities if a["kind"] != "tags")


def _newest(events: list[tuple[datetime, str]], before: datetime) -> tuple[str, datetime] | None:
    """(author, time) of the newest (time, author) event earlier than `before`."""
    earlier = [e for e in events if e[0] < before]
    if not earlier:
        return None
    at, author = max(earlier, key=lambda e: e[0])
    return author, at


def truth_of(sb: Sandbox) -> Truth:
    """The ground-truth reader for a running sandbox."""
    return YouTrackTruth(sb) if sb.tracker == "youtrack" else JiraTruth(sb)
