"""Jira field types the sandbox knows: custom field plugin types and the system fields."""

from __future__ import annotations

__all__ = ["CATEGORIES", "CF", "CUSTOM_SCHEMA", "SYSTEM_FIELDS"]

CF = "com.atlassian.jira.plugin.system.customfieldtypes:"
CUSTOM_SCHEMA = {  # plugin type -> (schema type, items)
    "select": ("option", None),
    "multicheckboxes": ("array", "option"),
    "datetime": ("datetime", None),
    "float": ("number", None),
    "textfield": ("string", None),
}

# System fields: id -> (name, schema type, items, orderable, searchable, clause names)
SYSTEM_FIELDS: dict[str, tuple[str, str, str | None, bool, bool, list[str]]] = {
    "summary": ("Summary", "string", None, True, True, ["summary"]),
    "issuetype": ("Issue Type", "issuetype", None, True, True, ["issuetype", "type"]),
    "project": ("Project", "project", None, False, True, ["project"]),
    "status": ("Status", "status", None, False, True, ["status"]),
    "priority": ("Priority", "priority", None, True, True, ["priority"]),
    "resolution": ("Resolution", "resolution", None, True, True, ["resolution"]),
    "resolutiondate": ("Resolved", "datetime", None, False, True, ["resolutiondate", "resolved"]),
    "created": ("Created", "datetime", None, False, True, ["created", "createdDate"]),
    "updated": ("Updated", "datetime", None, False, True, ["updated", "updatedDate"]),
    "labels": ("Labels", "array", "string", True, True, ["labels"]),
    "reporter": ("Reporter", "user", None, True, True, ["reporter"]),
    "assignee": ("Assignee", "user", None, True, True, ["assignee"]),
    "description": ("Description", "string", None, True, True, ["description"]),
    "comment": ("Comment", "comments-page", None, True, True, ["comment"]),
}
CATEGORIES = {
    # Jira's "No Category" (statuses created without one); sla-sync cannot place those.
    "undefined": {"id": 1, "key": "undefined", "colorName": "medium-gray", "name": "No Category"},
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {
        "id": 4,
        "key": "indeterminate",
        "colorName": "yellow",
        "name": "In Progress",
    },
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}
