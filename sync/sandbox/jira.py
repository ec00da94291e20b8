"""The Jira sandbox app: REST routes of the Jira subset sla-sync uses, on a `JiraState`.

Reference: https://developer.atlassian.com/cloud/jira/platform/rest/v3/ and
https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/ (Data Center).
"""

from __future__ import annotations

import base64
import binascii
import itertools
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from sync.sandbox.jira_catalog import CF, User, fmt_time
from sync.sandbox.jira_jql import JqlError, compile_jql
from sync.sandbox.jira_state import Issue, JiraState
from sync.sandbox.jira_writes import JiraWrites
from sync.sandbox.server import HttpError, Request, Response, Router

__all__ = ["JiraApp"]

REMOVED_SEARCH = (
    "The requested API has been removed. Please migrate to the "
    "/rest/api/3/search/jql API. A full migration guideline is available at "
    "https://developer.atlassian.com/changelog/#CHANGE-2046"
)
JQL_PAGE_CAP = 40  # histories embedded per issue by search/jql (Cloud)
ISSUE_CAP = 100  # histories embedded by GET issue (Cloud)


def error(status: int, *messages: str, errors: Mapping[str, str] | None = None) -> HttpError:
    """A Jira-style error answer."""
    return HttpError(status, {"errorMessages": list(messages), "errors": dict(errors or {})})


