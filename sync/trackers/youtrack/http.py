"""YouTrack specifics of the shared HTTP shell: error bodies, hints, query text, field specs.

Retries, backoff and redaction stay in `sync.trackers.http.RetryingHttp`; this module only
teaches it how YouTrack words its errors (`{"error", "error_description", "error_children"}`,
https://www.jetbrains.com/help/youtrack/devportal/api-troubleshooting.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any

import requests

from mappings.raw import FieldDef
from sla.errors import NaiveDatetimeError
from sync.ports import SearchQuery
from sync.trackers.http import RetryingHttp

__all__ = [
    "ACTIVITY_CATEGORIES",
    "ACTIVITY_FIELDS",
    "BUNDLE_SPEC",
    "FIELD_DEF_SPEC",
    "PRIORITY_FIELDS",
    "RESOLUTION_FIELDS",
    "STATE_FIELDS",
    "TYPE_FIELDS",
    "YouTrackHttp",
    "api_base",
    "field_def",
    "issue_fields_spec",
    "query_for",
    "yt_error_text",
]

_HINTS = {
    401: "check the permanent token (Profile → Account Security → Tokens); is it revoked?",
    403: "the token's user lacks a permission here (Read Issue / Update Issue / Apply Commands "
    "Silently for muted writes / Read Project for field settings)",
    400: "YouTrack rejected the request; check the scope query and the field names",
    404: "check the base URL (Server installs may need the /youtrack context path) and the "
    "issue id / project in the scope",
}

# The history the clock needs: custom field changes (State, Priority, line, resolution field),
# plus creation and resolution markers. `categories` is mandatory on activity endpoints.
# https://www.jetbrains.com/help/youtrack/devportal/resource-api-issues-issueID-activitiesPage.html
ACTIVITY_CATEGORIES = "CustomFieldCategory,IssueCreatedCategory,IssueResolvedCategory"
_VALUE = "id,name,login,email,isResolved,minutes,presentation,text"
ACTIVITY_FIELDS = (
    f"activities(id,timestamp,$type,category(id),author(id,login),"
    f"field(id,name,customField(id,name,fieldType(id,valueType))),"
    f"added({_VALUE}),removed({_VALUE})),afterCursor,hasAfter"
)
# The same items from the global stream, each naming its issue in `target`.
# https://www.jetbrains.com/help/youtrack/devportal/operations-api-activitiesPage.html
STREAM_FIELDS = ACTIVITY_FIELDS.replace("activities(id,", "activities(id,target(id,idReadable),", 1)
CUSTOM_FIELD_SPEC = (
    f"customFields(id,name,$type,value({_VALUE}),"
    "projectCustomField($type,field(id,name,fieldType(id,valueType))))"
)
_ISSUE_BASE = "id,idReadable,created,updated,resolved,summary,reporter(login,email),tags(id,name)"


STATE_FIELDS = ("State", "Состояние", "Статус")
PRIORITY_FIELDS = ("Priority", "Приоритет")
RESOLUTION_FIELDS = ("Резолюция", "Resolution")
TYPE_FIELDS = ("Type", "Тип")
FIELD_DEF_SPEC = "$type,field(id,name,fieldType(id,valueType,isMultiValue))"
BUNDLE_SPEC = "field(name),bundle(values(id,name,isResolved,ordinal,archived))"


def api_base(url: str) -> str:
    """`https://host[/youtrack]` -> `https://host[/youtrack]/api` (a trailing /api is kept once)."""
    base = url.strip().rstrip("/")
    return base if base.endswith("/api") else f"{base}/api"


def field_def(pcf: Mapping[str, Any]) -> FieldDef:
    """A catalog entry from a ProjectCustomField (or a bare CustomField); id = field name."""
    field = pcf.get("field") or pcf
    ftype = field.get("fieldType") or {}
    return FieldDef(
        id=str(field.get("name")),
        name=str(field.get("name")),
        custom=True,
        schema={
            "valueType": ftype.get("valueType"),
            "fieldType": ftype.get("id"),
            "multi": bool(ftype.get("isMultiValue")) or str(ftype.get("id", "")).endswith("[*]"),
            "projectType": pcf.get("$type"),
            "fieldId": field.get("id"),
        },
    )


def issue_fields_spec() -> str:
    """The `fields=` value for issue reads: system attributes, tags and custom fields."""
    # https://www.jetbrains.com/help/youtrack/devportal/api-entity-Issue.html
    return f"{_ISSUE_BASE},project(id,shortName),{CUSTOM_FIELD_SPEC}"


def query_for(query: SearchQuery, tz: tzinfo) -> str:
    """`(<scope>) and <narrowing> sort by: created asc` for a `SearchQuery`.

    Sorted by creation, not by `updated`: an edit made while `$skip` pages are read would move
    an issue within an `updated` order and shift another one out of view. YouTrack reads
    `YYYY-MM-DDTHH:MM` in the searching user's profile time zone; flooring to the minute can
    only widen the window. Open ranges use `*`.
    https://www.jetbrains.com/help/youtrack/cloud/search-and-command-attributes.html
    """
    scope = query.scope.strip()
    parts = [f"({scope})"] if scope else []
    if query.updated_since is not None:
        if query.updated_since.tzinfo is None:
            raise NaiveDatetimeError("since", query.updated_since)
        local = query.updated_since.astimezone(tz)
        parts.append(f"updated: {local:%Y-%m-%dT%H:%M} .. *")
    if query.open_or_updated_since is not None:
        # Open issues always; resolved ones only when updated within the look-back. A day of
        # margin covers the user's time zone, in which YouTrack reads the date.
        parts.append(f"(#Unresolved or updated: {_day(query.open_or_updated_since)} .. *)")
    if query.closed_since is not None:
        # Resolved issues updated since the window opened (a superset: a closure in the window
        # was an update in it); the report decides from the activities which closed in it.
        parts.append(f"#Resolved and updated: {_day(query.closed_since)} .. *")
    return f"{' and '.join(parts)} sort by: created asc".lstrip()


def _day(since: datetime) -> str:
    return (since - timedelta(days=1)).date().isoformat()


def yt_error_text(response: requests.Response | None, limit: int = 500) -> str:
    """YouTrack's `error_description` (and its children's), never headers or HTML pages."""
    if response is None:
        return ""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, Mapping):
        return ""
    parts: list[str] = []
    for item in [body, *(body.get("error_children") or ())]:
        if not isinstance(item, Mapping):
            continue
        text = item.get("error_description") or item.get("error")
        if isinstance(text, str) and text and text not in parts:
            parts.append(text)
    return "; ".join(parts)[:limit]


class YouTrackHttp(RetryingHttp):
    """`RetryingHttp` with YouTrack error wording; the retry loop itself is inherited."""

    tracker_title = "YouTrack"
    hints = _HINTS

    def error_detail(self, response: requests.Response) -> str:
        """YouTrack's `error_description` (and children) from a response body."""
        return yt_error_text(response)
