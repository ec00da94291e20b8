"""A Jira issue saved to a file (`explain --file`) as a RawIssue (pure)."""

from __future__ import annotations

from typing import Any

from mappings.raw import RawIssue
from mappings.values import try_datetime
from sla import UnknownValueError

__all__ = ["raw_from_saved"]


def raw_from_saved(data: Any) -> RawIssue:
    """`GET /rest/api/{2,3}/issue/{key}?expand=changelog,names` as a RawIssue."""
    if not isinstance(data, dict) or "key" not in data or not isinstance(data.get("fields"), dict):
        raise UnknownValueError("issue file", "not a Jira issue (no key / fields)")
    changelog = data.get("changelog") or {}
    return RawIssue(
        tracker="jira",
        key=str(data["key"]),
        id=str(data.get("id", data["key"])),
        fields=data["fields"],
        histories=tuple(changelog.get("histories") or ()),
        names=data.get("names") or {},
        updated=try_datetime(data["fields"].get("updated")),
    )
