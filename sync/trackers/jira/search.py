"""Jira issue search and single-issue fetch, as `Page`s of `RawIssue` with complete histories.

Cloud pages `GET /rest/api/3/search/jql` by token and bulk-fetches the changelogs of each
page; Data Center pages `GET /rest/api/2/search` by `startAt` with embedded changelogs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from mappings.raw import RawIssue
from sync.errors import FatalTrackerError
from sync.ports import Known, Page
from sync.trackers.http import RetryingHttp
from sync.trackers.jira.history import BULK_ISSUES, JiraHistories, oldest_first
from sync.trackers.paging import start_at_pages, token_pages

__all__ = ["JiraSearch"]

_HELD = 5 * BULK_ISSUES  # search results held at most while waiting for histories to fetch


class JiraSearch:
    """Reads issues; the caller builds the JQL and the `fields` list."""

    def __init__(
        self,
        http: RetryingHttp,
        url: Callable[[str], str],
        histories: JiraHistories,
        page_size: int,
    ) -> None:
        self._http = http
        self._url = url  # "api/2/..." -> absolute REST URL
        self._histories = histories
        self._page_size = page_size

    def _get(self, path: str, **params: Any) -> Any:
        return self._http.request("GET", self._url(path), params=params)

    def cloud_pages(
        self, jql: str, fields: str, tracked: Sequence[str] | None, known: Known | None = None
    ) -> Iterator[Page]:
        """Pages of `search/jql`; histories of `tracked` fields only (all when None).

        Histories come from one bulkfetch for up to `BULK_ISSUES` issues: search pages are held
        until that many issues need histories (or `_HELD` issues are held, or the last page
        came), so a bulkfetch page carries up to its 1 000 histories instead of one search
        page's worth. `known` issues need none.
        """

        def cloud_page(token: str | None) -> Mapping[str, Any]:
            params = {"jql": jql, "fields": fields, "maxResults": self._page_size}
            return self._get(
                "api/3/search/jql", **params, **({"nextPageToken": token} if token else {})
            )

        held: list[tuple[list[Mapping[str, Any]], frozenset[str]]] = []
        needy = 0
        for page in token_pages(cloud_page, what="GET /rest/api/3/search/jql"):
            issues = list(page.get("issues") or [])
            skip = _known(known, issues)
            held.append((issues, skip))
            needy += len(issues) - len(skip)
            if needy >= BULK_ISSUES or sum(len(i) for i, _ in held) >= _HELD:
                yield from self._with_histories(held, tracked)
                held, needy = [], 0
        if held:
            yield from self._with_histories(held, tracked)

    def _with_histories(
        self,
        pages: list[tuple[list[Mapping[str, Any]], frozenset[str]]],
        tracked: Sequence[str] | None,
    ) -> Iterator[Page]:
        wanted = [i["id"] for issues, skip in pages for i in issues if i["key"] not in skip]
        histories = self._histories.bulk(wanted, tracked) if wanted else {}
        for issues, skip in pages:
            raws = [
                _raw(i, () if i["key"] in skip else histories.get(str(i["id"]), ())) for i in issues
            ]
            yield _page(raws, skip)

    def dc_pages(self, jql: str, fields: str, known: Known | None = None) -> Iterator[Page]:
        """Pages of `api/2/search` with embedded changelogs; truncated ones are completed
        (never those of `known` issues, which come without history).

        Some servers (older versions, proxies that rewrite query strings) ignore
        `expand=changelog` on `GET search`. The first page tells, once per pass: then the
        same page is asked by `POST search` with `expand: ["changelog"]` in the body (the
        documented request bean), and if that embeds them, every page is; else each issue's
        history comes from `GET issue?expand=changelog`, one request per issue, without
        probing the changelog endpoint Data Center lacks.
        https://docs.atlassian.com/software/jira/docs/api/REST/8.20.0/#api/2/search-searchUsingSearchRequest
        """
        how = {"method": "GET"}

        def dc_page(start: int) -> Mapping[str, Any]:
            page = self._dc_search(how["method"], jql, fields, start)
            if start == 0 and how["method"] == "GET" and _ignored_expand(page):
                try:
                    posted = self._dc_search("POST", jql, fields, start)
                except FatalTrackerError:
                    posted = page  # POST refused (a proxy): read histories issue by issue
                if not _ignored_expand(posted):
                    how["method"], page = "POST", posted
                path = "POST search" if how["method"] == "POST" else "GET issue per issue"
                self._histories.note_path(path)
            return page

        for page in start_at_pages(dc_page, "issues", what="GET /rest/api/2/search"):
            issues = page["issues"]
            skip = _known(known, issues)
            raws = [
                _raw(i, () if i["key"] in skip else self._histories.dc_issue(i)) for i in issues
            ]
            yield _page(raws, skip)

    def _dc_search(self, method: str, jql: str, fields: str, start: int) -> Mapping[str, Any]:
        params = {"jql": jql, "startAt": start, "maxResults": self._page_size}
        if method == "GET":
            return self._get("api/2/search", **params, fields=fields, expand="changelog")
        body = {**params, "fields": fields.split(","), "expand": ["changelog"]}
        return self._http.request("POST", self._url("api/2/search"), json=body)

    def fetch(self, key: str, fields: str, *, cloud: bool) -> RawIssue:
        """One issue, fresh, with its complete history and field names."""
        issue = self._get(
            f"api/{'3' if cloud else '2'}/issue/{quote(key, safe='')}",
            fields=fields,
            expand="changelog,names",
        )
        if cloud:
            return _raw(issue, self._histories.cloud_issue(issue))
        return _raw(issue, self._histories.dc_issue(issue))


def _raw(issue: Mapping[str, Any], histories: Any) -> RawIssue:
    return RawIssue(
        tracker="jira",
        key=issue["key"],
        id=str(issue["id"]),
        fields=issue.get("fields") or {},
        histories=oldest_first(histories),
        names=issue.get("names") or {},
        updated=_parse_jira_time((issue.get("fields") or {}).get("updated")),
    )


def _parse_jira_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else None


def _ignored_expand(page: Mapping[str, Any]) -> bool:
    """True when a search page has issues but none carries a `changelog` at all."""
    issues = page.get("issues") or []
    return bool(issues) and all("changelog" not in i for i in issues)


def _known(known: Known | None, issues: Sequence[Mapping[str, Any]]) -> frozenset[str]:
    """Keys of the issues whose version (`updated`) the caller already processed."""
    if known is None:
        return frozenset()
    return frozenset(
        i["key"]
        for i in issues
        if known(i["key"], _parse_jira_time((i.get("fields") or {}).get("updated")))
    )


def _page(issues: list[RawIssue], known: frozenset[str] = frozenset()) -> Page:
    times = [i.updated for i in issues if i.updated is not None]
    return Page(issues=tuple(issues), last_updated=max(times) if times else None, known=known)
