"""The JQL of an incremental Jira search: the configured scope, updated since the cursor."""

from __future__ import annotations

import math
from datetime import datetime, tzinfo
from typing import Literal

from sla.errors import NaiveDatetimeError

__all__ = ["JqlTime", "jql_for"]

JqlTime = Literal["local", "epoch_ms"]


def jql_for(scope: str, since: datetime | None, tz: tzinfo, style: JqlTime = "local") -> str:
    """`(<scope>) AND updated >= <since> ORDER BY created ASC, key ASC` (`since` overlapped).

    Ordered by creation, not by `updated`: a change made while the pages are being read moves
    an issue within an `updated` ordering, and `startAt` paging then skips the issue that slid
    into its place. Creation order never changes; the pass sorts by `updated` itself.
    """
    where = [f"({scope})"] if scope.strip() else []
    if since is not None:
        if since.tzinfo is None:
            raise NaiveDatetimeError("since", since)
        if style == "epoch_ms":
            literal = str(math.floor(since.timestamp() * 1000))
        else:
            # JQL reads "yyyy-MM-dd HH:mm" in the searching user's profile time zone; flooring
            # to the minute can only widen the window, so no update is missed.
            local = since.astimezone(tz).replace(second=0, microsecond=0)
            literal = f'"{local:%Y-%m-%d %H:%M}"'
        where.append(f"updated >= {literal}")
    return f"{' AND '.join(where)} ORDER BY created ASC, key ASC".lstrip()
