"""YouTrack Cloud / Server adapter on `requests` (REST API under `<base>/api/`).

Every request goes through `YouTrackHttp` (the shared `RetryingHttp` with YouTrack error
wording). Reads are `reads.IssueReader`'s, writes `writes.IssueWriter`'s; this class holds the
identity (user, time zone), the project (its bundles and team) and the port's surface.
https://www.jetbrains.com/help/youtrack/devportal/youtrack-rest-api.html
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, tzinfo
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
import structlog

from mappings.port import TrackerValue, Vocabulary
from mappings.raw import FieldDef, RawIssue
from sync.errors import FatalTrackerError, UnsupportedError
from sync.ports import FieldKind, Known, Page, SearchQuery, SilentWrites
from sync.trackers.environment import pin_environment
from sync.trackers.http import Redactor, RetryPolicy
from sync.trackers.paging import skip_top_pages
from sync.trackers.youtrack import admin
from sync.trackers.youtrack import scope as scope_check
from sync.trackers.youtrack.http import YouTrackHttp, api_base, query_for
from sync.trackers.youtrack.reads import IssueReader
from sync.trackers.youtrack.tags import TagBook
from sync.trackers.youtrack.writes import IssueWriter

__all__ = ["YouTrackTracker", "api_base"]


class YouTrackTracker:
    """The `Tracker` port for YouTrack; field ids are custom field names (unique in YouTrack)."""

    def __init__(
        self,
        session: requests.Session,
        base_url: str,
        *,
        project: str | None = None,
        policy: RetryPolicy | None = None,
        secrets: Sequence[str] = (),
        on_response: Callable[[int], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        mute_notifications: bool = True,
        query_time_zone: tzinfo | None = None,
        page_size: int = 100,
    ) -> None:
        self._base = api_base(base_url)
        self._log = structlog.get_logger().bind(tracker="youtrack")
        self._http = YouTrackHttp(
            session,
            policy,
            redact=Redactor(secrets),
            on_response=on_response,
            sleep=sleep,
            logger=self._log,
        )
        self._project_ref = project  # short name or name; resolved once, on first use
        self._project: dict[str, Any] | None = None
        self._mute = mute_notifications
        self._tz_override = query_time_zone
        self._page_size = page_size
        self._me: Mapping[str, Any] | None = None
        self._fields: tuple[FieldDef, ...] | None = None
        self._reads = IssueReader(self._get, page_size, self._stream_ignored_query)
        tags = TagBook(self._http, self._url, self._list, self._team, self._log)
        self._writes = IssueWriter(self._http, self._url, tags, mute=mute_notifications)

    def _stream_ignored_query(self, foreign: str) -> None:
        self._log.warning(
            "youtrack.activity_stream_ignored_query",
            foreign_issue=foreign,
            detail="this YouTrack ignores issueQuery on /api/activitiesPage; "
            "reading each issue's own activitiesPage from now on",
        )

    @classmethod
    def connect(
        cls,
        base_url: str,
        token: str,
        *,
        policy: RetryPolicy | None = None,
        verify_tls: bool = True,
        **options: Any,
    ) -> YouTrackTracker:
        """A tracker authenticated with a permanent token (`Authorization: Bearer perm:...`)."""
        # https://www.jetbrains.com/help/youtrack/devportal/authentication-with-permanent-token.html
        session = requests.Session()
        session.verify = verify_tls
        session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
        pin_environment(session, base_url)
        return cls(session, base_url, policy=policy, secrets=[token], **options)

    # -- small GETs -------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self._base}/{path}"

    def _get(self, path: str, **params: Any) -> Any:
        return self._http.request("GET", self._url(path), params=params or None)

    def _list(self, path: str, what: str, **params: Any) -> list[Any]:
        def fetch(skip: int, top: int) -> list[Any]:
            return self._get(path, **params, **{"$skip": skip, "$top": top}) or []

        return [x for p in skip_top_pages(fetch, what=what, top=self._page_size) for x in p]

    def _user(self) -> Mapping[str, Any]:
        if self._me is None:
            # https://www.jetbrains.com/help/youtrack/devportal/api-entity-GeneralUserProfile.html
            self._me = self._get(
                "users/me", fields="id,login,fullName,profiles(general(timezone(id)))"
            )
        return self._me

    def account_id(self) -> str:
        """The login of the token's user (activity `author.login`)."""
        return str(self._user().get("login") or "")

    def account_name(self) -> str:
        """The token user's login (and full name when YouTrack gives one)."""
        me = self._user()
        login, full = str(me.get("login") or ""), me.get("fullName")
        return f"{full} ({login})" if full and full != login else login

    def time_zone(self) -> tzinfo:
        """The user's profile time zone, in which YouTrack reads query dates (or the override)."""
        if self._tz_override is not None:
            return self._tz_override
        profiles = self._user().get("profiles") or {}
        name = (((profiles.get("general") or {}).get("timezone")) or {}).get("id")
        try:
            return ZoneInfo(str(name))
        except (ZoneInfoNotFoundError, ValueError):
            raise FatalTrackerError(
                f"YouTrack /api/users/me has no usable profile time zone ({name!r}); "
                "set the query time zone in the settings"
            ) from None

    def _project_id(self) -> str | None:
        """The configured project's entity id (None without a project)."""
        if self._project_ref is None:
            return None
        if self._project is None:
            self._project = admin.find_project(self._list, self._project_ref)
        return str(self._project["id"])

    def _team(self) -> Mapping[str, Any] | None:
        """The project's team group, with which sla-sync shares the tags it creates."""
        return (self._project or {}).get("team") if self._project_id() else None

    def fields(self, refresh: bool = False) -> Sequence[FieldDef]:
        """Custom fields of the project (or all, without a project), cached per instance."""
        if self._fields is None or refresh:
            self._fields = admin.catalog(self._list, self._project_id())
        return self._fields

    def statuses(self) -> tuple[TrackerValue, ...]:
        """Values of the project's State field; a resolved one has the category "done"."""
        return admin.statuses(self._list, self._project_id())

    def vocabulary(self) -> Vocabulary:
        """State, Priority, resolution and Type values of the project (none without one)."""
        return admin.vocabulary(self._list, self._project_id())

    def silent_writes(self) -> SilentWrites:
        """Fields go with `muteUpdateNotifications`, tags as a `silent` command (both need
        "Apply Commands Silently")."""
        if self._mute:
            return SilentWrites(
                True,
                "SLA fields are written with muteUpdateNotifications=true and tags with a "
                "silent command (POST /api/commands)",
            )
        return SilentWrites(False, "SLA writes notify the issues' watchers")

    def create_field(self, name: str, kind: FieldKind, options: Sequence[str] = ()) -> FieldDef:
        """Not done through the API here: the steps to add the field by hand."""
        raise admin.field_steps(name, kind, options)

    # -- minimal port stubs added by the Jira side of issue 11 (trk-jira); the YouTrack owner
    # -- may replace them with the bundle API (/api/admin/customFieldSettings/bundles/...).

    def field_options(self, field_id: str, issue_key: str | None = None) -> tuple[str, ...] | None:
        """Not read from YouTrack yet: None ("cannot tell"), so `check` does not judge them."""
        return None

    def add_field_options(self, field_id: str, values: Sequence[str]) -> None:
        """Not done through the API yet: the steps for an administrator."""
        raise UnsupportedError(
            f"sla-sync does not add values to YouTrack fields yet ({', '.join(values)})",
            "Administration → Custom Fields → the field → add the values to its bundle",
        )

    def register_webhook(self, name: str, url: str, scope: str, secret: str | None) -> str:
        """YouTrack has no core webhooks: the steps to install the workflow rule instead."""
        raise admin.webhook_steps(url)

    # -- search, history, writes --------------------------------------------------------

    def search(
        self,
        query: SearchQuery,
        field_ids: Sequence[str],
        history_field_ids: Sequence[str] = (),
        *,
        known: Known | None = None,
    ) -> Iterator[Page]:
        """Pages of the issues the query selects, each with its complete activity history
        (none for the issues `known` says the caller already processed at that version)."""
        since = query.updated_since
        text = query_for(query, self.time_zone() if since is not None else UTC)
        self._log.info("youtrack.search", query=text)
        return self._reads.search(text, field_ids, known)

    def fetch(
        self, key: str, field_ids: Sequence[str], history_field_ids: Sequence[str] = ()
    ) -> RawIssue:
        """One issue, fresh, with its complete activity history."""
        return self._reads.fetch(key, field_ids)

    def in_scope(self, key: str, scope: str) -> bool:
        """Whether the scope query selects the issue (one-row search)."""
        return scope_check.in_scope(self._http, self._url, key, scope)

    def update(
        self,
        key: str,
        fields: Mapping[str, Any],
        labels_add: Sequence[str] = (),
        labels_remove: Sequence[str] = (),
    ) -> None:
        """POST the `customFields` entries, then the tag changes as one silent command."""
        self._writes.fields(key, fields)
        self._writes.tags(key, labels_add, labels_remove)
        if fields or labels_add or labels_remove:
            self._log.info(
                "youtrack.updated",
                issue=key,
                fields=sorted(fields),
                tags=len(labels_add) + len(labels_remove),
            )

    def comment(self, key: str, body: str) -> None:
        """Add a comment (`POST /api/issues/{id}/comments`)."""
        self._writes.comment(key, body)

    def comments(self, key: str) -> list[str]:
        """Texts of the issue's comments, oldest first."""
        path = f"issues/{quote(key, safe='')}/comments"
        return [
            str(c.get("text") or "") for c in self._list(path, f"GET /api/{path}", fields="id,text")
        ]
