"""Issues saved to a file (`explain --file`): read them without a tracker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mappings.raw import RawIssue
from sla import UnknownValueError


def read_issue_file(path: str | Path, tracker: str = "jira") -> RawIssue:
    """A Jira `GET /rest/api/{2,3}/issue/{key}?expand=changelog,names` response as a RawIssue."""
    try:
        data: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UnknownValueError("issue file", f"{path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise UnknownValueError(
            "issue file", f"{path}: not JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    if tracker == "youtrack":
        from mappings.youtrack import raw_from_export  # the YouTrack export shape

        return raw_from_export(data)
    if not isinstance(data, dict) or "key" not in data or not isinstance(data.get("fields"), dict):
        raise UnknownValueError("issue file", f"{path}: not a Jira issue (no key / fields)")
    changelog = data.get("changelog") or {}
    return RawIssue(
        tracker="jira",
        key=str(data["key"]),
        id=str(data.get("id", data["key"])),
        fields=data["fields"],
        histories=tuple(changelog.get("histories") or ()),
        names=data.get("names") or {},
    )
