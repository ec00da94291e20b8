"""`sla-sync explain`: one request's SLA, from the tracker (read-only) or from a saved file.

With several trackers configured, `explain KEY` finds the tracker by the key: first among the
trackers whose scope names the key's project, then by asking each of them; `--tracker` is
needed only when the key exists in more than one. The state store is opened only when the
regulation has escalation rules on (to show which ones fired).
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime

from config.regulation import Regulation
from config.settings import Settings
from mappings.raw import RawIssue
from sync import registry
from sync.binding import Binding
from sync.cli.common import err, load, now_of, regulation_of, words_of
from sync.composition import App, pick_trackers
from sync.errors import EXIT_OK, FatalTrackerError, UsageError
from sync.passes.decide import evaluate
from sync.report import render_text as render
from sync.report.words import Words

__all__ = ["add_parser", "cmd_explain"]


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `explain` sub-command."""
    p = sub.add_parser(
        "explain", parents=parents, help="explain one issue's SLA (segments and totals)"
    )
    p.add_argument("key", nargs="?", help="issue key, read from the configured tracker")
    p.add_argument("--file", help="offline: a saved issue (Jira issue?expand=changelog,names)")
    p.add_argument(
        "--tracker",
        help="configured tracker name (needed only when the key is in several), "
        "or jira|youtrack with --file",
    )
    p.add_argument("--profile", help="mapping profile for --file (default: the shipped one)")
    p.add_argument("--now", help="a date or time (default: now); e.g. 2026-11-18T15:00+03:00")
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON object")
    form.add_argument("--html", action="store_true", help="a self-contained HTML timeline strip")
    p.add_argument("--out", help="with --html: write to this file (default: standard output)")
    p.set_defaults(func=cmd_explain)


def cmd_explain(args: argparse.Namespace) -> int:
    """Explain one issue's SLA: from the tracker, or offline from a saved file."""
    escalation_lines: list[str] = []
    if args.file:
        regulation = regulation_of(args)
        now = now_of(args, regulation)
        result = _explain_file(args, regulation, now)
    else:
        if not args.key:
            raise UsageError("explain", "give an issue key (explain SUP-123) or --file PATH")
        settings = load(args)
        regulation = regulation_of(args, settings)
        now = now_of(args, regulation)
        app = App(settings, clock=lambda: now)
        try:
            b, raw = _find(app, settings, args.key, args.tracker)
            if any(rule.enabled for rule in regulation.escalations):
                result, escalation_lines = app.runner(b.name).explain_with_escalations(args.key)
            else:
                ev = evaluate(raw, b, regulation, now)
                for warning in ev.mapped.warnings:
                    err(f"warning: {warning}")
                result = ev.result
        finally:
            app.close()
    words = words_of(args, regulation)
    if args.html:
        from sync.cli.report import write_explain_html

        write_explain_html(result, regulation, args.out, words)
    elif args.json:
        print(json.dumps(render.result_json(result, words), ensure_ascii=False, indent=2))
    else:
        _print_text(result, regulation, words)
        for line in escalation_lines:
            print(line)
    return EXIT_OK


def _print_text(result, regulation: Regulation, words: Words) -> None:
    from sync.cli.report import policy_named

    calendar = policy_named(regulation.policies, result.policy).calendar
    print(render.explain_text(result, words))
    for line in render.calendar_notes(result, calendar):
        print(line)


def _find(app: App, settings: Settings, key: str, name: str | None) -> tuple[Binding, RawIssue]:
    """The tracker that has `key` (the named one, the only one, or the one that answers)."""
    configured = pick_trackers(settings, name)
    if len(configured) > 1:
        project = key.rpartition("-")[0]
        named = [t for t in configured if _names_project(t.scope, t.project, project)]
        configured = named or configured
    found: list[tuple[Binding, RawIssue]] = []
    missing: FatalTrackerError | None = None
    for b in app.bindings([t.name for t in configured]):
        b.refresh_catalog()
        try:
            found.append((b, b.tracker.fetch(key, b.read_field_ids(), b.history_field_ids())))
        except FatalTrackerError as exc:
            if len(configured) == 1 or exc.status != 404:
                raise
            missing = exc
    if len(found) > 1:
        names = ", ".join(b.name for b, _ in found)
        raise UsageError("--tracker", f"{key} is in several trackers ({names}); name one")
    if not found:
        where = ", ".join(t.name for t in configured)
        raise FatalTrackerError(f"no configured tracker ({where}) has {key}: {missing}")
    return found[0]


def _names_project(scope: str, project: str | None, wanted: str) -> bool:
    if not wanted:
        return False
    if project and project.casefold() == wanted.casefold():
        return True
    return re.search(rf"(?<![\w-]){re.escape(wanted)}(?![\w-])", scope, re.IGNORECASE) is not None


def _explain_file(args: argparse.Namespace, regulation: Regulation, now: datetime):
    from mappings.profile import load_profile
    from mappings.settle import settle
    from sla import compute
    from sync.adapters.issue_files import read_issue_file

    kind = registry.get(args.tracker or "jira", "explain", "--tracker")
    raw = read_issue_file(args.file, kind.name)
    profile = load_profile(args.profile or kind.default_profile)
    mapped = kind.mapping.map_issue(raw, profile, ())
    policy = regulation.policies.for_customer(mapped.timeline.customer)
    mapped = settle(mapped, policy, now)
    for warning in mapped.warnings:
        err(f"warning: {warning}")
    return compute(mapped.timeline, policy, now)
