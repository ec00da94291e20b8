"""Complete Jira change histories: Cloud changelog bulkfetch and the paged issue changelog.

Search results and `GET issue` embed at most a capped page of the changelog; these helpers
fetch the rest and hand histories back normalised (string ids, list items) and oldest first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from mappings.jira.history import history_order
from sync.errors import FatalTrackerError
from sync.trackers.http import RetryingHttp
from sync.trackers.paging import start_at_pages, token_pages

__all__ = ["BULK_ISSUES", "JiraHistories", "oldest_first"]

BULK_ISSUES, _BULK_FIELDS = 1000, 10  # limits of POST /rest/api/3/changelog/bulkfetch

History = dict[str, Any]


def _history(h: Mapping[str, Any]) -> History:
    # bulkfetch `created` may be an ISO string or an epoch number: kept as sent, parsed later.
    return {**h, "id": str(h.get("id", "")), "items": list(h.get("items") or ())}


def oldest_first(
    histories: Iterator[Mapping[str, Any]] | Sequence[Mapping[str, Any]],
) -> tuple[History, ...]:
    """Normalised histories in the mapping's one order (`mappings.jira.history`)."""
    return tuple(history_order(_history(h) for h in histories))  # type: ignore[misc]


def _merge(into: dict[str, History], histories: Sequence[Mapping[str, Any]]) -> None:
    """Merge histories by id; one history seen under two fieldIds chunks keeps all items."""
    for raw in histories:
        h = _history(raw)
        known = into.setdefault(h["id"], h)
        if known is not h:
            known["items"] += [i for i in h["items"] if i not in known["items"]]


class JiraHistories:
    """Fetches the histories Jira left out of a search page or an issue."""

    def __init__(self, http: RetryingHttp, url: Callable[[str], str], log: Any) -> None:
        self._http = http
        self._url = url  # "api/2/..." -> absolute REST URL
        self._log = log
        self._dc_changelog_endpoint = True  # set False after a 404 from an older server

    def bulk(self, ids: Sequence[str], tracked: Sequence[str] | None) -> dict[str, list[History]]:
        """Histories of many issues via POST /rest/api/3/changelog/bulkfetch.

        https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-changelog-bulkfetch-post
        """
        merged: dict[str, dict[str, History]] = {}
        field_chunks = (
            [tracked[i : i + _BULK_FIELDS] for i in range(0, len(tracked), _BULK_FIELDS)]
            if tracked
            else [None]
        )
        for start in range(0, len(ids), BULK_ISSUES):
            chunk = [str(i) for i in ids[start : start + BULK_ISSUES]]
            for fids in field_chunks:

                def bulk(token: str | None, chunk=chunk, fids=fids) -> Mapping[str, Any]:
                    body: dict[str, Any] = {"issueIdsOrKeys": chunk, "maxResults": 1000}
                    if fids:
                        body["fieldIds"] = list(fids)
                    if token:
                        body["nextPageToken"] = token
                    return self._http.request(
                        "POST", self._url("api/3/changelog/bulkfetch"), json=body, idempotent=True
                    )

                for page in token_pages(bulk, what="POST /rest/api/3/changelog/bulkfetch"):
                    for log in page.get("issueChangeLogs") or ():
                        _merge(
                            merged.setdefault(str(log["issueId"]), {}),
                            log.get("changeHistories") or (),
                        )
        return {issue: list(hs.values()) for issue, hs in merged.items()}

    def cloud_issue(self, issue: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
        """A Cloud `GET issue` changelog, paged from the changelog endpoint when capped."""
        log = issue.get("changelog") or {}
        hs = log.get("histories") or []
        if log.get("total", len(hs)) > len(hs):
            return self.changelog_pages("3", issue["key"])
        return hs

    def note_path(self, path: str) -> None:
        """Log, once per pass, how Data Center histories are read when search omits them."""
        self._log.info("jira.search_ignores_expand_changelog", histories_via=path)

    def dc_issue(self, issue: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
        """A Data Center issue's histories: embedded if complete, else paged or re-fetched."""
        log = issue.get("changelog")
        hs = (log or {}).get("histories") or []
        if log is not None and log.get("total", len(hs)) <= len(hs):
            return hs
        key = issue["key"]
        if log is None:
            # Search ignored expand=changelog: the issue resource embeds the whole history
            # in one request, where the changelog endpoint (absent before some DC versions)
            # would page it by 100.
            full = self._issue_with_changelog(key)
            if full is not None:
                return full
        if self._dc_changelog_endpoint:
            try:
                return self.changelog_pages("2", key)
            except FatalTrackerError as exc:
                if exc.status != 404:
                    raise
                # /issue/{key}/changelog is missing on older Data Center versions.
                self._dc_changelog_endpoint = False
                self._log.info("jira.changelog_endpoint_missing", issue=key)
        full = self._issue_with_changelog(key)
        if full is None:
            raise FatalTrackerError(
                f"Jira returns no change history for {key}: neither search nor GET issue "
                "honour expand=changelog and /rest/api/2/issue/{key}/changelog is missing "
                "(a proxy dropping the 'expand' parameter?)"
            )
        return full

    def _issue_with_changelog(self, key: str) -> Sequence[Mapping[str, Any]] | None:
        """GET issue?expand=changelog: its histories, or None when no changelog came back."""
        full = self._http.request(
            "GET",
            self._url(f"api/2/issue/{quote(key, safe='')}"),
            params={"fields": "updated", "expand": "changelog"},
        )
        log = (full or {}).get("changelog")
        return None if log is None else log.get("histories") or []

    def changelog_pages(self, api: str, key: str) -> list[Mapping[str, Any]]:
        """All of one issue's histories from GET /rest/api/{2|3}/issue/{key}/changelog."""
        url = self._url(f"api/{api}/issue/{quote(key, safe='')}/changelog")

        def fetch(start: int) -> Mapping[str, Any]:
            return self._http.request("GET", url, params={"startAt": start, "maxResults": 100})

        return [
            h
            for p in start_at_pages(fetch, "values", what=f"GET {url}")
            for h in p.get("values") or ()
        ]
