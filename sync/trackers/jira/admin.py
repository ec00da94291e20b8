"""Jira's administrative reads and writes: vocabularies, permissions, new SLA fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mappings.port import TrackerValue
from mappings.raw import FieldDef
from sync.errors import FatalTrackerError, RetriableTrackerError
from sync.ports import FieldKind, SilentWrites
from sync.trackers.http import RetryingHttp

__all__ = ["create_field", "silent_writes", "values"]

# Custom field types for the SLA fields `check --create-fields` creates.
_FIELD_TYPES = {
    FieldKind.DATETIME: "com.atlassian.jira.plugin.system.customfieldtypes:datetime",
    FieldKind.SELECT: "com.atlassian.jira.plugin.system.customfieldtypes:select",
    FieldKind.NUMBER: "com.atlassian.jira.plugin.system.customfieldtypes:float",
}


def values(items: Iterable[Mapping[str, Any]] | None) -> tuple[TrackerValue, ...]:
    """A Jira list (`/status`, `/priority`, …) as vocabulary values with status categories."""
    return tuple(
        TrackerValue(
            None if v.get("id") is None else str(v["id"]),
            str(v.get("name", "")),
            (v.get("statusCategory") or {}).get("key"),
        )
        for v in items or ()
    )


def create_field(
    http: RetryingHttp,
    rest_url: Callable[[str], str],
    name: str,
    kind: FieldKind,
) -> FieldDef:
    """Create a custom field (POST /rest/api/2/field) of the Jira type for `kind`.

    The request bean has name, description, type and searcherKey, no options:
    https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issue-fields/#api-rest-api-2-field-post
    """
    body = {"name": name, "type": _FIELD_TYPES[kind]}
    f = http.request("POST", rest_url("api/2/field"), json=body)
    return FieldDef(id=f["id"], name=f.get("name", name), custom=True, schema=f.get("schema") or {})


def silent_writes(get: Callable[..., Any]) -> SilentWrites:
    """Whether `notifyUsers=false` is honoured: it needs Administer Jira or project admin.

    https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/#api-rest-api-2-issue-issueidorkey-put
    """
    wanted = ("ADMINISTER", "ADMINISTER_PROJECTS")
    try:
        perms = (get("api/2/mypermissions", permissions=",".join(wanted)) or {}).get(
            "permissions", {}
        )
    except (FatalTrackerError, RetriableTrackerError) as exc:
        return SilentWrites(False, f"could not read the account's permissions: {exc}")
    if any((perms.get(p) or {}).get("havePermission") for p in wanted):
        return SilentWrites(True, "SLA writes are sent with notifyUsers=false")
    return SilentWrites(
        False,
        "the account is not a Jira or project admin: Jira ignores notifyUsers=false, "
        "so watchers get an e-mail for each SLA write",
    )
