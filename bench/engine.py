"""Engine benchmarks: calendar queries against peers, and `compute` throughput and memory."""

from __future__ import annotations

import gc
import random
import resource
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from bench.peers import Peer, agreement, peers
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
BLOCKS = 5  # ratios are reported per block as well: their range shows the machine's noise
PAIR = 5_000  # intervals timed back to back on ours and each peer (ours: ~7 ms, warm)


def _intervals(n: int, seed: int = 1) -> list[tuple[datetime, datetime]]:
    rnd = random.Random(seed)
    base = datetime(2024, 1, 1, tzinfo=MSK)
    out = []
    for _ in range(n):
        start = base + timedelta(seconds=rnd.randrange(0, 3 * 365 * 86_400))
        out.append((start, start + timedelta(seconds=rnd.randrange(0, 90 * 86_400))))
    return out


def _timed(query: Callable[[Any, Any], Any], pairs: list[tuple[Any, Any]]) -> tuple[float, list]:
    # CPU time of this process: on a shared machine, time spent descheduled while another
    # job runs would otherwise land on whichever side happened to be running.
    t0 = time.process_time()
    answers = [query(a, b) for a, b in pairs]
    return time.process_time() - t0, answers


def calendar_vs_peers(
    n: int = N_INTERVALS, blocks: int = BLOCKS, pair: int = PAIR
) -> dict[str, Any]:
    """Queries per second of ours and each peer over the same intervals, in one process.

    Each run of `pair` intervals is timed on ours and then on each peer, back to back, 20
    times over, so machine load hits both sides alike. Rates are per CPU second of this
    single-threaded process; ratio ranges are over `blocks` equal parts of the intervals.
    """
    intervals = _intervals(n)
    ours = BusinessCalendar()
    ours.business_seconds(min(a for a, _ in intervals), max(b for _, b in intervals))  # span
    ru = holidays.country_holidays("RU", years=range(2023, 2029))
    sides = peers(ru.keys())
    inputs = {p.name: [(p.prepare(a), p.prepare(b)) for a, b in intervals] for p in sides}
    t_ours = 0.0
    stats = {p.name: _Tally(blocks) for p in sides}
    for lo in range(0, n, pair):
        run = intervals[lo : lo + pair]
        spent, mine = _timed(ours.business_seconds, run)
        t_ours += spent
        block = lo * blocks // n
        for p in sides:
            # A slow peer gets every n-th interval of the run; ours is charged its mean time
            # per query over the run. Timing ours again on those few, right after a peer has
            # filled the caches with its own data, charged it a cold start the service
            # does not pay (35 % per query at 500 intervals).
            asked = run[:: p.every]
            theirs, answers = _timed(p.query, inputs[p.name][lo : lo + pair : p.every])
            stats[p.name].add(
                block,
                spent * len(asked) / len(run),
                theirs,
                asked,
                mine[:: p.every],
                [p.seconds(x) for x in answers],
            )
    amounts = [(a, (b - a).total_seconds() / 4) for a, b in intervals]
    t_add, _ = _timed(ours.add_business_seconds, amounts)
    return {
        "intervals": n,
        "ours_qps": n / t_ours,
        "ours_add_qps": n / t_add,
        "peers": [_summary(p, stats[p.name], frozenset(ru.weekend_workdays)) for p in sides],
    }


class _Tally:
    """One peer's times (and ours on the same intervals) per block, and both answers."""

    def __init__(self, blocks: int) -> None:
        self.ours_t = [0.0] * blocks
        self.theirs_t = [0.0] * blocks
        self.asked: list[tuple[datetime, datetime]] = []
        self.ours: list[float] = []
        self.theirs: list[float] = []

    def add(self, block: int, ours_t: float, theirs_t: float, asked, ours, theirs) -> None:
        self.ours_t[block] += ours_t
        self.theirs_t[block] += theirs_t
        self.asked += asked
        self.ours += ours
        self.theirs += theirs


def _summary(p: Peer, s: _Tally, working_weekend_days) -> dict[str, Any]:
    equal, weekend, other = agreement(s.ours, s.theirs, s.asked, working_weekend_days)
    ratios = [t / o for t, o in zip(s.theirs_t, s.ours_t, strict=True)]
    return {
        "name": p.name,
        "every": p.every,
        "intervals": len(s.asked),
        "qps": len(s.asked) / sum(s.theirs_t),
        "ratio": sum(s.theirs_t) / sum(s.ours_t),
        "ratio_lo": min(ratios),
        "ratio_hi": max(ratios),
        "equal": equal,
        "differ_working_weekend": weekend,
        "differ_other": other,
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


def _rss_mb() -> float:
    """Resident set size now (not the peak): what streaming must keep flat."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def compute_throughput(n: int = N_REQUESTS, chunk: int = 10_000) -> dict[str, float]:
    """Requests per second through `compute`, streamed in chunks, and RSS while streaming.

    Each chunk of timelines is generated, then timed through `compute` (building a Timeline
    costs more than computing it and is not what is measured), then dropped.
    """
    policy = Policy("regulation", BusinessCalendar(), (resolution_metric(),))
    now = datetime(2026, 6, 1, tzinfo=MSK)
    requests = _synthetic(n)
    wall = cpu = 0.0
    rates: list[float] = []
    rss: list[float] = []
    blocks: list[int] = []  # live Python objects' memory blocks: a leak shows here, not only in RSS
    breached = 0
    for _ in range(0, n, chunk):
        batch = [next(requests) for _ in range(chunk)]
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        results = [compute(t, policy, now) for t in batch]
        spent = time.perf_counter() - t0
        cpu += time.process_time() - c0
        wall += spent
        rates.append(len(batch) / spent)
        breached += sum(r.breached for r in results)
        del batch, results
        gc.collect()
        rss.append(_rss_mb())
        blocks.append(sys.getallocatedblocks())
    return {
        "requests": n,
        "requests_per_s": n / wall,
        "requests_per_cpu_s": n / cpu,
        "chunk_lo": min(rates),
        "chunk_hi": max(rates),
        "seconds": wall,
        "rss_first_mb": rss[0],
        "rss_growth_mb": max(rss) - rss[0],
        "live_blocks_growth": max(blocks) - blocks[0],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "breached": breached,
    }
