"""`sla-sync webhook register`: point the tracker's webhook at the service (idempotent)."""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

from sync.cli.common import err, load
from sync.composition import App, pick_trackers
from sync.errors import EXIT_FAILED, EXIT_OK, UnsupportedError, UsageError

__all__ = ["add_parser", "cmd_webhook_register"]


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `webhook` sub-command and its `register`."""
    p = sub.add_parser(
        "webhook", parents=parents, help="manage the tracker webhook that feeds `run`"
    )
    wsub = p.add_subparsers(dest="webhook_command", required=True, metavar="ACTION")
    p = wsub.add_parser(
        "register",
        parents=parents,
        help="create (or replace) the Jira admin webhook (needs Jira admin)",
    )
    p.add_argument("url", help="the service's public base URL, e.g. https://sla.example.com")
    p.add_argument("--name", default="sla-sync", help="webhook name shown in Jira")
    p.add_argument("--tracker", help="configured tracker name (default: the only one)")
    p.set_defaults(func=cmd_webhook_register)


def cmd_webhook_register(args: argparse.Namespace) -> int:
    """One webhook per URL: a second registration replaces the first, never duplicates it."""
    parts = urlsplit(args.url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise UsageError(
            "url", f"{args.url!r}: give the service's base URL, e.g. https://sla.example.com"
        )
    settings = load(args)
    (cfg,) = pick_trackers(settings, args.tracker, one=True)
    app = App(settings)
    try:
        (b,) = app.bindings([cfg.name])
        intake = b.kind.webhook
        if intake is None:
            raise UsageError("--tracker", f"{b.kind.title} sends no webhooks sla-sync can take")
        secret = getattr(app.settings.service, intake.secret_setting)
        if secret is None and not app.settings.service.webhook_allow_unsigned:
            raise UsageError(
                f"service.{intake.secret_setting}",
                "set a webhook secret first (SLA_SYNC_SERVICE__"
                f"{intake.secret_setting.upper()}, e.g. `openssl rand -hex 32`)",
            )
        path = f"/webhooks/{b.kind.name}"
        url = args.url.rstrip("/") + ("" if args.url.rstrip("/").endswith(path) else path)
        created = b.tracker.register_webhook(
            args.name, url, b.scope, secret.get_secret_value() if secret else None
        )
    except UnsupportedError as exc:
        err(f"sla-sync: {exc}.")
        print(exc.steps)
        return EXIT_FAILED
    finally:
        app.close()
    print(f"webhook {created} -> {url} (the only one to this URL)")
    return EXIT_OK