class JiraApp(JiraWrites):
    """Routes and handlers; write handlers and webhooks live in `JiraWrites`."""

    def __init__(self, state: JiraState, sender: Any) -> None:
        self.state, self.cat, self.sender = state, state.cat, sender
        self.cloud = state.mode == "cloud"
        self._snapshots: OrderedDict[str, list[int]] = OrderedDict()
        self._snap_ids = itertools.count(1)
        self._live_cache: dict[tuple[str, str], tuple[int, list[int]]] = {}
        self.router = Router()
        r, api = self.router, "/rest/api/{v}"
        r.add("GET", f"{api}/serverInfo", self.server_info, auth=False)
        r.add("GET", f"{api}/myself", self.myself)
        r.add("GET", f"{api}/field", lambda req: self.cat.fields_json())
        r.add("POST", f"{api}/field", self.create_field)
        r.add(
            "GET", f"{api}/status", lambda req: [self.cat.status_json(s) for s in self.cat.statuses]
        )
        r.add(
            "GET",
            f"{api}/priority",
            lambda req: [self.cat.priority_json(p) for p in self.cat.priorities],
        )
        r.add(
            "GET",
            f"{api}/resolution",
            lambda req: [self.cat.resolution_json(x) for x in self.cat.resolutions],
        )
        r.add(
            "GET",
            f"{api}/issuetype",
            lambda req: [self.cat.issuetype_json(x) for x in self.cat.issuetypes],
        )
        for method in ("GET", "POST"):
            r.add(method, f"{api}/search", self.search_v2)
            r.add(method, f"{api}/search/jql", self.search_jql)
        r.add("POST", f"{api}/changelog/bulkfetch", self.bulkfetch)
        r.add("GET", f"{api}/issue/{{key}}", self.get_issue)
        r.add("GET", f"{api}/issue/{{key}}/changelog", self.changelog)
        self.add_write_routes(r, api)

    # --- plumbing ------------------------------------------------------------------------
    def authenticate(self, headers: Mapping[str, str]) -> User | None:
        """Cloud: Basic e-mail:API token; Data Center: Bearer personal access token."""
        auth = headers.get("Authorization") or ""
        scheme, _, cred = auth.partition(" ")
        users = [u for u in self.cat.users.values() if u.token]
        if self.cloud and scheme.lower() == "basic":
            try:
                login, _, secret = base64.b64decode(cred).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            return next((u for u in users if login == u.email and secret == u.token), None)
        if not self.cloud and scheme.lower() == "bearer":
            return next((u for u in users if cred.strip() == u.token), None)
        return None

    def unauthorized(self) -> Response:
        """Jira's 401 body."""
        return Response(
            401,
            {
                "errorMessages": [
                    "You are not authenticated. Authentication required to perform this operation."
                ],
                "errors": {},
            },
            {"WWW-Authenticate": 'Basic realm="protected-area"'},
        )

    def not_found(self, path: str) -> Response:
        """Jira's answer for a path it does not serve."""
        return Response(
            404, {"message": f"null for uri: {self.cat.base}{path}", "status-code": 404}
        )

    def _api(self, req: Request) -> str:
        v = req.params.get("v", "3" if "/api/3/" in req.path else "2")
        if v not in ("2", "3", "latest"):
            raise HttpError(404, self.not_found(req.path).body)
        return "2" if v == "latest" else v

    def _issue(self, req: Request) -> Issue:
        issue = self.state.get(req.params["key"])
        if issue is None:
            raise error(404, "Issue does not exist or you do not have permission to see it.")
        return issue

    def _cloud_only(self, req: Request) -> None:
        if not self.cloud:
            raise HttpError(404, self.not_found(req.path).body)

    @staticmethod
    def _params(req: Request) -> dict[str, Any]:
        """Search parameters from the query string (GET) or the JSON body (POST)."""
        if req.method == "POST":
            body = req.json() or {}
            if not isinstance(body, dict):
                raise error(400, "Request body must be a JSON object.")
            return body
        out: dict[str, Any] = {k: req.arg(k) for k in req.query}
        out["fields"] = req.list_arg("fields")
        out["expand"] = req.arg("expand")
        return out

    @staticmethod
    def _expand(params: Mapping[str, Any]) -> set[str]:
        raw = params.get("expand") or ""
        parts = raw if isinstance(raw, list) else str(raw).split(",")
        return {p.strip() for p in parts if p.strip()}

    @staticmethod
    def _fields_param(params: Mapping[str, Any]) -> list[str] | None:
        raw = params.get("fields")
        if raw is None:
            return None
        parts = raw if isinstance(raw, list) else str(raw).split(",")
        return [str(p).strip() for p in parts if str(p).strip()]

    # --- handlers ------------------------------------------------------------------------
    def server_info(self, req: Request) -> Any:
        """`GET serverInfo`."""
        version = [1001, 0, 0] if self.cloud else [9, 12, 2]
        return {
            "baseUrl": self.cat.base,
            "displayUrl": self.cat.base,
            "version": ".".join(map(str, version)) + ("-SNAPSHOT" if self.cloud else ""),
            "versionNumbers": version,
            "deploymentType": "Cloud" if self.cloud else "DataCenter",
            "buildNumber": 100275 if self.cloud else 9120002,
            "buildDate": "2026-11-01T00:00:00.000+0000",
            "serverTime": fmt_time(self.state.now(), self.state.tz),
            "scmInfo": "sandbox",
            "serverTitle": "Jira sandbox",
        }

    def myself(self, req: Request) -> Any:
        """`GET myself`."""
        out = dict(self.state.user_json(req.user.name))
        out.update(
            {
                "locale": "ru_RU",
                "groups": {"size": 1, "items": []},
                "applicationRoles": {"size": 1, "items": []},
                "expand": "groups,applicationRoles",
            }
        )
        return out

    def create_field(self, req: Request) -> Response:
        """`POST field` — create a custom field."""
        body = req.json() or {}
        name, ftype = body.get("name"), str(body.get("type", ""))
        if not name or not ftype.startswith(CF):
            raise error(
                400,
                errors={"type": "Invalid custom field type specified."}
                if name
                else {"name": "You must specify a name for the custom field."},
            )
        with self.state.lock:
            cf = self.cat.add_custom(str(name), ftype, [str(o) for o in body.get("options", [])])
            self.state.version += 1
        return Response(201, next(f for f in self.cat.fields_json() if f["id"] == cf.id))

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

    def get_issue(self, req: Request) -> Any:
        """`GET issue/{key}` with fields and expand=changelog,names."""
        api, issue = self._api(req), self._issue(req)
        expand = self._expand({"expand": req.arg("expand")})
        fields = self.state.field_ids(req.list_arg("fields"), "*all")
        cap = ISSUE_CAP if self.cloud else self.state.options.get("dc_changelog_cap")
        with self.state.lock:
            return self.state.issue_json(
                issue,
                fields,
                api=api,
                changelog="changelog" in expand,
                changelog_cap=cap,
                names="names" in expand,
            )

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
