"""`sla-sync report` and `explain --html`: argument handling around the pure report code."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from config.regulation import Regulation, load_regulation
from config.settings import Settings
from mappings.plain import parse_instant
from sla import ConfigError, Policy, PolicySet, SlaResult
from sync.binding import Binding, connect
from sync.cli.report_open import add_open_arguments, assignee_report, run_open_report
from sync.report.aggregate import closed_requests, flips
from sync.report.collect import collect
from sync.report.render_html import explain_html, report_html
from sync.report.render_table import report_csv, report_table, whatif_table

EXIT_OK, EXIT_FAILED = 0, 1


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `sla-sync report`."""
    p.add_argument("--since", help="first day (YYYY-MM-DD) or ISO instant (not with --open)")
    p.add_argument("--until", help="last day, inclusive, or ISO instant (excl.; not with --open)")
    p.add_argument("--tracker", help="configured tracker name (default: all of them)")
    p.add_argument("--customer", help="only this customer (case-insensitive)")
    p.add_argument("--format", choices=["table", "csv", "html"], default="table")
    p.add_argument("--out", help="write to this file instead of standard output")
    p.add_argument("--policy", help="what-if: another regulation YAML, compared side by side")
    p.add_argument("--now", help="ISO-8601 instant with offset (default: now)")
    add_open_arguments(p)


def window_bound(text: str, policy: Policy, what: str, end: bool) -> datetime:
    """A date is a whole local day in the regulation's zone (`--until` inclusive); else ISO."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None:
        instant = parse_instant(text, what)
        if instant.utcoffset() is None:
            raise ConfigError(what, "", "YYYY-MM-DD or an ISO-8601 instant with offset", text)
        return instant
    start = datetime(day.year, day.month, day.day, tzinfo=policy.calendar.zone)
    return start + timedelta(days=1) if end else start


def _bindings(settings: Settings, tracker: str | None) -> list[Binding]:
    configs = [t for t in settings.all_trackers() if tracker in (None, t.name)]
    if not configs:
        names = ", ".join(t.name for t in settings.all_trackers()) or "none configured"
        raise ConfigError("settings", "trackers", f"a tracker name ({names})", tracker)
    return [connect(cfg, settings.retry) for cfg in configs]


def run_report(
    args: argparse.Namespace,
    settings: Settings,
    now: datetime,
    bindings: list[Binding] | None = None,
) -> int:
    """Collect, aggregate and render; never writes to the tracker."""
    if args.open:
        return run_open_report(args, settings, now)
    if not (args.since and args.until):
        raise ConfigError("report", "--since/--until", "both (or --open for open requests)")
    regulation = load_regulation(settings.regulation)
    default = regulation.policies.default
    since = window_bound(args.since, default, "--since", end=False)
    until = min(window_bound(args.until, default, "--until", end=True), now)
    if until <= since:
        raise ConfigError("--since/--until", "", "a window that starts before it ends (and now)")
    got = collect(bindings or _bindings(settings, args.tracker), since, until)
    for key, reason in got.failed:
        print(f"skipped {key}: {reason}", file=sys.stderr)
    base = closed_requests(got.timelines, regulation.policies, since, until, args.customer)
    title = f"SLA compliance, closed {since:%Y-%m-%d %H:%M} – {until:%Y-%m-%d %H:%M}"
    if args.customer:
        title += f", customer {args.customer}"
    if args.group == "assignee":
        if args.policy:
            raise ConfigError("report", "--group assignee", "no --policy (what-if is per customer)")
        text = assignee_report(base, got.assignees, regulation, title, args.format)
    elif args.policy:
        other_reg = load_regulation(args.policy)
        other = closed_requests(got.timelines, other_reg.policies, since, until, args.customer)
        names = _names(regulation, other_reg)
        flipped = flips(base, other)
        if args.format == "html":
            text = report_html(base, title, regulation.name_of, (other, flipped, names))
        elif args.format == "csv":
            text = report_csv(base, names[0]) + report_csv(other, names[1]).split("\n", 1)[1]
        else:
            text = f"{title}\n{whatif_table(base, other, flipped, names, regulation.name_of)}"
    elif args.format == "html":
        text = report_html(base, title, regulation.name_of)
    elif args.format == "csv":
        text = report_csv(base)
    else:
        text = f"{title}\n{report_table(base, regulation.name_of)}"
    _emit(text, args.out)
    return EXIT_FAILED if got.failed else EXIT_OK


def _names(base: Regulation, other: Regulation) -> tuple[str, str]:
    a, b = base.path.stem, other.path.stem
    return (a, b) if a != b else ("base", "what-if")


def _emit(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    else:
        print(text.rstrip("\n"))


def policy_named(policies: PolicySet, name: str) -> Policy:
    """The policy a result was computed with (its calendar draws the strip)."""
    for policy in (policies.default, *policies.by_customer.values()):
        if policy.name == name:
            return policy
    return policies.default


def write_explain_html(result: SlaResult, regulation: Regulation, out: str | None) -> None:
    """`explain --html`: the strip of one request, to a file or standard output."""
    policy = policy_named(regulation.policies, result.policy)
    _emit(explain_html(result, policy.calendar, regulation.name_of), out)
