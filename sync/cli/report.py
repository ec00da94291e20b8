"""`sla-sync report` and `explain --html`: argument handling around the pure report code.

The report reads each selected tracker (read-only), groups its rows per tracker when there
are several (and says so in the closing row), and speaks the regulation's words unless
`--lang en`. A what-if `--policy` file holds only what differs from the regulation.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from config.regulation import Regulation, load_regulation
from config.settings import Settings
from sla import Policy, PolicySet, SlaResult
from sync.binding import Binding
from sync.cli.common import err, load, now_of, regulation_of, words_of
from sync.cli.dates import accepted_forms, parse_when
from sync.cli.progress import Progress, count_reads
from sync.cli.report_open import add_open_arguments, assignee_report, run_open_report
from sync.composition import App, pick_trackers
from sync.errors import EXIT_FAILED, EXIT_OK, UsageError
from sync.report.aggregate import ClosedRequest, closed_requests, flips
from sync.report.collect import collect
from sync.report.render_html import explain_html, report_html
from sync.report.render_table import report_csv, report_table, whatif_table
from sync.report.words import Words

__all__ = ["add_parser", "cmd_report", "policy_named", "run_report", "write_explain_html"]


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `report` sub-command."""
    p = sub.add_parser(
        "report", parents=parents, help="SLA compliance of closed requests (read-only, what-if)"
    )
    add_report_arguments(p)
    p.set_defaults(func=cmd_report)


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `sla-sync report`."""
    p.add_argument("--since", help="first day (YYYY-MM-DD) or a time (not with --open)")
    p.add_argument("--until", help="last day, inclusive, or a time (exclusive; not with --open)")
    p.add_argument("--tracker", help="configured tracker name (default: all, grouped per tracker)")
    p.add_argument("--customer", help="only this customer (case-insensitive)")
    p.add_argument("--format", choices=["table", "csv", "html"], default="table")
    p.add_argument("--out", help="write to this file instead of standard output")
    p.add_argument(
        "--policy", help="what-if: a regulation file with only what differs (side by side)"
    )
    p.add_argument("--now", help="a date or time (default: now)")
    add_open_arguments(p)


def cmd_report(args: argparse.Namespace) -> int:
    """Compliance report of the requests closed in a window (read-only; what-if with --policy)."""
    settings = load(args)
    regulation = regulation_of(args, settings)
    if args.open:
        return run_open_report(args, settings, regulation, now_of(args, regulation))
    return run_report(args, settings, now_of(args, regulation))


def window_bound(text: str, policy: Policy, what: str, end: bool) -> datetime:
    """A day is a whole local day in the regulation's zone (`--until` inclusive); else a time."""
    return parse_when(text, what, policy.calendar.zone, end=end)


def run_report(
    args: argparse.Namespace,
    settings: Settings,
    now: datetime,
    bindings: list[Binding] | None = None,
) -> int:
    """Collect, aggregate and render; never writes to the tracker."""
    if not (args.since and args.until):
        raise UsageError("--since/--until", "both are needed (or --open for the open requests)")
    if getattr(args, "group", "customer") == "assignee" and args.policy:
        raise UsageError("--group assignee", "not with --policy (a what-if is per customer)")
    regulation = load_regulation(getattr(args, "regulation", None) or settings.regulation)
    words = words_of(args, regulation)
    default = regulation.policies.default
    since = window_bound(args.since, default, "--since", end=False)
    until = min(window_bound(args.until, default, "--until", end=True), now)
    if until <= since:
        raise UsageError(
            "--since/--until",
            f"the window must start before it ends (and before now); "
            f"dates are {accepted_forms(default.calendar.zone)}",
        )
    other_reg = load_regulation(args.policy, base=regulation) if args.policy else None
    if bindings is None:
        names = [t.name for t in pick_trackers(settings, args.tracker)]
        bindings = App(settings).bindings(names)  # read-only: the state store is not opened
    base: list[ClosedRequest] = []
    other: list[ClosedRequest] = []
    failed: list[tuple[str, str]] = []
    assignees: dict[tuple[str, str], str | None] = {}
    with Progress("reading") as progress:
        for b in bindings:
            progress.start(b.name)
            count_reads(b, lambda n, name=b.name: progress.read(name, n))
            got = collect([b], since, until)
            failed += [(f"{b.name} {k}", reason) for k, reason in got.failed]
            tag = b.name if len(bindings) > 1 else ""
            assignees.update({(tag, k): who for k, who in got.assignees.items()})
            base += closed_requests(
                got.timelines, regulation.policies, since, until, args.customer, tag
            )
            if other_reg is not None:
                other += closed_requests(
                    got.timelines, other_reg.policies, since, until, args.customer, tag
                )
    for key, reason in failed:
        err(f"skipped {key}: {reason}")
    if getattr(args, "group", "customer") == "assignee":
        title = (
            f"{words.h('SLA compliance, closed')} {since:%Y-%m-%d %H:%M} – {until:%Y-%m-%d %H:%M}"
        )
        text = assignee_report(base, assignees, words, title, args.format)
    else:
        text = _render(args, regulation, other_reg, base, other, since, until, words)
    _emit(text, args.out)
    return EXIT_FAILED if failed else EXIT_OK


def _render(
    args: argparse.Namespace,
    regulation: Regulation,
    other_reg: Regulation | None,
    base: list[ClosedRequest],
    other: list[ClosedRequest],
    since: datetime,
    until: datetime,
    words: Words,
) -> str:
    title = f"{words.h('SLA compliance, closed')} {since:%Y-%m-%d %H:%M} – {until:%Y-%m-%d %H:%M}"
    if args.customer:
        title += f", {words.h('customer')} {args.customer}"
    if other_reg is not None:
        names = _names(regulation, other_reg)
        flipped = flips(base, other)
        if args.format == "html":
            return report_html(base, title, words, (other, flipped, names))
        if args.format == "csv":
            return (
                report_csv(base, names[0], words)
                + report_csv(other, names[1], words).split("\n", 1)[1]
            )
        return f"{title}\n{whatif_table(base, other, flipped, names, words)}"
    if args.format == "html":
        return report_html(base, title, words)
    if args.format == "csv":
        return report_csv(base, name_of=words)
    return f"{title}\n{report_table(base, words)}"


def _names(base: Regulation, other: Regulation) -> tuple[str, str]:
    a, b = base.path.stem, other.path.stem
    return (a, b) if a != b else ("base", "what-if")


def _emit(text: str, out: str | None) -> None:
    if out:
        try:
            Path(out).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError("--out", f"cannot write {out}: {exc.strerror}") from None
        err(f"wrote {out}")
    else:
        print(text.rstrip("\n"))


def policy_named(policies: PolicySet, name: str) -> Policy:
    """The policy a result was computed with (its calendar draws the strip)."""
    for policy in (policies.default, *policies.by_customer.values()):
        if policy.name == name:
            return policy
    return policies.default


def write_explain_html(
    result: SlaResult, regulation: Regulation, out: str | None, words: Words | None = None
) -> None:
    """`explain --html`: the strip of one request, to a file or standard output."""
    policy = policy_named(regulation.policies, result.policy)
    _emit(explain_html(result, policy.calendar, words or regulation.name_of), out)
