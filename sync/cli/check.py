"""`sla-sync check`: the pre-flight of each configured tracker, as a table; nothing is written.

Exit 0 when nothing is an error (warnings are shown, not counted), 1 when something is: the
same errors make `sla-sync sync` stop before writing. The state store is not opened.
"""

from __future__ import annotations

import argparse

from sync.cli.common import load, now_of
from sync.composition import App, pick_trackers
from sync.errors import EXIT_FAILED, EXIT_OK
from sync.preflight import HEADERS, calendar_rows, preflight
from sync.preflight_escalations import escalation_rows
from sync.report.render_text import table

__all__ = ["add_parser", "cmd_check"]


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `check` sub-command."""
    p = sub.add_parser(
        "check", parents=parents, help="connection, auth and the profile against the tracker"
    )
    p.add_argument("--create-fields", action="store_true", help="create missing SLA fields")
    p.add_argument("--tracker", help="only this configured tracker (default: all of them)")
    p.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    """Print each tracker's findings and the calendar's coverage; 1 if anything is an error."""
    settings = load(args)
    names = [t.name for t in pick_trackers(settings, args.tracker)]
    app = App(settings)
    errors = warnings = 0
    try:
        for b in app.bindings(names):
            found = preflight(
                b,
                app.regulation.policies,
                create_fields=args.create_fields,
                escalations=app.regulation.escalations,
            )
            print(f"{b.name} ({b.kind.title}, profile {b.profile.source})")
            print(table(HEADERS, found.rows))
            print()
            errors += len(found.errors)
            warnings += sum(1 for r in found.rows if r[0] == "warning")
    finally:
        app.close()
    rows = calendar_rows(app.regulation.policies, now_of(args, app.regulation))
    rows += escalation_rows(app.regulation.escalations, settings.smtp.host)
    print(table(HEADERS, rows))
    warnings += sum(1 for r in rows if r[0] == "warning")
    if errors:
        print(
            f"check: {errors} error(s), {warnings} warning(s): `sla-sync sync` will not write "
            "until the errors are fixed"
        )
        return EXIT_FAILED
    print(f"check passed ({warnings} warning(s)); next: `sla-sync sync --dry-run`")
    return EXIT_OK
