"""YouTrack Cloud / Server adapter on `requests` (REST API under `<base>/api/`).

Every request goes through `YouTrackHttp` (the shared `RetryingHttp` with YouTrack error
wording). Issues come from `GET /api/issues?query=` paged by `$skip/$top`; each issue's history
comes from its own `GET /api/issues/{id}/activitiesPage` (one call per issue and page: the
global `/api/activitiesPage` filters by query only on recent versions, and a per-issue cursor is
complete by construction). https://www.jetbrains.com/help/youtrack/devportal/youtrack-rest-api.html
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
import structlog

from mappings.port import TrackerValue, Vocabulary
from mappings.raw import FieldDef, RawIssue
from sync.errors import FatalTrackerError
from sync.ports import FieldKind, Page, SearchQuery, SilentWrites
from sync.trackers.http import Redactor, RetryPolicy
from sync.trackers.paging import after_cursor_pages, skip_top_pages
from sync.trackers.youtrack import admin
from sync.trackers.youtrack import scope as scope_check
from sync.trackers.youtrack.http import (
    ACTIVITY_CATEGORIES,
    ACTIVITY_FIELDS,
    YouTrackHttp,
    api_base,
    issue_fields_spec,
    query_for,
)
from sync.trackers.youtrack.tags import TagBook

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
        create_missing_tags: bool = True,
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
        self._project = project
        self._mute = mute_notifications
        self._tz_override = query_time_zone
        self._page_size = page_size
        self._create_tags = create_missing_tags
        self._me: Mapping[str, Any] | None = None
        self._fields: tuple[FieldDef, ...] | None = None
        self._tags = TagBook(self._http, self._url, self._list, self._log)

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

    def fields(self, refresh: bool = False) -> Sequence[FieldDef]:
        """Custom fields of the project (or all, without a project), cached per instance."""
        if self._fields is None or refresh:
            self._fields = admin.catalog(self._list, self._project)
        return self._fields

    def statuses(self) -> tuple[TrackerValue, ...]:
        """Values of the project's State field; a resolved one has the category "done"."""
        return admin.statuses(self._list, self._project)

    def vocabulary(self) -> Vocabulary:
        """State, Priority, resolution and Type values of the project."""
        return admin.vocabulary(self._list, self._project)

    def silent_writes(self) -> SilentWrites:
        """Field writes carry `muteUpdateNotifications` (needs "Apply Commands Silently")."""
        if self._mute:
            return SilentWrites(True, "SLA writes are sent with muteUpdateNotifications=true")
        return SilentWrites(False, "SLA writes notify the issues' watchers")

    def create_field(self, name: str, kind: FieldKind, options: Sequence[str] = ()) -> FieldDef:
        """Not done through the API here: the steps to add the field by hand."""
        raise admin.field_steps(name, kind, options)

    def register_webhook(self, name: str, url: str, scope: str, secret: str | None) -> str:
        """YouTrack has no core webhooks: the steps to install the workflow rule instead."""
        raise admin.webhook_steps(url)

    # -- search and history -----------------------------------------------------------------

    def search(
        self,
        query: SearchQuery,
        field_ids: Sequence[str],
        history_field_ids: Sequence[str] = (),
    ) -> Iterator[Page]:
        """Pages of the issues the query selects, each with its complete activity history."""
        since = query.updated_since
        text = query_for(query, self.time_zone() if since is not None else UTC)
        params = self._issue_params(field_ids)
        self._log.info("youtrack.search", query=text)

        def fetch(skip: int, top: int) -> list[Any]:
            return self._get("issues", query=text, **params, **{"$skip": skip, "$top": top}) or []

        for issues in skip_top_pages(fetch, what="GET /api/issues", top=self._page_size):
            yield _page([self._raw(i, self._activities(str(i["id"]))) for i in issues])

    def fetch(
        self, key: str, field_ids: Sequence[str], history_field_ids: Sequence[str] = ()
    ) -> RawIssue:
        """One issue, fresh, with its complete activity history."""
        issue = self._get(f"issues/{quote(key, safe='')}", **self._issue_params(field_ids))
        return self._raw(issue, self._activities(str(issue.get("id") or key)))

    @staticmethod
    def _issue_params(field_ids: Sequence[str]) -> dict[str, Any]:
        params: dict[str, Any] = {"fields": issue_fields_spec()}
        if field_ids:
            # `customFields=<name>` (repeated) returns only those custom fields.
            # https://www.jetbrains.com/help/youtrack/devportal/resource-api-issues.html
            params["customFields"] = list(dict.fromkeys(field_ids))
        return params

    def _activities(self, issue_id: str) -> list[Mapping[str, Any]]:
        """All custom-field activities of one issue, oldest first, following `afterCursor`."""
        path = f"issues/{quote(issue_id, safe='')}/activitiesPage"

        def fetch(cursor: str | None) -> Mapping[str, Any]:
            params = {"categories": ACTIVITY_CATEGORIES, "fields": ACTIVITY_FIELDS}
            if cursor:
                params["cursor"] = cursor
            return self._get(path, **params) or {}

        items = [
            a
            for page in after_cursor_pages(fetch, what=f"GET /api/{path}")
            for a in page.get("activities") or ()
        ]
        items.sort(key=lambda a: (int(a.get("timestamp") or 0), str(a.get("id", ""))))
        return items

    def _raw(self, issue: Mapping[str, Any], activities: Sequence[Mapping[str, Any]]) -> RawIssue:
        return RawIssue(
            tracker="youtrack",
            key=str(issue.get("idReadable") or issue.get("id")),
            id=str(issue.get("id")),
            fields=issue,
            histories=tuple(activities),
            updated=_ms_time(issue.get("updated")),
        )

    def in_scope(self, key: str, scope: str) -> bool:
        """Whether the scope query selects the issue (one-row search)."""
        return scope_check.in_scope(self._http, self._url, key, scope)

    # -- writes -----------------------------------------------------------------------------

    def _write_params(self) -> dict[str, Any]:
        # `muteUpdateNotifications` (since 2021.3) needs "Apply Commands Silently".
        return {"fields": "id", **({"muteUpdateNotifications": "true"} if self._mute else {})}

    def update(
        self,
        key: str,
        fields: Mapping[str, Any],
        labels_add: Sequence[str] = (),
        labels_remove: Sequence[str] = (),
    ) -> None:
        """POST the `customFields` entries, then add/remove tags; no call when nothing changes."""
        issue = f"issues/{quote(key, safe='')}"
        if fields:
            # https://www.jetbrains.com/help/youtrack/devportal/api-how-to-update-custom-fields-values.html
            body = {"customFields": [dict(v, name=v.get("name", k)) for k, v in fields.items()]}
            self._http.request(
                "POST",
                self._url(issue),
                params=self._write_params(),
                json=body,
                skippable_key=key,
                idempotent=True,  # sets field values: sending it twice sets them twice
            )
        for name in labels_add:
            tag = self._tags.id(name, create=self._create_tags)
            if tag is None:
                raise FatalTrackerError(f"YouTrack has no tag {name!r}; create it and share it")
            self._http.request(
                "POST",
                self._url(f"{issue}/tags"),
                params=self._write_params(),
                json={"id": tag},
                skippable_key=key,
                idempotent=True,  # adding a tag the issue has is a no-op
            )
        for name in labels_remove:
            if (tag := self._tags.id(name, create=False)) is not None:
                self._http.request(
                    "DELETE", self._url(f"{issue}/tags/{quote(tag, safe='')}"), skippable_key=key
                )
        if fields or labels_add or labels_remove:
            self._log.info(
                "youtrack.updated",
                issue=key,
                fields=sorted(fields),
                tags=len(labels_add) + len(labels_remove),
            )

    def comment(self, key: str, body: str) -> None:
        """Add a comment (`POST /api/issues/{id}/comments`)."""
        self._http.request(
            "POST",
            self._url(f"issues/{quote(key, safe='')}/comments"),
            params={"fields": "id"},
            json={"text": body},
            skippable_key=key,
        )

    def comments(self, key: str) -> list[str]:
        """Texts of the issue's comments, oldest first."""
        path = f"issues/{quote(key, safe='')}/comments"
        return [
            str(c.get("text") or "") for c in self._list(path, f"GET /api/{path}", fields="id,text")
        ]


def _ms_time(value: object) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return None


def _page(issues: list[RawIssue]) -> Page:
    times = [i.updated for i in issues if i.updated is not None]
    return Page(issues=tuple(issues), last_updated=max(times) if times else None)
