"""`sla-sync sync`: the pre-flight, then one pass over each configured tracker.

The pre-flight is `check`'s: when it finds an error (a status the clock needs unmapped, a
profile name the tracker lacks, a write field missing or mistyped) nothing is written and the
exit code is 1. `--ignore-check` runs the pass anyway and says so; a field that cannot be
written is then reported as a failure, never skipped in silence.
"""

from __future__ import annotations

import argparse

from sync.cli.common import err, load
from sync.cli.progress import Progress, count_reads
from sync.composition import App, pick_trackers
from sync.errors import EXIT_FAILED, EXIT_OK
from sync.passes.outcome import PassReport
from sync.preflight import Preflight, preflight

__all__ = ["add_parser", "cmd_sync"]


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `sync` sub-command."""
    p = sub.add_parser(
        "sync", parents=parents, help="one pass: recompute changed issues and write back"
    )
    p.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    p.add_argument("--full", action="store_true", help="ignore the cursor: every issue in scope")
    p.add_argument("--tracker", help="only this configured tracker (default: all of them)")
    p.add_argument(
        "--ignore-check",
        action="store_true",
        help="run the pass even when the pre-flight check finds errors (exit code 1)",
    )
    p.set_defaults(func=cmd_sync)


def cmd_sync(args: argparse.Namespace) -> int:
    """Pre-flight every selected tracker, then one pass over each."""
    settings = load(args)
    names = [t.name for t in pick_trackers(settings, args.tracker)]
    app = App(settings)
    try:
        if settings.state_url is not None or settings.state_path.exists():
            # An unusable or busy store says so before any tracker request (a SQLite file not
            # there yet is created by the pass; a PostgreSQL store must be reachable now).
            _ = app.store
        esc = app.regulation.escalations
        checks = [
            preflight(b, app.regulation.policies, notifications=False, escalations=esc)
            for b in app.bindings(names)
        ]
        if not _preflight_passes(checks, args.ignore_check):
            return EXIT_FAILED
        failed = sum(len(c.unwritable) for c in checks)
        verb = "planning" if args.dry_run else "syncing"
        with Progress(verb) as progress:
            app_runners = app.runners(names)
            for runner in app_runners:
                count_reads(runner.b, lambda n, name=runner.b.name: progress.read(name, n))
                runner.on_issue = progress.issue
            for runner, check in zip(app_runners, checks, strict=True):
                progress.start(runner.b.name)
                report = runner.sync_since(full=args.full, dry_run=args.dry_run)
                # Then the sweep, as `run` does between passes: a deadline or an at-risk point
                # that passes on an untouched request is flagged by cron too.
                swept = runner.sweep(dry_run=args.dry_run)
                seen = {o.key for o in report.issues}
                report.issues += [o for o in swept.issues if o.key not in seen]
                _print_report(report, args.dry_run, check, progress.elapsed(runner.b.name))
                failed += len(report.failed)
    finally:
        app.close()
    return EXIT_FAILED if failed else EXIT_OK


def _preflight_passes(checks: list[Preflight], ignore: bool) -> bool:
    errors = [(c.tracker, row) for c in checks for row in c.errors]
    if not errors:
        return True
    for tracker, (_, what, detail) in errors:
        err(f"pre-flight {tracker}: {what}: {detail}")
    n = len(errors)
    if not ignore:
        err(
            f"sla-sync: nothing written: the pre-flight check found {n} error(s) above; fix them "
            "(`sla-sync check` shows everything) or run with --ignore-check"
        )
        return False
    err(
        f"sla-sync: --ignore-check: running despite {n} pre-flight error(s); the exit code "
        "will be 1, and fields that cannot be written are listed as failures"
    )
    return True


def _print_report(report: PassReport, dry_run: bool, check: Preflight, seconds: float) -> None:
    name = report.tracker
    for o in report.issues:
        if o.outcome == "failed":
            err(f"FAILED {name} {o.key}: {o.error}")
        elif dry_run and o.changes:
            print(f"{o.key}:")
            for line in o.changes:
                print(f"  {line}")
    for key in check.unwritable:
        err(f"FAILED {name} {key}: the field is missing in the tracker; nothing was written to it")
    verb = "would write" if dry_run else "wrote"
    changed = sum(1 for o in report.issues if o.changes)
    failed = len(report.failed) + len(check.unwritable)
    print(
        f"{name}: {len(report.issues)} issues, {verb} {changed}, failed {failed} ({seconds:.1f} s)"
    )
