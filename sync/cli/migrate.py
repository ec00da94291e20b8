"""`sla-sync migrate-store`: copy the SQLite state store into an empty PostgreSQL database."""

from __future__ import annotations

import argparse
from pathlib import Path

from sla import ConfigError
from sync.cli.common import load
from sync.errors import EXIT_OK

__all__ = ["add_parser", "migrate_store"]


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `migrate-store` sub-command."""
    p = sub.add_parser(
        "migrate-store", parents=parents, help="copy the SQLite state store into PostgreSQL"
    )
    p.add_argument("--from", dest="source", help="SQLite state file (default: state_path)")
    p.add_argument("--to", help="postgresql:// URL of an empty database (default: state_url)")
    p.set_defaults(func=migrate_store)


def migrate_store(args: argparse.Namespace) -> int:
    """Copy `--from` (default: state_path) into `--to` (default: state_url); exit 0."""
    from sync.adapters.pg_store import PgStore
    from sync.adapters.store import StateStore
    from sync.adapters.store_copy import copy_store

    settings = load(args, trackers=False)
    url = args.to or (settings.state_url.get_secret_value() if settings.state_url else None)
    if not url:
        raise ConfigError("migrate-store", "--to", "a postgresql:// URL (or state_url)")
    source = Path(args.source or settings.state_path)
    if not source.is_file():
        raise ConfigError("migrate-store", "--from", "an existing SQLite state file", source)
    src = StateStore(source)
    try:
        dst = PgStore(url)
    except BaseException:
        src.close()
        raise
    try:
        copied = copy_store(src, dst, settings.state_lock_wait_seconds)
    finally:
        src.close()
        dst.close()
    print(", ".join(f"{n} {table}" for table, n in copied.items()))
    print(f"copied {source} into {dst.label}; from now on set state_url (state_path is unused)")
    return EXIT_OK
