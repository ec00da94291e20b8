"""Which issues a pass reads (the search query of its window), and their plans."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mappings.raw import RawIssue
from sync.passes.decide import Plan
from sync.passes.known import KnownVersions
from sync.passes.outcome import IssueOutcome, PassOptions
from sync.ports import Page, SearchQuery

__all__ = ["Window", "read_window", "window"]


def window(
    scope: str, cursor_us: int | None, now: datetime, options: PassOptions, *, full: bool
) -> SearchQuery:
    """The scope narrowed to what a pass must read.

    - after a pass (a cursor): issues updated since the cursor minus the overlap, which
      covers updates a search shows late;
    - a first pass: open issues, and closed ones updated within `closed_lookback_days`;
    - `full`: the whole scope.
    """
    if cursor_us is not None:
        since = datetime.fromtimestamp(cursor_us / 1e6, now.tzinfo) - options.overlap
        return SearchQuery(scope, updated_since=since)
    if full or options.closed_lookback_days is None:
        return SearchQuery(scope)
    start = now - timedelta(days=options.closed_lookback_days)
    return SearchQuery(scope, open_or_updated_since=start)


@dataclass
class Window:
    """What the window's pages gave: one plan or one failure per key."""

    plans: dict[str, Plan] = field(default_factory=dict)
    failed: dict[str, IssueOutcome] = field(default_factory=dict)
    unread_failures: set[str] = field(default_factory=set)  # failed before, not in the window


def read_window(
    pages: Iterable[Page],
    known: KnownVersions,
    plan: Callable[[RawIssue, bool], Plan | IssueOutcome],
    failed_before: set[str],
) -> Window:
    """Plan every issue of the pages (`plan(raw, dedupe)`); an issue the pass processed at
    this version came without its history and gets `known`'s plan. An issue that failed
    before is never deduplicated: its fresh read is its retry."""
    out = Window(unread_failures=set(failed_before))
    for page in pages:
        for raw in page.issues:
            out.unread_failures.discard(raw.key)
            if raw.key in page.known:
                p = known.plan(raw)
            else:
                p = plan(raw, raw.key not in failed_before)
            # A key met twice (a page shifted under startAt): the later read is fresher.
            if isinstance(p, IssueOutcome):
                out.plans.pop(raw.key, None)
                out.failed[raw.key] = p
            else:
                out.failed.pop(raw.key, None)
                out.plans[p.key] = p
    return out
