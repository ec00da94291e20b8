"""The calendar's precomputed intervals: flat sorted arrays with cumulative sums (pure).

A `Span` holds the working intervals of whole years as epoch microseconds, the cumulative
business microseconds at each, and a per-day index, so a lookup is a short scan from the
day's first interval instead of a bisect over the whole span. It is immutable: growing the
calendar builds a new one and swaps it in whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DAY_US", "Span", "assemble", "cumulative", "extend"]

DAY_US = 86_400_000_000
Midnight = Callable[[int], int]  # year -> epoch µs of its first local midnight


@dataclass(frozen=True, slots=True)
class Span:
    """An immutable snapshot of the precomputed intervals (swapped whole on growth)."""

    starts: list[int]
    ends: list[int]
    cum_starts: list[int]
    cum_ends: list[int]
    lo_year: int
    hi_year: int  # exclusive
    lo_us: int
    hi_us: int
    cum_lo: int
    cum_hi: int
    # `starts` plus a sentinel at hi_us (every start and every instant looked up is below it),
    # so the scan in `_cumulative` needs no bounds check.
    probe: list[int]
    # Per 24 h from lo_us: the last interval starting at or before that instant (-1: none).
    # A lookup scans forward from there past at most a day's windows instead of bisecting
    # the whole span.
    day_first: list[int]


def cumulative(span: Span, t: int) -> int:
    """Business µs up to `t`, which must lie in [span.lo_us, span.hi_us)."""
    k = span.day_first[(t - span.lo_us) // DAY_US]
    probe = span.probe
    while probe[k + 1] <= t:
        k += 1
    if k < 0:
        return span.cum_lo
    end = span.ends[k]
    # Inside interval k: the part of it before t; past it: all of it (the gap adds nothing).
    return span.cum_starts[k] + ((t if t < end else end) - probe[k])


def _cumulate(starts: list[int], ends: list[int], base: int) -> tuple[list[int], list[int], int]:
    """Cumulative business µs at each interval's start and end, counted from `base`."""
    cum_starts: list[int] = []
    cum_ends: list[int] = []
    total = base
    for s, e in zip(starts, ends, strict=True):
        cum_starts.append(total)
        total += e - s
        cum_ends.append(total)
    return cum_starts, cum_ends, total


def assemble(
    starts: list[int], ends: list[int], lo_year: int, hi_year: int, midnight: Midnight, base: int
) -> Span:
    cum_starts, cum_ends, total = _cumulate(starts, ends, base)
    return _indexed(starts, ends, cum_starts, cum_ends, lo_year, hi_year, midnight, base, total)


def extend(
    old: Span,
    before: tuple[list[int], list[int]],
    after: tuple[list[int], list[int]],
    lo_year: int,
    hi_year: int,
    midnight: Midnight,
) -> Span:
    b_starts, b_ends = before
    a_starts, a_ends = after
    base = old.cum_lo - sum(e - s for s, e in zip(b_starts, b_ends, strict=True))
    b_cum_starts, b_cum_ends, _ = _cumulate(b_starts, b_ends, base)
    a_cum_starts, a_cum_ends, total = _cumulate(a_starts, a_ends, old.cum_hi)
    return _indexed(
        b_starts + old.starts + a_starts,
        b_ends + old.ends + a_ends,
        b_cum_starts + old.cum_starts + a_cum_starts,
        b_cum_ends + old.cum_ends + a_cum_ends,
        lo_year,
        hi_year,
        midnight,
        base,
        total,
    )


def _indexed(
    starts: list[int],
    ends: list[int],
    cum_starts: list[int],
    cum_ends: list[int],
    lo_year: int,
    hi_year: int,
    midnight: Midnight,
    cum_lo: int,
    cum_hi: int,
) -> Span:
    lo_us, hi_us = midnight(lo_year), midnight(hi_year)
    day_first: list[int] = []
    k, n = -1, len(starts)
    for day in range(lo_us, hi_us, DAY_US):
        while k + 1 < n and starts[k + 1] <= day:
            k += 1
        day_first.append(k)
    return Span(
        starts,
        ends,
        cum_starts,
        cum_ends,
        lo_year,
        hi_year,
        lo_us,
        hi_us,
        cum_lo,
        cum_hi,
        [*starts, hi_us],
        day_first,
    )
