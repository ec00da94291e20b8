"""YouTrack tags by name: looked up once, created when missing.

https://www.jetbrains.com/help/youtrack/devportal/resource-api-tags.html
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sync.trackers.http import RetryingHttp

__all__ = ["TagBook"]


class TagBook:
    """Tag ids by case-insensitive name, cached for the adapter's life."""

    def __init__(
        self,
        http: RetryingHttp,
        url: Callable[[str], str],
        list_all: Callable[..., list[Any]],
        log: Any,
    ) -> None:
        self._http, self._url, self._list, self._log = http, url, list_all, log
        self._ids: dict[str, str] = {}

    def id(self, name: str, *, create: bool) -> str | None:
        """The id of the tag called `name` (case-insensitive); created when asked to."""
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
                made = self._http.request(
                    "POST", self._url("tags"), params={"fields": "id,name"}, json={"name": name}
                )
                self._log.warning("youtrack.tag_created", tag=name)
                self._ids[folded] = str(made["id"])
        return self._ids[folded]
