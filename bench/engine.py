"""Engine benchmarks: calendar queries vs `businesstime`, and `compute` throughput/memory."""

from __future__ import annotations

import gc
import random
import resource
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from businesstime import BusinessTime

from sla import (
    BusinessCalendar,
    Change,
    Line,
    Policy,
    Priority,
    Status,
    Timeline,
    compute,
    resolution_metric,
)

MSK = ZoneInfo("Europe/Moscow")
N_INTERVALS = 100_000
N_REQUESTS = 100_000


def _intervals(n: int, seed: int = 1) -> list[tuple[datetime, datetime]]:
    rnd = random.Random(seed)
    base = datetime(2024, 1, 1, tzinfo=MSK)
    out = []
    for _ in range(n):
        start = base + timedelta(seconds=rnd.randrange(0, 3 * 365 * 86_400))
        out.append((start, start + timedelta(seconds=rnd.randrange(0, 90 * 86_400))))
    return out


def calendar_vs_businesstime(n: int = N_INTERVALS) -> dict[str, float]:
    """Queries per second of both calendars over the same intervals, same process."""
    intervals = _intervals(n)
    ours = BusinessCalendar()
    ours.business_seconds(intervals[0][0], intervals[0][1])  # build the span (one-off cost)
    ru = holidays.country_holidays("RU", years=range(2023, 2028))
    peer = BusinessTime(
        business_hours=(datetime.min.time().replace(hour=9), datetime.min.time().replace(hour=18)),
        holidays=sorted(ru.keys()),
    )
    # businesstime only understands naive local time: give it the same instants in Moscow time.
    naive = [(a.replace(tzinfo=None), b.replace(tzinfo=None)) for a, b in intervals]

    # Interleaved blocks: whatever else the machine does slows both sides alike.
    t_ours = t_peer = 0.0
    block = 5_000
    for start in range(0, n, block):
        t0 = time.perf_counter()
        for a, b in intervals[start : start + block]:
            ours.business_seconds(a, b)
        t_ours += time.perf_counter() - t0
        t0 = time.perf_counter()
        for a, b in naive[start : start + block]:
            peer.businesstimedelta(a, b)
        t_peer += time.perf_counter() - t0
    t0 = time.perf_counter()
    for a, b in intervals:
        ours.add_business_seconds(a, (b - a).total_seconds() / 4)
    t_add = time.perf_counter() - t0
    return {
        "intervals": n,
        "ours_qps": n / t_ours,
        "businesstime_qps": n / t_peer,
        "ratio": t_peer / t_ours,
        "ours_add_qps": n / t_add,
    }


def _synthetic(n: int, seed: int = 2) -> Iterator[Timeline]:
    """Requests of ~10 changes spread over up to 90 days, generated lazily."""
    rnd = random.Random(seed)
    statuses = [Status.IN_PROGRESS, Status.CLARIFICATION, Status.IN_PROGRESS, Status.DONE]
    base = datetime(2024, 1, 1, tzinfo=MSK)
    for i in range(n):
        start = base + timedelta(seconds=rnd.randrange(0, 700 * 86_400))
        span = rnd.randrange(3600, 90 * 86_400)
        offsets = sorted(rnd.randrange(0, span) for _ in range(10))
        changes = []
        for k, off in enumerate(offsets):
            at = start + timedelta(seconds=off)
            if k % 4 == 3:
                changes.append(Change(at, priority=rnd.choice(list(Priority))))
            elif k == 5:
                changes.append(Change(at, line=Line.L3))
            else:
                changes.append(Change(at, status=rnd.choice(statuses)))
        yield Timeline(
            f"SYN-{i}", start, Status.CREATED, rnd.choice(list(Priority)), Line.L1_2, tuple(changes)
        )


def compute_throughput(n: int = N_REQUESTS) -> dict[str, float]:
    """Requests per second through `compute`, and the peak RSS growth while streaming."""
    policy = Policy("regulation", BusinessCalendar(), (resolution_metric(),))
    now = datetime(2026, 6, 1, tzinfo=MSK)
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    elapsed = 0.0
    breached = 0
    clock = time.perf_counter
    for timeline in _synthetic(n):  # generated lazily: memory must stay flat
        t0 = clock()
        result = compute(timeline, policy, now)
        elapsed += clock() - t0
        breached += result.breached
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "requests": n,
        "requests_per_s": n / elapsed,
        "seconds": elapsed,
        "peak_rss_mb": rss_after,
        "rss_growth_mb": rss_after - rss_before,
        "breached": breached,
    }
