"""`sla-sync run`: the long-running service (webhooks, schedule, queue, /healthz, /metrics)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from sync.cli.common import load, now_of, regulation_of
from sync.composition import pick_trackers

__all__ = ["add_parser", "cmd_run"]


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `run` sub-command."""
    p = sub.add_parser(
        "run", parents=parents, help="the service: webhooks, schedule, /healthz, /metrics"
    )
    p.add_argument("--host", help="listen address (default: service.host)")
    p.add_argument("--port", type=int, help="listen port, 0 = any free (default: service.port)")
    p.add_argument("--tracker", help="serve only this configured tracker (default: all of them)")
    p.add_argument("--now", help="freeze the clock at this date or time (tests, demos)")
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    """Serve until SIGTERM."""
    from sync.service import Runtime

    settings = load(args)
    if args.tracker:
        (chosen,) = pick_trackers(settings, args.tracker)
        settings.trackers = [t for t in settings.trackers if t is chosen]
        settings.jira = settings.jira if settings.jira is chosen else None
    if args.host:
        settings.service.host = args.host
    if args.port is not None:
        settings.service.port = args.port
    frozen = now_of(args, regulation_of(args, settings)) if args.now else None
    runtime = Runtime(settings, clock=(lambda: frozen) if frozen else _utc_now)
    return runtime.serve()


def _utc_now() -> datetime:
    return datetime.now(UTC)
