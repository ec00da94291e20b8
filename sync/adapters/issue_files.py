"""Issues saved to a file (`explain --file`): read them without a tracker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mappings.raw import RawIssue
from sla import UnknownValueError
from sync import registry


def read_issue_file(path: str | Path, kind: str = "jira") -> RawIssue:
    """A saved issue of a tracker kind (Jira: `GET issue?expand=changelog,names`) as a RawIssue."""
    reader = registry.get(kind, "explain", "--tracker").read_issue_file
    try:
        data: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UnknownValueError("issue file", f"{path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise UnknownValueError(
            "issue file", f"{path}: not JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    try:
        return reader(data)
    except UnknownValueError as exc:
        raise UnknownValueError("issue file", f"{path}: {exc.value}") from None
