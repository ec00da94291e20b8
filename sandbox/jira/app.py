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

from sandbox.jira.catalog import User, fmt_time
from sandbox.jira.fields import JiraFieldAdmin
from sandbox.jira.search import JiraSearchReads, error
from sandbox.jira.state import Issue, JiraState
from sandbox.jira.writes import JiraWrites
from sandbox.server import HttpError, Request, Response, Router

__all__ = ["JiraApp"]

ISSUE_CAP = 100  # histories embedded by GET issue (Cloud)


class JiraApp(JiraSearchReads, JiraWrites, JiraFieldAdmin):
    """Routes and handlers; searches live in `JiraSearchReads`, writes in `JiraWrites`."""

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
        r.add("GET", f"{api}/mypermissions", self.my_permissions)
        r.add("GET", f"{api}/field", lambda req: self.cat.fields_json())
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
        r.add("GET", f"{api}/issue/{{key}}", self.get_issue)
        self.add_field_routes(r, api)
        self.add_search_routes(r, api)
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

    def my_permissions(self, req: Request) -> Any:
        """`GET mypermissions?permissions=A,B`: the sandbox's users administer nothing."""
        keys = [k for k in (req.arg("permissions") or "").split(",") if k]
        if not keys:
            raise error(400, "The permissions parameter is required.")
        return {
            "permissions": {
                k: {
                    "id": str(i),
                    "key": k,
                    "name": k.title(),
                    "type": "GLOBAL",
                    "description": "",
                    "havePermission": False,
                }
                for i, k in enumerate(keys, 1)
            }
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
