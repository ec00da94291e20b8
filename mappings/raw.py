"""A tracker issue exactly as the adapter fetched it, before any mapping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class RawIssue:
    """Raw fields and the complete history (oldest first), in the tracker's own JSON shapes.

    For Jira `histories` are changelog histories (`{id, author, created, items[]}`);
    for YouTrack they are activity items. `names` maps field id to display name when the
    tracker sent it (Jira `expand=names`).
    """

    tracker: str
    key: str
    id: str
    fields: Mapping[str, Any]
    histories: tuple[Mapping[str, Any], ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    updated: datetime | None = None  # the tracker's last-update time (feeds the cursor)


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One tracker field as the tracker describes it (Jira `/rest/api/2/field`)."""

    id: str
    name: str
    custom: bool
    schema: Mapping[str, Any] = field(default_factory=dict)
