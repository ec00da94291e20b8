"""The `sla-sync` command line: one entry point, settings built once, exit codes 0/1/2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import yaml

from config.regulation import load_regulation
from config.settings import Settings, load_settings
from mappings.plain import parse_instant, plain_timeline
from sla import ConfigError, SlaError, compute
from sync import registry
from sync.errors import (
    EXIT_BUSY,
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_LISTEN,
    EXIT_OK,
    EXIT_STORE,
    FatalTrackerError,
    ListenError,
    RetriableTrackerError,
    StoreBusyError,
    StoreError,
)
from sync.report import render_text as render


def _now(args: argparse.Namespace) -> datetime:
    if getattr(args, "now", None):
        now = parse_instant(args.now, "--now")
        if now.utcoffset() is None:
            raise ConfigError("--now", "", "an ISO-8601 instant with a UTC offset", args.now)
        return now
    return datetime.now(UTC)


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config, check_tracker=registry.settings_problem)
    if args.regulation:
        settings.regulation = Path(args.regulation)
    from sync.logs import configure_logging

    configure_logging(settings.log_format, settings.log_level, settings.secrets())
    return settings


def cmd_example(args: argparse.Namespace) -> int:
    """Print the SLA table of requests written in the regulation's terms."""
    path = Path(args.file)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(path, "", "a readable YAML file of requests", str(exc)) from None
    regulation = load_regulation(args.regulation)
    if not args.now and data.get("now"):
        args.now = str(data["now"])
    now = _now(args)
    results, failed = [], 0
    for item in data.get("requests") or ():
        try:
            timeline = plain_timeline(item)
            policy = regulation.policies.for_customer(timeline.customer)
            results.append(compute(timeline, policy, now))
        except SlaError as exc:
            failed += 1
            print(f"error: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps([render.result_json(r) for r in results], ensure_ascii=False, indent=2))
    else:
        print(f"SLA at {now.isoformat()} — {path}")
        print(render.sla_table(results))
    return EXIT_FAILED if failed else EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    """One pass over every configured tracker."""
    from sync.composition import App

    app = App(_settings(args))
    if not app.settings.all_trackers():
        raise ConfigError(
            "settings",
            "trackers",
            "at least one tracker (--config FILE or SLA_SYNC_JIRA__URL / __EMAIL / __TOKEN)",
        )
    failed = 0
    for runner in app.runners():
        report = runner.sync_since(full=args.full, dry_run=args.dry_run)
        for o in report.issues:
            if o.outcome == "failed":
                print(f"FAILED {runner.b.name} {o.key}: {o.error}", file=sys.stderr)
            elif args.dry_run and o.changes:
                print(f"{o.key}:")
                for line in o.changes:
                    print(f"  {line}")
        failed += len(report.failed)
        verb = "would write" if args.dry_run else "wrote"
        changed = sum(1 for o in report.issues if o.changes)
        print(
            f"{runner.b.name}: {len(report.issues)} issues, {verb} {changed}, "
            f"failed {len(report.failed)}"
        )
    app.close()
    return EXIT_FAILED if failed else EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    """Explain one issue's SLA: from the tracker, or offline from a saved file."""
    regulation = load_regulation(args.regulation)
    now = _now(args)
    if args.file:
        result = _explain_file(args, regulation, now)
    else:
        if not args.key:
            raise ConfigError("explain", "KEY", "an issue key, or --file PATH")
        from sync.composition import App

        app = App(_settings(args), clock=lambda: now)
        runner = app.runner(args.tracker)
        result = runner.explain(args.key)
        app.close()
    if getattr(args, "html", False):
        from sync.cli.report import write_explain_html

        write_explain_html(result, regulation, args.out)
    elif args.json:
        print(json.dumps(render.result_json(result), ensure_ascii=False, indent=2))
    else:
        from sync.cli.report import policy_named

        calendar = policy_named(regulation.policies, result.policy).calendar
        print(render.explain_text(result))
        for line in render.calendar_notes(result, calendar):
            print(line)
    return EXIT_OK


def _explain_file(args: argparse.Namespace, regulation, now: datetime):
    from mappings.profile import load_profile
    from sync.adapters.issue_files import read_issue_file

    kind = registry.get(args.tracker or "jira", "explain", "--tracker")
    raw = read_issue_file(args.file, kind.name)
    profile = load_profile(args.profile or kind.default_profile)
    from mappings.settle import settle

    mapped = kind.mapping.map_issue(raw, profile, ())
    policy = regulation.policies.for_customer(mapped.timeline.customer)
    mapped = settle(mapped, policy, now)
    for warning in mapped.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return compute(mapped.timeline, policy, now)


def cmd_report(args: argparse.Namespace) -> int:
    """Compliance report of the requests closed in a window (read-only; what-if with --policy)."""
    from sync.cli.report import run_report

    return run_report(args, _settings(args), _now(args))


def cmd_check(args: argparse.Namespace) -> int:
    """Connectivity, auth and the mapping profile against the live tracker."""
    from sync.composition import App
    from sync.preflight import calendar_rows, run_check
    from sync.report.render_text import table

    app = App(_settings(args))
    ok = all(run_check(b, create_fields=args.create_fields) for b in app.bindings())
    if rows := calendar_rows(app.regulation.policies, _now(args)):
        print(table(("severity", "what", "detail"), rows))
    app.close()
    return EXIT_OK if ok else EXIT_FAILED


def cmd_run(args: argparse.Namespace) -> int:
    """The long-running service: webhooks, schedule, queue, /healthz, /metrics."""
    from sync.service import Runtime

    settings = _settings(args)
    if args.host:
        settings.service.host = args.host
    if args.port is not None:
        settings.service.port = args.port
    frozen = _now(args) if args.now else None
    runtime = Runtime(settings, clock=(lambda: frozen) if frozen else _utc_now)
    return runtime.serve()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def cmd_webhook_register(args: argparse.Namespace) -> int:
    """Point the tracker's webhook at this service (Jira: an admin webhook)."""
    from sync.composition import App
    from sync.errors import UnsupportedError

    app = App(_settings(args))
    try:
        b = app.runner(args.tracker).b
        intake = b.kind.webhook
        if intake is None:
            raise ConfigError("webhook register", "--tracker", "a tracker that sends webhooks")
        secret = getattr(app.settings.service, intake.secret_setting)
        if secret is None and not app.settings.service.webhook_allow_unsigned:
            raise ConfigError("settings", f"service.{intake.secret_setting}", "a webhook secret")
        path = f"/webhooks/{b.kind.name}"
        url = args.url.rstrip("/") + ("" if args.url.rstrip("/").endswith(path) else path)
        created = b.tracker.register_webhook(
            args.name, url, b.scope, secret.get_secret_value() if secret else None
        )
    except UnsupportedError as exc:
        print(f"sla-sync: {exc}.")
        print(exc.steps)
        return EXIT_FAILED
    finally:
        app.close()
    print(f"registered webhook {created} -> {url}")
    return EXIT_OK


def cmd_migrate_store(args: argparse.Namespace) -> int:
    """Copy the SQLite state store into PostgreSQL (stop `run` and cron `sync` first)."""
    from sync.cli.migrate import migrate_store

    return migrate_store(args, _settings(args))


def cmd_demo(args: argparse.Namespace) -> int:
    """The whole job against the sandbox tracker: no account, no network."""
    from sync.cli.demo import run_demo

    return run_demo(regulation_path=args.regulation)


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Run a sandbox tracker until Ctrl-C."""
    from sandbox import serve_forever

    kind = registry.get(args.tracker, "sandbox", "--tracker")
    modes = kind.sandbox.modes if kind.sandbox else ("cloud",)
    if args.mode and args.mode not in modes:
        raise ConfigError("sandbox", "--mode", f"one of {', '.join(modes)}", args.mode)
    serve_forever(args.port, args.scenario, args.mode or modes[0], tracker=kind.name)
    return EXIT_OK


Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="sla-sync", description=__doc__)
    parser.add_argument("--config", help="settings YAML (default: $SLA_SYNC_CONFIG)")
    parser.add_argument("--regulation", help="regulation YAML (default: the shipped one)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sync", help="one pass: recompute changed issues and write back")
    p.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    p.add_argument("--full", action="store_true", help="ignore the cursor: every issue in scope")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("explain", help="explain one issue's SLA (segments and totals)")
    p.add_argument("key", nargs="?", help="issue key, read from the configured tracker")
    p.add_argument("--file", help="offline: a saved issue (Jira issue?expand=changelog,names)")
    p.add_argument("--tracker", help="configured tracker name, or jira|youtrack with --file")
    p.add_argument("--profile", help="mapping profile for --file (default: the shipped one)")
    p.add_argument("--now", help="ISO-8601 instant with offset (default: now)")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.add_argument("--html", action="store_true", help="a self-contained HTML timeline strip")
    p.add_argument("--out", help="with --html: write to this file (default: standard output)")
    p.set_defaults(func=cmd_explain)

    from sync.cli.report import add_report_arguments

    p = sub.add_parser("report", help="SLA compliance of closed requests (read-only, what-if)")
    add_report_arguments(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("check", help="connectivity, auth and the profile against the tracker")
    p.add_argument("--create-fields", action="store_true", help="create missing SLA fields")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("run", help="the service: webhooks, schedule, /healthz, /metrics")
    p.add_argument("--host", help="listen address (default: service.host)")
    p.add_argument("--port", type=int, help="listen port, 0 = any free (default: service.port)")
    p.add_argument("--now", help="freeze the clock at this ISO-8601 instant (tests, demos)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("webhook", help="manage the tracker webhook that feeds `run`")
    wsub = p.add_subparsers(dest="webhook_command", required=True)
    p = wsub.add_parser("register", help="create the Jira admin webhook (needs Jira admin)")
    p.add_argument("url", help="the service's public base URL, e.g. https://sla.example.com")
    p.add_argument("--name", default="sla-sync", help="webhook name shown in Jira")
    p.add_argument("--tracker", help="configured tracker name (default: the only one)")
    p.set_defaults(func=cmd_webhook_register)

    p = sub.add_parser("migrate-store", help="copy the SQLite state store into PostgreSQL")
    p.add_argument("--from", dest="source", help="SQLite state file (default: state_path)")
    p.add_argument("--to", help="postgresql:// URL of an empty database (default: state_url)")
    p.set_defaults(func=cmd_migrate_store)

    p = sub.add_parser("demo", help="the whole job against a local sandbox Jira")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("sandbox", help="run a local sandbox tracker")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--scenario", default="demo", help="shipped scenario name or a YAML path")
    kinds = [k for k in registry.all_kinds() if k.sandbox]
    p.add_argument("--tracker", choices=[k.name for k in kinds], default=kinds[0].name)
    p.add_argument(
        "--mode",
        help="; ".join(f"{k.name}: {' or '.join(k.sandbox.modes)}" for k in kinds if k.sandbox),
    )
    p.set_defaults(func=cmd_sandbox)

    p = sub.add_parser("example", help="SLA table of requests written in the regulation's terms")
    p.add_argument("file", help="YAML with `requests:` (see examples/requests.yaml)")
    p.add_argument("--now", help="ISO-8601 instant with offset (default: the file's, else now)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_example)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure is one line on stderr and a documented exit code.

    0 ok, 1 some issues (or the tracker) failed, 2 configuration error, 3 another process
    holds the state store, 4 the state store is unusable, 5 `run` cannot listen.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"sla-sync: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except StoreBusyError as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except StoreError as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_STORE
    except ListenError as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_LISTEN
    except SlaError as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (FatalTrackerError, RetriableTrackerError) as exc:
        print(f"sla-sync: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
