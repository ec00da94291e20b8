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
from mappings.plain import parse_instant, plain_timeline
from sla import ConfigError, SlaError, compute
from sync import render

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

Command = Callable[[argparse.Namespace], int]


def _now(args: argparse.Namespace) -> datetime:
    if getattr(args, "now", None):
        now = parse_instant(args.now, "--now")
        if now.utcoffset() is None:
            raise ConfigError("--now", "", "an ISO-8601 instant with a UTC offset", args.now)
        return now
    return datetime.now(UTC)


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
            results.append(compute(timeline, regulation.policies.for_customer(timeline.customer),
                                   now))
        except SlaError as exc:
            failed += 1
            print(f"error: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps([render.result_json(r) for r in results], ensure_ascii=False, indent=2))
    else:
        print(f"SLA at {now.isoformat()} — {path}")
        print(render.sla_table(results))
    return EXIT_FAILED if failed else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(prog="sla-sync", description=__doc__)
    parser.add_argument("--regulation", help="regulation YAML (default: the shipped one)")
    sub = parser.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("example", help="SLA table of requests written in the regulation's terms")
    ex.add_argument("file", help="YAML with `requests:` (see examples/requests.yaml)")
    ex.add_argument("--now", help="ISO-8601 instant with offset (default: the file's, else now)")
    ex.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ex.set_defaults(func=cmd_example)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; configuration errors exit 2 with one line naming file and key."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"sla-sync: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG


if __name__ == "__main__":
    sys.exit(main())
