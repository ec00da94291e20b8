"""Jira sandbox reads of many issues: JQL search (v2 startAt, Cloud nextPageToken), changelog
bulkfetch and the per-issue changelog page.

Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/
and https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-changelog-bulkfetch-post
"""

from __future__ import annotations

import base64
import binascii
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from sandbox.jira.catalog import User
from sandbox.jira.jql import JqlError, compile_jql
from sandbox.server import HttpError, Request, Router

__all__ = ["JiraSearchReads"]

REMOVED_SEARCH = (
    "The requested API has been removed. Please migrate to the "
    "/rest/api/3/search/jql API. A full migration guideline is available at "
    "https://developer.atlassian.com/changelog/#CHANGE-2046"
)
JQL_PAGE_CAP = 40  # histories embedded per issue by search/jql (Cloud)


def error(status: int, *messages: str, errors: Mapping[str, str] | None = None) -> HttpError:
    """A Jira-style error answer."""
    return HttpError(status, {"errorMessages": list(messages), "errors": dict(errors or {})})


class JiraSearchReads:
    """Mixin of `JiraApp` with the handlers that read many issues or long histories."""

    state: Any
    cat: Any
    cloud: bool
    _snapshots: OrderedDict[str, list[int]]
    _snap_ids: Any
    _live_cache: dict[tuple[str, str], tuple[int, list[int]]]
    _api: Any
    _issue: Any
    _cloud_only: Any
    _params: Any
    _expand: Any
    _fields_param: Any
    not_found: Any

    def add_search_routes(self, r: Router, api: str) -> None:
        """Register search, bulkfetch and changelog routes."""
        for method in ("GET", "POST"):
            r.add(method, f"{api}/search", self.search_v2)
            r.add(method, f"{api}/search/jql", self.search_jql)
        r.add("POST", f"{api}/changelog/bulkfetch", self.bulkfetch)
        r.add("GET", f"{api}/issue/{{key}}/changelog", self.changelog)

    def _matching(self, jql: str, user: User) -> list[int]:
        """Sorted ids of the issues matching `jql`, cached until the next change."""
        from zoneinfo import ZoneInfo

        cache_key = (jql, user.time_zone)
        with self.state.lock:
            hit = self._live_cache.get(cache_key)
            if hit and hit[0] == self.state.version:
                return hit[1]
            try:
                pred, sort = compile_jql(jql, self.cat, ZoneInfo(user.time_zone), self.state.now())
            except JqlError as exc:
                raise error(400, str(exc)) from None
            ids = [i.id for i in sort([i for i in self.state.issues.values() if pred(i)])]
            self._live_cache = {cache_key: (self.state.version, ids)}
            return ids

    def _render(
        self, ids: list[int], fields: list[str] | None, expand: set[str], api: str, cap: int | None
    ) -> list[dict[str, Any]]:
        with self.state.lock:
            return [
                self.state.issue_json(
                    self.state.issues[i],
                    fields,
                    api=api,
                    changelog="changelog" in expand,
                    changelog_cap=cap,
                )
                for i in ids
                if i in self.state.issues
            ]

    def _names(self, fields: list[str] | None) -> dict[str, str]:
        return {f: self.cat.field_name(f) for f in fields or []}

    def search_v2(self, req: Request) -> Any:
        """`GET/POST /rest/api/2/search` (startAt paging); removed in Cloud (410)."""
        api = self._api(req)
        if self.cloud:
            raise error(410, REMOVED_SEARCH)
        if api == "3":
            raise HttpError(404, self.not_found(req.path).body)
        params = self._params(req)
        start = int(params.get("startAt") or 0)
        limit = max(0, min(int(params.get("maxResults") or 50), 100))
        ids = self._matching(str(params.get("jql") or ""), req.user)
        fields = self.state.field_ids(self._fields_param(params), "*navigable")
        expand = self._expand(params)
        # Not documented behaviour: models servers seen in the field that drop `expand` from
        # the query string (a rewriting proxy: "get") or ignore it on search ("all").
        ignores = self.state.options.get("dc_search_ignores_expand")
        if ignores == "all" or (ignores == "get" and req.method == "GET"):
            expand.discard("changelog")
        cap = self.state.options.get("dc_changelog_cap")
        out: dict[str, Any] = {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": limit,
            "total": len(ids),
            "issues": self._render(ids[start : start + limit], fields, expand, api, cap),
        }
        if "names" in expand:
            out["names"] = self._names(fields)
        return out

    def search_jql(self, req: Request) -> Any:
        """`GET/POST /rest/api/{2,3}/search/jql` (Cloud): nextPageToken over a frozen snapshot."""
        self._cloud_only(req)
        api = self._api(req)
        params = self._params(req)
        expand = self._expand(params)
        requested = self._fields_param(params)
        fields = self.state.field_ids(requested, "*all") if requested else None
        # Cloud returns up to 5000 ids per page, but at most 100 issues with fields/changelog.
        cap = 100 if (fields or "changelog" in expand) else 5000
        limit = max(1, min(int(params.get("maxResults") or 50), cap))
        token = params.get("nextPageToken")
        if token:
            try:
                snap, offset = base64.urlsafe_b64decode(str(token)).decode().split(":")
                ids, offset_n = self._snapshots[snap], int(offset)
            except (ValueError, KeyError, binascii.Error):
                raise error(400, "The provided next page token is invalid or expired.") from None
        else:
            ids, offset_n = list(self._matching(str(params.get("jql") or ""), req.user)), 0
            snap = str(next(self._snap_ids))
            with self.state.lock:
                self._snapshots[snap] = ids
                while len(self._snapshots) > 64:
                    self._snapshots.popitem(last=False)
        page = ids[offset_n : offset_n + limit]
        out: dict[str, Any] = {"issues": self._render(page, fields, expand, api, JQL_PAGE_CAP)}
        if "names" in expand:
            out["names"] = self._names(fields)
        end = offset_n + limit
        if end < len(ids):
            out["nextPageToken"] = base64.urlsafe_b64encode(f"{snap}:{end}".encode()).decode()
        out["isLast"] = end >= len(ids)
        return out

    def bulkfetch(self, req: Request) -> Any:
        """`POST /rest/api/3/changelog/bulkfetch` (Cloud): histories of many issues, paged."""
        self._cloud_only(req)
        body = req.json() or {}
        refs, field_ids = body.get("issueIdsOrKeys") or [], body.get("fieldIds") or []
        if not refs or not isinstance(refs, list) or len(refs) > 1000:
            raise error(400, "issueIdsOrKeys must contain between 1 and 1000 issues.")
        if len(field_ids) > 10:
            raise error(400, "fieldIds can contain at most 10 fields.")
        limit = max(1, min(int(body.get("maxResults") or 1000), 1000))
        start_issue, start_hist = 0, 0
        if body.get("nextPageToken"):
            try:
                raw = base64.urlsafe_b64decode(str(body["nextPageToken"])).decode()
                start_issue, start_hist = map(int, raw.split(":"))
            except (ValueError, binascii.Error):
                raise error(400, "The provided next page token is invalid.") from None
        wanted = set(field_ids)
        out: list[dict[str, Any]] = []
        count, token = 0, None
        with self.state.lock:
            issues = sorted(
                {i.id: i for r in refs if (i := self.state.get(str(r)))}.values(),
                key=lambda i: i.id,
            )
            for issue in issues:
                if issue.id < start_issue:
                    continue
                hs = [self._filtered(h, wanted) for h in issue.histories]
                hs = [h for h in hs if h["items"]]
                first = start_hist if issue.id == start_issue else 0
                chunk = hs[first : first + limit - count]
                if chunk:
                    out.append(
                        {
                            "issueId": str(issue.id),
                            "changeHistories": [self.state.history_json(h) for h in chunk],
                        }
                    )
                count += len(chunk)
                if first + len(chunk) < len(hs):
                    token = f"{issue.id}:{first + len(chunk)}"
                    break
                if count >= limit:
                    nxt = next((i for i in issues if i.id > issue.id), None)
                    token = f"{nxt.id}:0" if nxt else None
                    break
        result: dict[str, Any] = {"issueChangeLogs": out}
        if token:
            result["nextPageToken"] = base64.urlsafe_b64encode(token.encode()).decode()
        return result

    @staticmethod
    def _filtered(h: dict[str, Any], wanted: set[str]) -> dict[str, Any]:
        if not wanted:
            return h
        return {**h, "items": [i for i in h["items"] if i.get("fieldId", i["field"]) in wanted]}

    def changelog(self, req: Request) -> Any:
        """`GET issue/{key}/changelog` — PageBeanChangelog; absent on DC unless configured."""
        api = self._api(req)
        if not self.cloud and not self.state.options.get("dc_has_changelog_endpoint"):
            raise HttpError(404, self.not_found(req.path).body)
        issue = self._issue(req)
        start = max(0, req.int_arg("startAt", 0))
        limit = max(1, min(req.int_arg("maxResults", 100), 100))
        with self.state.lock:
            hs = issue.histories
            values = [self.state.history_json(h) for h in hs[start : start + limit]]
        base = f"{self.cat.base}/rest/api/{api}/issue/{issue.key}/changelog"
        out: dict[str, Any] = {
            "self": f"{base}?startAt={start}&maxResults={limit}",
            "maxResults": limit,
            "startAt": start,
            "total": len(hs),
            "isLast": start + limit >= len(hs),
            "values": values,
        }
        if not out["isLast"]:
            out["nextPage"] = f"{base}?&startAt={start + limit}&maxResults={limit}"
        return out
