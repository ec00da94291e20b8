"""YouTrack's project settings as sla-sync reads them: field catalog, value bundles, vocabulary.

Bundles (the values of State, Priority, …) are per project:
https://www.jetbrains.com/help/youtrack/devportal/resource-api-admin-projects-projectID-customFields.html
What the API is not used for here (creating fields, webhooks) comes back as manual steps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from mappings.port import TrackerValue, Vocabulary
from mappings.raw import FieldDef
from sync.errors import FatalTrackerError, UnsupportedError
from sync.ports import FieldKind
from sync.trackers.youtrack.http import (
    BUNDLE_SPEC,
    FIELD_DEF_SPEC,
    PRIORITY_FIELDS,
    RESOLUTION_FIELDS,
    STATE_FIELDS,
    TYPE_FIELDS,
    field_def,
)

__all__ = ["catalog", "field_steps", "find_project", "statuses", "vocabulary", "webhook_steps"]

ListFn = Callable[..., list[Any]]  # (path, what, **params) -> every item of a $skip/$top list


def find_project(list_all: ListFn, ref: str) -> dict[str, Any]:
    """The project whose short name (or name) is `ref`, with its team; fatal when none is.

    https://www.jetbrains.com/help/youtrack/devportal/resource-api-admin-projects.html
    (`team` is the project's UserGroup, api-entity-Project).
    """
    spec = "id,shortName,name,team(id,name)"
    rows = list_all("admin/projects", "GET /api/admin/projects", fields=spec)
    for attr in ("shortName", "name"):
        for row in rows:
            if str(row.get(attr) or "").casefold() == ref.strip().casefold():
                return dict(row)
    raise FatalTrackerError(
        f"YouTrack has no project {ref!r} that sla-sync's account can read "
        "(check `project` / the scope, and the Read Project permission)"
    )


def catalog(list_all: ListFn, project: str | None) -> tuple[FieldDef, ...]:
    """Custom fields of the project (or of the whole instance, without a project)."""
    if project:
        path = f"admin/projects/{quote(project, safe='')}/customFields"
        rows = list_all(path, f"GET {path}", fields=FIELD_DEF_SPEC)
    else:
        path = "admin/customFieldSettings/customFields"
        spec = "id,name,fieldType(id,valueType,isMultiValue),instances($type)"
        rows = [
            {"$type": ((r.get("instances") or [{}])[0] or {}).get("$type"), "field": r}
            for r in list_all(path, f"GET {path}", fields=spec)
        ]
    return tuple(field_def(r) for r in rows)


def _bundles(list_all: ListFn, project: str | None) -> dict[str, list[Mapping[str, Any]]]:
    if not project:
        return {}  # bundles are per project; without one there is nothing to list
    path = f"admin/projects/{quote(project, safe='')}/customFields"
    rows = list_all(path, f"GET {path}", fields=BUNDLE_SPEC)
    return {
        str((r.get("field") or {}).get("name", "")).casefold(): list(
            ((r.get("bundle") or {}).get("values")) or ()
        )
        for r in rows
    }


def _values(bundles: Mapping[str, list[Mapping[str, Any]]], names: Sequence[str]) -> tuple:
    for name in names:
        if name.casefold() in bundles:
            return tuple(_value(v) for v in bundles[name.casefold()])
    return ()


def statuses(list_all: ListFn, project: str | None) -> tuple[TrackerValue, ...]:
    """Values of the project's State field; a resolved one has the category "done"."""
    return _values(_bundles(list_all, project), STATE_FIELDS)


def vocabulary(list_all: ListFn, project: str | None) -> Vocabulary:
    """State, Priority, resolution (a resolution field, else resolved States) and Type values."""
    bundles = _bundles(list_all, project)
    states = _values(bundles, STATE_FIELDS)
    return Vocabulary(
        statuses=states,
        priorities=_values(bundles, PRIORITY_FIELDS),
        # A resolution field, when the project has one, holds the resolutions; else the
        # resolved State values are the resolutions (see mappings/youtrack.yaml).
        resolutions=_values(bundles, RESOLUTION_FIELDS)
        or tuple(s for s in states if s.category == "done"),
        issue_types=_values(bundles, TYPE_FIELDS),
    )


def field_steps(name: str, kind: FieldKind, options: Sequence[str]) -> UnsupportedError:
    """The error saying how to add an SLA field by hand."""
    values = f", values {', '.join(options)}" if options else ""
    return UnsupportedError(
        f"sla-sync does not create YouTrack fields; add {name!r} by hand",
        f"In YouTrack: Project → Settings → Fields → Add field {name!r} ({kind.value}{values}).",
    )


def webhook_steps(url: str) -> UnsupportedError:
    """The error saying how to make YouTrack notify the service (a workflow rule)."""
    return UnsupportedError(
        "YouTrack has no webhooks to register through the API",
        "Install deploy/youtrack/sla-sync-notify.js as a workflow rule (README, "
        f"'Workflow rule'), with SLA_SYNC_URL = {url} and the shared secret.",
    )


def _value(v: Mapping[str, Any]) -> TrackerValue:
    category = "done" if v.get("isResolved") else None
    vid = None if v.get("id") is None else str(v["id"])
    return TrackerValue(vid, str(v.get("name", "")), category)
