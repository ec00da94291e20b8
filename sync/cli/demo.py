"""`sla-sync demo`: the main job against sandbox trackers on 127.0.0.1, in seconds.

Starts a sandbox Jira and a sandbox YouTrack seeded with the same 50 requests, runs a full
pass against each with the real adapters over HTTP and a throw-away state store, prints the
SLA table and what was written, then a second pass that writes nothing.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import timedelta
from pathlib import Path

from config.settings import Settings, TrackerSettings
from sandbox import start_sandbox
from sync import registry
from sync.composition import App
from sync.logs import configure_logging
from sync.passes.outcome import PassReport
from sync.registry import TrackerKind
from sync.report import render_text as render
from sync.report.words import Words

SHOWN_WRITES = 6
# The request the closing hints explain: a High request that waited for the user and breached.
EXPLAINED = "SUP-16"


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `demo` sub-command."""
    p = sub.add_parser("demo", parents=parents, help="the whole job against local sandbox trackers")
    p.add_argument(
        "--out",
        default="sla-sync-demo",
        help="directory for the HTML files (default: ./sla-sync-demo)",
    )
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """The whole job against the sandbox trackers: no account, no network."""
    from config.regulation import load_regulation
    from sync.cli.common import words_of

    regulation = getattr(args, "regulation", None)
    words = words_of(args, load_regulation(regulation))
    return run_demo(regulation_path=regulation, words=words, out=Path(args.out))


def run_demo(
    regulation_path: str | None = None,
    scenario: str = "demo",
    words: Words | None = None,
    out: Path | None = None,
) -> int:
    """Run the job on both sandbox trackers; exit 1 if anything failed or pass 2 wrote."""
    configure_logging("console", "warning")
    if words is None:
        from config.regulation import load_regulation
        from sync.report.words import words_for

        words = words_for(load_regulation(regulation_path))
    figures: dict[str, dict[str, object]] = {}
    ok = True
    kinds = [k for k in registry.all_kinds() if k.sandbox]
    with tempfile.TemporaryDirectory(prefix="sla-sync-demo-") as tmp:
        for kind in kinds:
            with start_sandbox(tracker=kind.name, scenario=scenario) as sb:
                ok &= _one(sb, kind, Path(tmp), regulation_path, figures, words)
                if kind is kinds[0] and out is not None:
                    html = _html_files(sb, kind, Path(tmp), regulation_path, out, words)
    first = figures[kinds[0].name]
    same = all(f == first for f in figures.values())
    print(
        f"\n{' and '.join(k.title for k in kinds)} give identical SLA figures for all "
        f"{len(first)} requests: {'yes' if same else 'NO'}"
    )
    if out is not None:
        _where_next(html, kinds)
    return 0 if ok and same else 1


def _html_files(sb, kind, tmp: Path, regulation, out: Path, words: Words) -> list[Path]:
    """The month's compliance report, one request's strip and the live view of the open
    requests (as `report --open --format html` renders it), as HTML files in `out`."""
    from sync.cli.report import policy_named
    from sync.report.aggregate import closed_requests
    from sync.report.collect import collect
    from sync.report.live_model import Tracker, build
    from sync.report.render_html import explain_html, report_html
    from sync.report.render_live import live_page

    # The store of the demo's passes: the live view reads what they recorded.
    app = _app(sb, kind, tmp / f"{kind.name}.sqlite3", regulation)
    (b,) = app.bindings()
    since = sb.now - timedelta(days=31)
    got = collect([b], since, sb.now)
    closed = closed_requests(got.timelines, app.regulation.policies, since, sb.now)
    title = f"{words.h('SLA compliance, closed')} {since:%Y-%m-%d} – {sb.now:%Y-%m-%d %H:%M}"
    out.mkdir(parents=True, exist_ok=True)
    report = out / "report.html"
    report.write_text(report_html(closed, title, words), encoding="utf-8")
    result = app.runner().explain(EXPLAINED)
    policy = policy_named(app.regulation.policies, result.policy)
    strip = out / f"{EXPLAINED}.html"
    strip.write_text(explain_html(result, policy.calendar, words), encoding="utf-8")
    trackers = [Tracker(b.name, sb.url, kind.issue_url)]
    model = build(app.store.live(), app.regulation, trackers, sb.now)
    live = out / "live.html"
    live.write_text(live_page(model, app.regulation.name_of, details=False), encoding="utf-8")
    app.close()
    return [report, strip, live]


def _where_next(html: list[Path], kinds: list[TrackerKind]) -> None:
    print("\nWhere to look next:")
    for path in html:
        print(f"  {path.resolve()}")
    print("  sla-sync sandbox --port 8080        # a sandbox Jira that stays up, then in another")
    print("                                      # terminal the `sla-sync init …` line it prints")
    print("  # then, with the sla-sync.yaml init wrote:")
    print(f"  sla-sync check && sla-sync sync --dry-run && sla-sync explain {EXPLAINED}")
    print("  sla-sync report --since 2026-11-01 --until 2026-11-30")
    print("  sla-sync report --since 2026-11-01 --until 2026-11-30 --policy examples/high20.yaml")
    print("  sla-sync report --open              # the open requests by time left (live.html)")
    print("  SLA_SYNC_SERVICE__LIVE_VIEW_TOKEN=$(openssl rand -hex 24) sla-sync run")
    print("                                      # the service; /live is that page, kept current")


def _app(sb, kind: TrackerKind, state: Path, regulation: str | None) -> App:
    assert kind.sandbox is not None
    cfg = TrackerSettings(name=f"sandbox-{kind.name}", kind=kind.name, **kind.sandbox.settings(sb))
    settings = Settings(
        regulation=regulation, state_path=state, trackers=[cfg], closed_lookback_days=None
    )
    return App(settings, clock=lambda: sb.now)


def _one(
    sb, kind: TrackerKind, tmp: Path, regulation: str | None, figures: dict, words: Words
) -> bool:
    app = _app(sb, kind, tmp / f"{kind.name}.sqlite3", regulation)
    runner = app.runner()
    print(
        f"\n=== sandbox {kind.title} ({sb.mode}) at {sb.url} — scenario "
        f"'{sb.state.scenario.name}', now = {sb.now.isoformat()} ===\n"
    )
    first = runner.sync_since(keep_results=True)
    results = sorted((o.result for o in first.issues if o.result), key=lambda r: _order(r.key))
    figures[kind.name] = {r.key: render.result_json(r) for r in results}
    print(render.sla_table(results, words))
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
