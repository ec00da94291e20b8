"""`sla-sync example`: the SLA table of requests written in the regulation's own terms.

Values may be the regulation's words (Высокий, Уточнение, «3 линия»), English words (High,
Clarification) or the codes (high, clarification).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

from config import yaml_text
from mappings.plain import plain_timeline
from sla import ConfigError, SlaError, compute
from sync.cli.common import err, now_of, regulation_of, words_of
from sync.errors import EXIT_FAILED, EXIT_OK
from sync.report import render_text as render
from sync.report.words import Words, reverse_lookup

__all__ = ["add_parser", "cmd_example", "to_codes"]

# Request keys (and history keys) holding a regulation value, with the vocabulary each is in.
_KINDS = {
    "priority": "priorities",
    "status": "statuses",
    "resolution": "resolutions",
    "type": "request_types",
    "channel": "channels",
    "line": "lines",
}


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `example` sub-command."""
    p = sub.add_parser(
        "example", parents=parents, help="SLA table of requests written in the regulation's terms"
    )
    p.add_argument("file", help="YAML with `requests:` (see examples/requests.yaml)")
    p.add_argument("--now", help="a date or time (default: the file's `now`, else now)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_example)


def to_codes(item: dict[str, Any], words: Words) -> dict[str, Any]:
    """A request with every regulation value turned into its code (words are accepted)."""
    out = dict(item)
    for key, kind in _KINDS.items():
        if out.get(key) is not None:
            out[key] = reverse_lookup(kind, out[key], words) or out[key]
    if isinstance(out.get("history"), list):
        out["history"] = [to_codes(h, words) if isinstance(h, dict) else h for h in out["history"]]
    return out


def cmd_example(args: argparse.Namespace) -> int:
    """Print the SLA table (or JSON) of the file's requests."""
    path = Path(args.file)
    try:
        data = yaml_text.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(path, "", "a readable YAML file of requests", str(exc)) from None
    if not isinstance(data, dict):
        raise ConfigError(path, "", "a mapping with `requests:`", type(data).__name__)
    regulation = regulation_of(args)
    words = words_of(args, regulation)
    if not args.now and data.get("now"):
        args.now = str(data["now"])
    now = now_of(args, regulation)
    results, failed = [], 0
    own = Words(regulation.language, regulation.names)
    for item in data.get("requests") or ():
        try:
            timeline = plain_timeline(to_codes(item, own))
            policy = regulation.policies.for_customer(timeline.customer)
            results.append(compute(timeline, policy, now))
        except SlaError as exc:
            failed += 1
            err(f"error: {exc}")
    if args.json:
        print(
            json.dumps(
                [render.result_json(r, words) for r in results], ensure_ascii=False, indent=2
            )
        )
    else:
        print(f"SLA at {now.isoformat()} — {path}")
        print(render.sla_table(results, words))
    return EXIT_FAILED if failed else EXIT_OK
