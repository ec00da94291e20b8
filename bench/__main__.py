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


def main() -> int:
    """Run every benchmark section and print a table per section."""
    print(f"machine: {_machine()}")
    sections = sys.argv[1:] or ["calendar", "compute", "sync", "scale", "service"]
    if "calendar" in sections:
        r = engine.calendar_vs_businesstime()
        print(
            "\n(1) business-seconds queries, same 100 000 intervals (up to 90 days), same process"
        )
        print(f"  sla.BusinessCalendar      {r['ours_qps']:>12,.0f} queries/s")
        print(f"  businesstime 0.3.0        {r['businesstime_qps']:>12,.0f} queries/s")
        print(f"  ratio                     {r['ratio']:>12,.1f} x faster (required: >= 30 x)")
        print(f"  add_business_seconds      {r['ours_add_qps']:>12,.0f} queries/s")
    if "compute" in sections:
        r = engine.compute_throughput()
        print("\n(2) sla.compute over 100 000 synthetic requests (~10 changes, up to 90 days)")
        print(
            f"  throughput                {r['requests_per_s']:>12,.0f} requests/s (one core; "
            "required: >= 10 000/s)"
        )
        print(f"  wall time                 {r['seconds']:>12.2f} s")
        print(
            f"  peak RSS                  {r['peak_rss_mb']:>12.1f} MB (growth while streaming: "
            f"{r['rss_growth_mb']:.1f} MB; required: < 200 MB)"
        )
    if "sync" in sections:
        from bench.sync import print_steady

        print_steady()
    if "scale" in sections:
        from bench.scale import print_scale

        print_scale()
    if "service" in sections:
        from bench import service

        print("\n(4) service: webhook -> write-back at 50 changes/s for 60 s, queue intake")
        service.main(60.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
