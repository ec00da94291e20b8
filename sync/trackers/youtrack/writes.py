"""YouTrack writes: custom fields in one POST, tags through one silent command, comments.

Fields: `POST /api/issues/{id}?muteUpdateNotifications=true` with `customFields` entries
(https://www.jetbrains.com/help/youtrack/devportal/api-how-to-update-custom-fields-values.html).
Tags: `POST /api/issues/{id}/tags` has no `muteUpdateNotifications` parameter
(resource-api-issues-issueID-tags), so tags go through `POST /api/commands` with
`"silent": true`, the documented way to change an issue without notifications
(https://www.jetbrains.com/help/youtrack/devportal/api-usecase-commands.html). Both need the
"Apply Commands Silently" permission.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from sync.trackers.http import RetryingHttp
from sync.trackers.youtrack.tags import TagBook

__all__ = ["IssueWriter", "tag_command"]


def _name(tag: str) -> str:
    # Command values with spaces go in braces (command grammar, as in the search grammar).
    return f"{{{tag}}}" if any(c.isspace() for c in tag) else tag


def tag_command(add: Sequence[str], remove: Sequence[str]) -> str:
    """One command query adding and removing tags: `tag A untag B` (Command Grammar)."""
    return " ".join([*(f"tag {_name(t)}" for t in add), *(f"untag {_name(t)}" for t in remove)])


class IssueWriter:
    """Field, tag and comment writes of one adapter."""

    def __init__(
        self, http: RetryingHttp, url: Callable[[str], str], tags: TagBook, *, mute: bool
    ) -> None:
        self._http, self._url, self._tags, self.mute = http, url, tags, mute

    def fields(self, key: str, fields: Mapping[str, Any]) -> None:
        """POST the `customFields` entries (no call when there are none)."""
        if not fields:
            return
        body = {"customFields": [dict(v, name=v.get("name", k)) for k, v in fields.items()]}
        params = {"fields": "id", **({"muteUpdateNotifications": "true"} if self.mute else {})}
        self._http.request(
            "POST",
            self._url(f"issues/{quote(key, safe='')}"),
            params=params,
            json=body,
            skippable_key=key,
            idempotent=True,  # sets field values: sending it twice sets them twice
        )

    def tags(self, key: str, add: Sequence[str], remove: Sequence[str]) -> None:
        """Add and remove tags with one (silent) command; unknown tags to remove are skipped."""
        for name in add:
            self._tags.id(name, create=True)  # found, or created shared with the team
        remove = [n for n in remove if self._tags.id(n, create=False) is not None]
        if not add and not remove:
            return
        body: dict[str, Any] = {
            "query": tag_command(add, remove),
            "issues": [{"idReadable": key}],
            "silent": self.mute,
        }
        # `tag X` on a tagged issue and `untag X` on an untagged one change nothing.
        self._http.request(
            "POST", self._url("commands"), json=body, skippable_key=key, idempotent=True
        )

    def comment(self, key: str, text: str) -> None:
        """Add a comment (`POST /api/issues/{id}/comments`)."""
        self._http.request(
            "POST",
            self._url(f"issues/{quote(key, safe='')}/comments"),
            params={"fields": "id"},
            json={"text": text},
            skippable_key=key,
        )
