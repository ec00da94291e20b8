"""YouTrack tags by name: found among the tags sla-sync can see, or created shared with the team.

A new tag is visible to its owner only until it is shared (`visibleFor`, the documented and
still accepted way; `readSharingSettings` is read-only):
https://www.jetbrains.com/help/youtrack/devportal/api-usecase-add-remove-tags.html
https://www.jetbrains.com/help/youtrack/devportal/api-entity-Tag.html
A tag made by sla-sync's account and left private would be invisible to every agent, and a
same-named tag the account cannot see would be duplicated, so sla-sync creates a missing tag
shared with the project's team, or uses an existing tag of that name it can see.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sync.errors import FatalTrackerError
from sync.trackers.http import RetryingHttp

__all__ = ["TagBook"]


class TagBook:
    """Tag ids by case-insensitive name, cached for the adapter's life."""

    def __init__(
        self,
        http: RetryingHttp,
        url: Callable[[str], str],
        list_all: Callable[..., list[Any]],
        team: Callable[[], Mapping[str, Any] | None],
        log: Any,
    ) -> None:
        self._http, self._url, self._list, self._team, self._log = http, url, list_all, team, log
        self._ids: dict[str, str] = {}

    def id(self, name: str, *, create: bool) -> str | None:
        """The id of the visible tag called `name`; created shared with the team when asked."""
        folded = name.casefold()
        if folded not in self._ids:
            found = self._list("tags", "GET /api/tags", fields="id,name", query=name)
            for tag in found:
                if str(tag.get("name", "")).casefold() == folded:
                    self._ids[folded] = str(tag["id"])
                    break
            else:
                if not create:
                    return None
                self._ids[folded] = self._create(name)
        return self._ids[folded]

    def _create(self, name: str) -> str:
        team = self._team()
        if not team or not team.get("id"):
            raise FatalTrackerError(
                f"YouTrack has no tag {name!r} that sla-sync's account can see, and no project "
                "team to share a new one with: create the tag shared with the support team "
                "(or set `project` in the tracker settings)"
            )
        made = self._http.request(
            "POST",
            self._url("tags"),
            params={"fields": "id,name"},
            json={"name": name, "visibleFor": {"id": team["id"]}},
        )
        self._log.warning("youtrack.tag_created", tag=name, shared_with=team.get("name"))
        return str(made["id"])
