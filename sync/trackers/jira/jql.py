"""The JQL of a `SearchQuery`: the configured scope, narrowed by update time or status."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, tzinfo
from typing import Literal

from sla.errors import NaiveDatetimeError
from sync.ports import SearchQuery

__all__ = ["JqlTime", "jql_for"]

JqlTime = Literal["local", "epoch_ms"]


def jql_for(query: SearchQuery, tz: tzinfo, style: JqlTime = "local") -> str:
    """`(<scope>) AND <narrowing> ORDER BY created ASC, key ASC`.

    Ordered by creation, not by `updated`: a change made while the pages are being read moves
    an issue within an `updated` ordering, and `startAt` paging then skips the issue that slid
    into its place. Creation order never changes; the pass sorts by `updated` itself.
    """
    scope = query.scope.strip()
    where = [f"({scope})"] if scope else []
    if query.updated_since is not None:
        where.append(f"updated >= {_instant(query.updated_since, tz, style)}")
    if query.open_or_updated_since is not None:
        # Open issues always; closed ones only when they changed within the look-back.
        day = _day(query.open_or_updated_since)
        where.append(f"(statusCategory != Done OR updated >= {day})")
    if query.closed_since is not None:
        # No upper bound: `resolved` is the latest resolution, so an issue closed in the window
        # and closed again after it would be missed. Done without a resolution (workflows that
        # never set one) has no `resolved`; `updated` is a superset of its closure then.
        day = _day(query.closed_since)
        done = f"resolved >= {day} OR (resolved is EMPTY AND updated >= {day})"
        where.append(f"statusCategory = Done AND ({done})")
    return f"{' AND '.join(where)} ORDER BY created ASC, key ASC".lstrip()


def _instant(since: datetime, tz: tzinfo, style: JqlTime) -> str:
    if since.tzinfo is None:
        raise NaiveDatetimeError("since", since)
    if style == "epoch_ms":
        return str(math.floor(since.timestamp() * 1000))
    # JQL reads "yyyy-MM-dd HH:mm" in the searching user's profile time zone; flooring to the
    # minute can only widen the window, so no update is missed.
    local = since.astimezone(tz).replace(second=0, microsecond=0)
    return f'"{local:%Y-%m-%d %H:%M}"'


def _day(since: datetime) -> str:
    # A documented JQL date literal; a day of margin covers the user's time zone, in which
    # Jira reads it. These scopes only need a superset: the history decides the rest.
    return f'"{(since - timedelta(days=1)).date().isoformat()}"'
