"""Read the candidates of a report window from a tracker: read-only, through the binding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import structlog

from sla import ConfigError, SlaError, Timeline
from sync.binding import Binding
from sync.errors import SkippableIssueError


@dataclass
class Collected:
    """Timelines read from the trackers, and the issues whose data could not be mapped."""

    timelines: list[Timeline] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, reason)


def collect(bindings: Iterable[Binding], since: datetime, until: datetime) -> Collected:
    """Timelines of every issue the trackers report as closed at or after `since`.

    Only `search` is called on the adapter (never `update` or `comment`): a report must not
    touch the tracker. Which of these were closed inside the window is decided from the
    history by `aggregate.closed_requests`, not by the tracker's resolution date.
    """
    out = Collected()
    log = structlog.get_logger()
    for b in bindings:
        if b.mapping.closed_scope is None:
            raise ConfigError(
                "settings",
                f"trackers.{b.name}.kind",
                "a tracker whose binding can search closed issues (closed_scope)",
            )
        b.refresh_catalog()
        scope = b.mapping.closed_scope(b.scope, since, until)
        field_ids = b.mapping.required_field_ids(b.profile, b.catalog)
        history_ids = b.mapping.history_field_ids(b.profile, b.catalog)
        log.info("report.search", tracker=b.name, scope=scope)
        for page in b.tracker.search(scope, None, field_ids, history_field_ids=history_ids):
            for raw in page.issues:
                try:
                    mapped = b.mapping.map_issue(
                        raw, b.profile, b.catalog, status_categories=b.status_categories
                    )
                except (SlaError, SkippableIssueError) as exc:
                    out.failed.append((raw.key, str(exc)))
                    continue
                out.timelines.append(mapped.timeline)
    return out
