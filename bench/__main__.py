"""`make bench`: prints the tables recorded in the README's performance section."""

from __future__ import annotations

import platform
import sys

from bench import engine


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(
                line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    import os

    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def _print_calendar(r: dict) -> None:
    print(
        f"\n(1) business-seconds queries, the same {r['intervals']:,} intervals (up to 90 days),"
        f" same process, interleaved every {engine.PAIR} intervals, per CPU second (ratio range"
        f" over {engine.BLOCKS} blocks)"
    )
    print(f"  sla.BusinessCalendar      {r['ours_qps']:>12,.0f} queries/s")
    for p in r["peers"]:
        sample = "" if p["every"] == 1 else f" (every {p['every']}th interval)"
        print(
            f"  {p['name']:<25} {p['qps']:>12,.0f} queries/s -> ours {p['ratio']:,.1f} x faster"
            f" ({p['ratio_lo']:,.1f}-{p['ratio_hi']:,.1f}){sample}"
        )
        print(
            f"  {'':<25} same answer on {p['equal']:,} of {p['intervals']:,}; differs on"
            f" {p['differ_working_weekend']:,} spanning a transferred working Saturday (not"
            f" modelled), {p['differ_other']:,} otherwise"
        )
    print("  required: >= 50 x businesstime 0.3.0")
    print(f"  add_business_seconds      {r['ours_add_qps']:>12,.0f} queries/s")


def _print_compute(r: dict) -> None:
    print(
        f"\n(2) sla.compute over {r['requests']:,} synthetic requests (~10 changes, up to 90 days)"
    )
    print(
        f"  throughput                {r['requests_per_s']:>12,.0f} requests/s wall, one core"
        f" (chunks of 10 000: {r['chunk_lo']:,.0f}-{r['chunk_hi']:,.0f}); required: >= 30 000/s"
    )
    print(f"  per CPU second            {r['requests_per_cpu_s']:>12,.0f} requests/s")
    print(f"  wall time                 {r['seconds']:>12.2f} s")
    print(
        f"  RSS while streaming       {r['rss_first_mb']:>12.1f} MB after the first chunk, grew"
        f" {r['rss_growth_mb']:.1f} MB over the rest; process peak {r['peak_rss_mb']:.1f} MB"
    )
    print(
        f"  live Python blocks        {r['live_blocks_growth']:>+12,} after the first chunk"
        " (kept objects; RSS can grow from allocator fragmentation alone)"
    )


def main() -> int:
    """Run every benchmark section and print a table per section."""
    print(f"machine: {_machine()}")
    sections = sys.argv[1:] or ["calendar", "compute", "sync", "scale", "service"]
    if "calendar" in sections:
        _print_calendar(engine.calendar_vs_peers())
    if "compute" in sections:
        _print_compute(engine.compute_throughput())
    if "sync" in sections:
        from bench.sync import print_steady

        print_steady()
    if "scale" in sections:
        from bench.scale import print_scale

        print_scale()
    if "service" in sections:
        from bench import service

        print("\n(4)-(5) service: webhook -> write-back at 50 and 100 changes/s, queue intake")
        service.main(60.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
