"""`sla-sync init`: read a live tracker (or a sandbox) and write a settings file and a profile.

It reads the tracker's statuses with their categories, priorities, resolutions, issue types
and fields, and drafts the mapping profile (`mappings.draft`): each regulation term matched
by name, by category and by rank, every guess a human must confirm marked CHECK. The secret
is read from an environment variable (or asked for on a terminal) and never written: the
settings file names the variable (`token: {env: JIRA_API_TOKEN}`).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from config.settings import RetrySettings, TrackerSettings, default_state_path
from mappings.draft import draft_profile
from mappings.profile import FieldCatalog, load_profile
from sync import registry
from sync.binding import retry_policy
from sync.cli.common import DEFAULT_CONFIG
from sync.errors import EXIT_OK, UsageError

__all__ = ["add_parser", "cmd_init"]


def add_parser(sub: argparse._SubParsersAction, parents: list) -> None:
    """The `init` sub-command."""
    p = sub.add_parser(
        "init",
        parents=parents,
        help="read your tracker and write sla-sync.yaml and a mapping profile draft",
    )
    kinds = [k.name for k in registry.all_kinds()]
    p.add_argument("kind", choices=kinds, help="the kind of tracker")
    p.add_argument("url", help="its base URL, e.g. https://cera.atlassian.net")
    p.add_argument("--email", help="Jira Cloud: the account's e-mail (API token auth)")
    p.add_argument(
        "--scope", help="which issues are requests (JQL, or a YouTrack query naming the project)"
    )
    p.add_argument("--project", help="YouTrack: the project whose values to read")
    p.add_argument("--name", help="the tracker's name in sla-sync (default: the kind)")
    p.add_argument(
        "--token-env",
        help="the environment variable holding the secret (default: Jira JIRA_API_TOKEN with "
        "--email, JIRA_PAT without; YouTrack YOUTRACK_TOKEN)",
    )
    p.add_argument(
        "--out", default=DEFAULT_CONFIG, help=f"settings file (default {DEFAULT_CONFIG})"
    )
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.set_defaults(func=cmd_init)


def cmd_init(args: argparse.Namespace) -> int:
    """Read the tracker, write the settings and the profile draft, say what is left."""
    kind = registry.get(args.kind, "init", "KIND")
    name = args.name or kind.name
    out = Path(args.out)
    profile_out = out.with_name(f"{out.stem}.{name}.yaml")
    for path in (out, profile_out):
        if path.exists() and not args.force:
            raise UsageError(
                "--out", f"{path} exists: pass --force to overwrite it, or --out another file"
            )
    secret_key, default_env = kind.init_secret(args.email)
    env_name = args.token_env or default_env
    secret, typed = _secret(env_name, kind.title)
    scope = args.scope or kind.example_scope
    cfg = _tracker_settings(name, kind.name, args, secret_key, secret, scope)
    tracker = kind.connect(cfg, retry_policy(RetrySettings(max_attempts=2)), None)
    account = tracker.account_name() or tracker.account_id()
    vocabulary = tracker.vocabulary()
    if not vocabulary.statuses:
        raise UsageError(
            "--scope",
            f"{kind.title} listed no statuses for {scope!r}: name one project "
            "(`project: SUP`, or --project SUP) whose values sla-sync should read",
        )
    fields = tracker.fields()
    known = load_profile(kind.default_profile)
    draft = draft_profile(kind.name, vocabulary, FieldCatalog(fields), known, kind.title)
    profile_out.write_text(draft.text, encoding="utf-8")
    out.write_text(_settings_text(cfg, secret_key, env_name, profile_out, account), "utf-8")
    _report(args, kind.title, account, vocabulary, fields, out, profile_out, draft, env_name, typed)
    return EXIT_OK


def _secret(env_name: str, title: str) -> tuple[str, bool]:
    """The secret from the environment, else typed at a prompt; (value, typed)."""
    if value := os.environ.get(env_name):
        return value, False
    if not sys.stdin.isatty():
        raise UsageError(
            env_name,
            f"set it to the {title} token (sla-sync reads it from there), or run "
            "`sla-sync init` in a terminal to be asked for it",
        )
    value = getpass.getpass(f"{title} token (not shown, not saved; or set {env_name}): ")
    if not value:
        raise UsageError(env_name, "no token given")
    return value, True


def _tracker_settings(
    name: str, kind: str, args: argparse.Namespace, key: str, secret: str, scope: str
) -> TrackerSettings:
    values = {"name": name, "kind": kind, "url": args.url, "scope": scope, key: secret}
    if args.email:
        values["email"] = args.email
    if args.project:
        values["project"] = args.project
    try:
        cfg = TrackerSettings(**values)
    except ValidationError as exc:
        e = exc.errors()[0]
        option = "--" + ".".join(str(p) for p in e["loc"]) if e["loc"] else "init"
        if option == "--url":
            option = "URL"
        message = str(e["msg"]).removeprefix("Value error, ")
        raise UsageError(option, f"expected {message}") from None
    if problem := registry.settings_problem(cfg):
        raise UsageError("init", problem[1])
    return cfg


def _q(value: object) -> str:
    """A YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _settings_text(
    cfg: TrackerSettings, key: str, env_name: str, profile: Path, account: str
) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# sla-sync settings, written by `sla-sync init` on {stamp} from {cfg.url}",
        f'# (read as {account}). Every setting: README, "Settings".',
        "# No secret is in this file: `{env: NAME}` reads it from that environment variable",
        "# when sla-sync runs (or replace it with the value yourself).",
        "",
        "# The state store (cursor, what was written): created by the first `sync`.",
        f"state_path: {_q(str(default_state_path()))}",
        "",
        "trackers:",
        f"  - name: {_q(cfg.name)}",
        f"    kind: {_q(cfg.kind)}",
        f"    url: {_q(cfg.url)}",
    ]
    if cfg.email:
        lines.append(f"    email: {_q(cfg.email)}")
    lines.append(f"    {key}: {{env: {env_name}}}")
    lines.append(f"    scope: {_q(cfg.scope)}          # which issues are requests")
    if cfg.project:
        lines.append(f"    project: {_q(cfg.project)}")
    lines.append(f"    profile: {_q(str(profile.resolve()))}   # the mapping profile draft")
    return "\n".join(lines) + "\n"


def _report(
    args, title, account, vocabulary, fields, out, profile_out, draft, env_name, typed
) -> None:
    print(
        f"read {title} at {args.url} as {account}: {len(vocabulary.statuses)} statuses, "
        f"{len(vocabulary.priorities)} priorities, {len(vocabulary.resolutions)} resolutions, "
        f"{len(vocabulary.issue_types)} issue types, {len(fields)} fields"
    )
    print(f"wrote {out} (settings) and {profile_out} (mapping profile draft)")
    if draft.open_questions:
        print(
            f"{len(draft.open_questions)} decision(s) left to you, marked CHECK in {profile_out}:"
        )
        for question in draft.open_questions:
            print(f"  - {question}")
    else:
        print("every value was matched by name; nothing is marked CHECK")
    if typed:
        print(
            f"the token you typed was not saved: `export {env_name}=...` before running "
            f"sla-sync (or write it into {out} yourself)"
        )
    config = "" if str(out) == DEFAULT_CONFIG else f" --config {out}"
    print("next:")
    print(f"  sla-sync{config} check              # the profile against {title}; fix what it says")
    print(f"  sla-sync{config} sync --dry-run     # what would change, old -> new; writes nothing")
    print(f"  sla-sync{config} sync               # one pass (then put it in cron, or `run`)")
