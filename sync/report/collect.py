"""Read the candidates of a report window from a tracker: read-only, through the binding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import structlog

from mappings.settle import require_placed
from sla import SlaError, Timeline
from sync.binding import Binding
from sync.errors import SkippableIssueError
from sync.ports import SearchQuery


@dataclass
class Collected:
    """Timelines read from the trackers, and the issues whose data could not be mapped."""

    timelines: list[Timeline] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, reason)
    assignees: dict[str, str | None] = field(default_factory=dict)  # key -> assignee's name


def collect(bindings: Iterable[Binding], since: datetime, until: datetime) -> Collected:
    """Timelines of every issue the trackers report as closed at or after `since`.

    Only `search` is called on the adapter (never `update` or `comment`): a report must not
    touch the tracker. Which of these were closed inside the window is decided from the
    history by `aggregate.closed_requests`, not by the tracker's resolution date.
    """
    out = Collected()
    log = structlog.get_logger()
    for b in bindings:
        b.refresh_catalog()
        query = SearchQuery(b.scope, closed_since=since)
        log.info("report.search", tracker=b.name, since=since.isoformat())
        for page in b.tracker.search(query, b.read_field_ids(), b.history_field_ids()):
            for raw in page.issues:
                try:
                    mapped = b.mapping.map_issue(raw, b.profile, b.catalog, b.vocabulary)
                    # A report has no single `now` to settle unmapped values at: stay strict.
                    mapped = require_placed(mapped)
                except (SlaError, SkippableIssueError) as exc:
                    out.failed.append((raw.key, str(exc)))
                    continue
                out.timelines.append(mapped.timeline)
                out.assignees[raw.key] = mapped.assignee.name if mapped.assignee else None
    return out
