"""Jira Cloud / Data Center adapter on the pycontribs `jira` library.

The library gives us the authenticated session and the server URL; every request goes through
`sync.trackers.http.RetryingHttp`, so retries and error mapping live in one place. Endpoints
the library has no helper for (search/jql, changelog bulkfetch, issue changelog) are called
through `JIRA._session` with URLs built from the server URL. Issue paging lives in
`jira_search`, changelog completion in `jira_history`, the incremental JQL in `jira_jql`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import tzinfo
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from jira import JIRA

from mappings.port import TrackerValue, Vocabulary
from mappings.raw import FieldDef, RawIssue
from sla.errors import ConfigError
from sync.errors import FatalTrackerError
from sync.ports import FieldKind, Known, Page, SearchQuery, SilentWrites
from sync.trackers.environment import pin_environment
from sync.trackers.http import Redactor, RetryingHttp, RetryPolicy
from sync.trackers.jira import admin, comments
from sync.trackers.jira import options as options_api
from sync.trackers.jira import scope as scope_check
from sync.trackers.jira.history import JiraHistories
from sync.trackers.jira.jql import JqlTime, jql_for
from sync.trackers.jira.search import JiraSearch
from sync.trackers.jira.webhooks import register_webhook

__all__ = ["JiraTracker", "jql_for"]


class JiraTracker:
    """The `Tracker` port for Jira Cloud and Data Center."""

    def __init__(
        self,
        client: JIRA,
        *,
        deployment: str | None = None,
        policy: RetryPolicy | None = None,
        secrets: Sequence[str] = (),
        user: str | None = None,
        on_response: Callable[[int], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jql_time: JqlTime = "local",
        history_field_ids: Sequence[str] | None = None,
        page_size: int = 100,
    ) -> None:
        self._jira = client
        self._base = client.server_url.rstrip("/")
        self._log = structlog.get_logger().bind(tracker="jira")
        self._http = RetryingHttp(
            client._session,
            policy,
            redact=Redactor(secrets, user=user),
            on_response=on_response,
            sleep=sleep,
            logger=self._log,
        )
        self._deployment = _normalise_deployment(deployment) if deployment else None
        self._jql_time: JqlTime = jql_time
        self._history_fields = tuple(history_field_ids) if history_field_ids else None
        self._page_size = page_size
        self._server_info: Mapping[str, Any] | None = None
        self._myself: Mapping[str, Any] | None = None
        self._fields: tuple[FieldDef, ...] | None = None
        histories = JiraHistories(self._http, self._url, self._log)
        self._search = JiraSearch(self._http, self._url, histories, page_size)

    @classmethod
    def connect(
        cls,
        server: str,
        *,
        email: str | None = None,
        api_token: str | None = None,
        pat: str | None = None,
        policy: RetryPolicy | None = None,
        verify_tls: bool = True,
        **options: Any,
    ) -> JiraTracker:
        """Build the client: Cloud e-mail + API token (basic auth) or Data Center PAT (bearer)."""
        policy = policy or RetryPolicy()
        if pat:
            auth: dict[str, Any] = {"token_auth": pat}
        elif email and api_token:
            auth = {"basic_auth": (email, api_token)}
        else:
            raise ConfigError("settings", "jira", "email + api_token (Cloud) or pat (DC)")
        # max_retries=0: ResilientSession's own 429/503 retry loop would sleep without our
        # caps and double the attempts. get_server_info=False: we fetch serverInfo lazily, once.
        # logging=False: the library's debug dumps include request headers.
        client = JIRA(
            server,
            options={"verify": verify_tls},  # False: a self-signed Data Center certificate
            **auth,
            max_retries=0,
            get_server_info=False,
            timeout=policy.timeout,
            logging=False,
        )
        pin_environment(client._session, server)
        return cls(
            client, policy=policy, secrets=[s for s in (api_token, pat) if s], user=email, **options
        )

    # -- small GETs -------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self._base}/rest/{path}"

    def _get(self, path: str, **params: Any) -> Any:
        return self._http.request("GET", self._url(path), params=params or None)

    def server_info(self) -> Mapping[str, Any]:
        """`/rest/api/2/serverInfo`, fetched once."""
        if self._server_info is None:
            self._server_info = self._get("api/2/serverInfo")
        return self._server_info

    @property
    def is_cloud(self) -> bool:
        """True on Jira Cloud: from the override, else serverInfo `deploymentType`."""
        if self._deployment is None:
            # Servers too old to send deploymentType are all self-hosted.
            kind = self.server_info().get("deploymentType") or "Server"
            self._deployment = _normalise_deployment(kind)
            self._jira.deploymentType = "Cloud" if self._deployment == "cloud" else "Server"
        return self._deployment == "cloud"

    def _me(self) -> Mapping[str, Any]:
        if self._myself is None:
            self._myself = self._get("api/2/myself")
        return self._myself

    def account_id(self) -> str:
        """Cloud `accountId`; Data Center user `name` (falling back to `key`)."""
        me = self._me()
        value = me.get("accountId") if self.is_cloud else me.get("name") or me.get("key")
        return str(value or "")

    def account_name(self) -> str:
        """The account's display name (else its name or e-mail), as people know it."""
        me = self._me()
        return str(me.get("displayName") or me.get("name") or me.get("emailAddress") or "")

    def time_zone(self) -> tzinfo:
        """The account's profile time zone (`/myself` `timeZone`), in which JQL reads dates."""
        name = self._me().get("timeZone")
        try:
            return ZoneInfo(str(name))
        except (ZoneInfoNotFoundError, ValueError):
            raise FatalTrackerError(
                f"Jira /myself has no usable timeZone ({name!r}); set jql_time='epoch_ms'"
            ) from None

    def fields(self, refresh: bool = False) -> Sequence[FieldDef]:
        """All fields (`/rest/api/2/field`), cached per instance until `refresh=True`."""
        if self._fields is None or refresh:
            self._fields = tuple(
                FieldDef(
                    id=f["id"],
                    name=f.get("name", f["id"]),
                    custom=bool(f.get("custom")),
                    schema=f.get("schema") or {},
                )
                for f in self._get("api/2/field")
            )
        return self._fields

    def statuses(self) -> tuple[TrackerValue, ...]:
        """Statuses with their category (`/rest/api/2/status`): one request, once per pass."""
        return admin.values(self._get("api/2/status"))

    def vocabulary(self) -> Vocabulary:
        """Statuses (with their category), priorities, resolutions and issue types."""
        return Vocabulary(
            statuses=self.statuses(),
            priorities=admin.values(self._get("api/2/priority")),
            resolutions=admin.values(self._get("api/2/resolution")),
            issue_types=admin.values(self._get("api/2/issuetype")),
        )

    def create_field(self, name: str, kind: FieldKind, options: Sequence[str] = ()) -> FieldDef:
        """Create a custom field (POST /rest/api/2/field); on Cloud with its select options.

        Data Center creates the field only: `add_field_options` raises with the manual steps.
        """
        self._fields = None
        made = admin.create_field(self._http, self._url, name, kind)
        if options and self.is_cloud:
            options_api.add_cloud_options(self._http, self._url, made.id, name, options)
        return made

    def field_options(self, field_id: str, issue_key: str | None = None) -> tuple[str, ...] | None:
        """Option values of a select field: Cloud from its contexts; Data Center from the
        edit screen of `issue_key` (() when the field is not on it, None without a key)."""
        if self.is_cloud:
            return options_api.cloud_options(self._http, self._url, field_id)
        if issue_key is None:
            return None
        return options_api.edit_screen_options(self._http, self._url, field_id, issue_key)

    def add_field_options(self, field_id: str, values: Sequence[str]) -> None:
        """Add missing options (Cloud); `UnsupportedError` with the steps on Data Center."""
        name = next((f.name for f in self.fields() if f.id == field_id), field_id)
        if not self.is_cloud:
            raise options_api.dc_steps(name, values)
        options_api.add_cloud_options(self._http, self._url, field_id, name, values)

    def register_webhook(self, name: str, url: str, scope: str, secret: str | None) -> str:
        """Create the admin webhook, replacing one to the same URL (`UnsupportedError` with
        manual steps without Administer)."""
        return register_webhook(
            self._http,
            self._url,
            name=name,
            url=url,
            scope=scope,
            secret=secret,
            # Only an http:// URL needs to know (serverInfo is read once, lazily).
            cloud=not url.lower().startswith("https://") and self.is_cloud,
        )

    def silent_writes(self) -> SilentWrites:
        """`notifyUsers=false` is honoured only for Jira or project administrators."""
        return admin.silent_writes(self._get)

    # -- search and history -----------------------------------------------------------------

    def search(
        self,
        query: SearchQuery,
        field_ids: Sequence[str],
        history_field_ids: Sequence[str] = (),
        *,
        known: Known | None = None,
    ) -> Iterator[Page]:
        """Pages of the issues the query selects, with complete histories (but `known` ones)."""
        since = query.updated_since
        tz = self.time_zone() if since is not None and self._jql_time == "local" else None
        jql = jql_for(query, tz or ZoneInfo("UTC"), self._jql_time)
        fields = ",".join(dict.fromkeys([*field_ids, "updated"]))  # `updated` feeds the cursor
        tracked = tuple(history_field_ids or ()) or self._history_fields
        self._log.info("jira.search", jql=jql, cloud=self.is_cloud)
        if self.is_cloud:
            yield from self._search.cloud_pages(jql, fields, tracked, known)
        else:
            yield from self._search.dc_pages(jql, fields, known)

    def fetch(
        self, key: str, field_ids: Sequence[str], history_field_ids: Sequence[str] = ()
    ) -> RawIssue:
        """One issue, fresh, with its complete history and field names."""
        fields = ",".join(dict.fromkeys([*field_ids, "updated"]))
        return self._search.fetch(key, fields, cloud=self.is_cloud)

    def in_scope(self, key: str, scope: str) -> bool:
        """Whether the scope JQL selects the issue (one-row search)."""
        return scope_check.in_scope(self._http, self._url, key, scope, cloud=self.is_cloud)

    # -- writes -----------------------------------------------------------------------------

    def update(
        self,
        key: str,
        fields: Mapping[str, Any],
        labels_add: Sequence[str] = (),
        labels_remove: Sequence[str] = (),
    ) -> None:
        """PUT the fields and label operations with notifyUsers=false; no call when empty."""
        body: dict[str, Any] = {}
        if fields:
            body["fields"] = dict(fields)
        ops = [{"add": x} for x in labels_add] + [{"remove": x} for x in labels_remove]
        if ops:
            body["update"] = {"labels": ops}
        if not body:
            return
        self._http.request(
            "PUT",
            self._url(f"api/2/issue/{quote(key, safe='')}"),
            params={"notifyUsers": "false"},
            json=body,
            skippable_key=key,
        )
        self._log.info("jira.updated", issue=key, fields=sorted(fields), labels=len(ops))

    def comment(self, key: str, body: str) -> None:
        """Add a plain-text comment (v2 takes wiki text, not ADF)."""
        comments.post(self._http, self._url, key, body)

    def comments(self, key: str) -> list[str]:
        """Plain-text bodies of the issue's comments, oldest first."""
        return comments.bodies(self._http, self._url, key, self._page_size)


def _normalise_deployment(value: Any) -> str:
    v = str(value or "").strip().lower().replace(" ", "")
    if v == "cloud":
        return "cloud"
    if v in ("server", "datacenter", "dc"):
        return "datacenter"
    raise ConfigError("settings", "jira.deployment", "Cloud, Server or DataCenter", value)
