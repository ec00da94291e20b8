"""`sla-sync demo`: the main job against sandbox trackers on 127.0.0.1, in seconds.

Starts a sandbox Jira and a sandbox YouTrack seeded with the same 50 requests, runs a full
pass against each with the real adapters over HTTP and a throw-away state store, prints the
SLA table and what was written, then a second pass that writes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from config.settings import Settings, TrackerSettings
from sandbox import start_sandbox
from sync import registry
from sync.composition import App
from sync.logs import configure_logging
from sync.passes.outcome import PassReport
from sync.registry import TrackerKind
from sync.report import render_text as render

SHOWN_WRITES = 6


def run_demo(regulation_path: str | None = None, scenario: str = "demo") -> int:
    """Run the job on both sandbox trackers; exit 1 if anything failed or pass 2 wrote."""
    configure_logging("console", "warning")
    figures: dict[str, dict[str, object]] = {}
    ok = True
    kinds = [k for k in registry.all_kinds() if k.sandbox]
    with tempfile.TemporaryDirectory(prefix="sla-sync-demo-") as tmp:
        for kind in kinds:
            with start_sandbox(tracker=kind.name, scenario=scenario) as sb:
                ok &= _one(sb, kind, Path(tmp), regulation_path, figures)
    first = figures[kinds[0].name]
    same = all(f == first for f in figures.values())
    print(
        f"\n{' and '.join(k.title for k in kinds)} give identical SLA figures for all "
        f"{len(first)} requests: {'yes' if same else 'NO'}"
    )
    return 0 if ok and same else 1


def _one(sb, kind: TrackerKind, tmp: Path, regulation: str | None, figures: dict) -> bool:
    assert kind.sandbox is not None
    cfg = TrackerSettings(name=f"sandbox-{kind.name}", kind=kind.name, **kind.sandbox.settings(sb))
    settings = Settings(
        regulation=regulation,
        state_path=tmp / f"{kind.name}.sqlite3",
        trackers=[cfg],
        closed_lookback_days=None,
    )
    app = App(settings, clock=lambda: sb.now)
    runner = app.runner()
    print(
        f"\n=== sandbox {kind.title} ({sb.mode}) at {sb.url} — scenario "
        f"'{sb.state.scenario.name}', now = {sb.now.isoformat()} ===\n"
    )
    first = runner.sync_since(keep_results=True)
    results = sorted((o.result for o in first.issues if o.result), key=lambda r: _order(r.key))
    figures[kind.name] = {r.key: render.result_json(r) for r in results}
    print(render.sla_table(results))
    _print_writes("Pass 1", first)
    second = runner.sync_since()
    print(
        f"Pass 2 (nothing changed in the tracker): {len(second.issues)} issues read again, "
        f"wrote {second.writes}"
    )
    app.close()
    return not first.failed and second.writes == 0


def _print_writes(title: str, report: PassReport) -> None:
    written = sorted(
        (o for o in report.issues if o.outcome == "written"), key=lambda o: _order(o.key)
    )
    changes = sum(len(o.changes) for o in written)
    print(
        f"\n{title}: {len(report.issues)} issues, wrote {len(written)} "
        f"({changes} field changes), failed {len(report.failed)}"
    )
    for o in written[:SHOWN_WRITES]:
        print(f"  {o.key}: " + "; ".join(o.changes))
    if len(written) > SHOWN_WRITES:
        print(f"  … and {len(written) - SHOWN_WRITES} more")
    for o in report.failed:
        print(f"  FAILED {o.key}: {o.error}")


def _order(key: str) -> tuple[str, int]:
    prefix, _, num = key.rpartition("-")
    return prefix, int(num) if num.isdigit() else 0
