"""`sla-sync report --open`: the live view's snapshot on the command line (table, CSV, HTML).

Read from the state store the pass keeps (never from the tracker): the open requests as of
`--now`, least time left first (or per assignee with `--group assignee`), filtered like the
page, and this month's compliance against last month. Also the `--group assignee` variant of
the closed-requests report.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from config.regulation import Regulation
from config.settings import Settings
from sync import registry
from sync.adapters.store_port import open_store
from sync.composition import pick_trackers
from sync.errors import UsageError
from sync.report.aggregate import ClosedRequest
from sync.report.by_assignee import (
    by_assignee,
    csv_by_assignee,
    html_by_assignee,
    table_by_assignee,
)
from sync.report.live_model import Filters, Tracker, build
from sync.report.render_live import live_page
from sync.report.render_live_text import live_csv, live_table
from sync.report.words import Words

__all__ = ["add_open_arguments", "assignee_report", "run_open_report"]


def add_open_arguments(p: argparse.ArgumentParser) -> None:
    """`--open`, `--group` and the filters only `--open` has."""
    p.add_argument(
        "--open",
        action="store_true",
        help="open requests now, from the state store (the live view's snapshot)",
    )
    p.add_argument(
        "--group",
        choices=["customer", "assignee"],
        default="customer",
        help="rows per customer (default) or per assignee",
    )
    p.add_argument("--priority", help="with --open: only this priority (code or name)")
    p.add_argument("--line", help="with --open: only this support line (1-2, 3 or its name)")
    p.add_argument("--assignee", help="with --open: only this assignee (their name)")


def run_open_report(
    args: argparse.Namespace, settings: Settings, regulation: Regulation, now: datetime
) -> int:
    """Render the snapshot of open requests; 0, or a UsageError when there is none yet."""
    for option in ("since", "until", "policy"):
        if getattr(args, option, None):
            raise UsageError(f"--{option}", "not with --open (the open requests are as of now)")
    path = Path(settings.state_path)
    if settings.state_url is None and not path.is_file():
        raise UsageError(
            f"state_path {path}",
            "no state store yet: run `sla-sync sync` (or `sla-sync run`) first",
        )
    trackers = [
        Tracker(t.name, t.url, registry.get(t.kind).issue_url)
        for t in pick_trackers(settings, args.tracker)
    ]
    filters = Filters(
        customer=args.customer, priority=args.priority, line=args.line, assignee=args.assignee
    )
    store = open_store(settings)
    try:
        model = build(store.live(), regulation, trackers, now, filters)
    finally:
        store.close()
    group = "assignee" if args.group == "assignee" else None
    if args.format == "html":
        text = live_page(model, regulation.name_of, details=False, group=group)
    elif args.format == "csv":
        text = live_csv(model, group)
    else:
        text = live_table(model, regulation.name_of, group)
    emit(text, args.out)
    return 0


def assignee_report(
    requests: Sequence[ClosedRequest],
    assignees: Mapping[tuple[str, str], str | None],
    words: Words,
    title: str,
    fmt: str,
) -> str:
    """The closed-requests report per assignee (`report --group assignee`)."""
    mine = by_assignee(requests, assignees)
    if fmt == "html":
        return html_by_assignee(mine, title, words)
    if fmt == "csv":
        return csv_by_assignee(mine, words)
    return f"{title}\n{table_by_assignee(mine, words)}"


def emit(text: str, out: str | None) -> None:
    """To a file (saying so on stderr) or to standard output."""
    if out:
        try:
            Path(out).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError("--out", f"cannot write {out}: {exc.strerror}") from None
        print(f"wrote {out}", file=sys.stderr)
    else:
        print(text.rstrip("\n"))
