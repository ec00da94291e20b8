"""The one registry from a tracker kind ("jira", "youtrack", …) to its parts.

A kind is an adapter (`connect`), a mapping (`mappings.port.TrackerMapping`), a default
mapping profile, a webhook intake, an offline issue-file reader and a link to its sandbox.
Adding a tracker is one adapter, one mapping, one profile and one sandbox module, registered
here; nothing else in sla-sync asks which tracker it talks to.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from config.settings import TrackerSettings
from mappings.port import TrackerMapping
from mappings.raw import RawIssue
from sla import ConfigError
from sync.ports import Tracker
from sync.trackers.http import RetryPolicy

__all__ = [
    "SandboxLink",
    "TrackerKind",
    "WebhookIntake",
    "all_kinds",
    "get",
    "register",
    "settings_problem",
    "unregister",
]

# Built-in kinds, imported on first use (each module calls `register`).
_BUILTIN = ("sync.trackers.jira.kind", "sync.trackers.youtrack.kind")
_KINDS: dict[str, TrackerKind] = {}

OnResponse = Callable[[int], None]
Headers = Callable[[str], str]


class WebhookIntake(Protocol):
    """How the service reads one tracker's webhook: signature, issue key, delivery id."""

    secret_setting: str  # the `service.` setting that holds this kind's webhook secret
    key_pattern: re.Pattern[str]  # what an issue key of this tracker looks like

    def verify(self, secret: bytes, header: Headers, body: bytes) -> bool | None:
        """True: signed with `secret`; False: wrongly signed; None: no signature at all."""
        ...

    def issue(self, doc: Mapping[str, Any]) -> tuple[str | None, str | None]:
        """(issue key, event name) of a decoded payload; None where the payload has none."""
        ...

    def delivery_id(self, header: Headers) -> str | None:
        """The tracker's delivery id (for de-duplication), when it sends one."""
        ...

    def ignored(self, event: str | None) -> bool:
        """Events that need no recompute (e.g. a deleted issue)."""
        ...

    def history(self, doc: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The change as one of the tracker's history entries (author and items), when the
        payload carries it: the service then drops the webhooks of its own writes."""
        ...


@dataclass(frozen=True)
class SandboxLink:
    """How `demo` and `sandbox` start this tracker's sandbox and connect to it."""

    settings: Callable[[Any], dict[str, Any]]  # running sandbox -> TrackerSettings fields
    modes: tuple[str, ...] = ("cloud",)  # deployments the sandbox can play; the first is default
    init_command: Callable[[Any], str] | None = None  # running sandbox -> `sla-sync init …`


@dataclass(frozen=True)
class TrackerKind:
    """Everything sla-sync needs to know about one kind of tracker."""

    name: str
    title: str
    mapping: TrackerMapping
    default_profile: Path
    connect: Callable[[TrackerSettings, RetryPolicy, OnResponse | None], Tracker]
    credentials_problem: Callable[[TrackerSettings], str | None]
    read_issue_file: Callable[[Any], RawIssue]
    webhook: WebhookIntake | None = None
    sandbox: SandboxLink | None = None
    # `init`: which secret setting to fill, and the variable it is read from by default, given
    # the e-mail (or None); and a scope to start from when none is given.
    init_secret: Callable[[str | None], tuple[str, str]] = lambda email: ("token", "TOKEN")
    example_scope: str = ""
    # (base URL, issue key) -> the issue's page in the tracker's web UI, for links people
    # follow (the live view, `report --open`); None: the kind has no such page.
    issue_url: Callable[[str, str], str] | None = None


def register(kind: TrackerKind) -> TrackerKind:
    """Make a kind available by its name (a later registration of the same name wins)."""
    _load_builtin()
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Take a kind out of the registry (a plugin unloaded, a test's toy tracker)."""
    _KINDS.pop(name, None)


def all_kinds() -> list[TrackerKind]:
    """Every registered kind, built-in ones first."""
    _load_builtin()
    return list(_KINDS.values())


def get(name: str, where: str = "settings", key: str = "kind") -> TrackerKind:
    """The kind called `name`; a `ConfigError` naming `where`/`key` when there is none."""
    _load_builtin()
    if name not in _KINDS:
        raise ConfigError(where, key, f"one of {', '.join(_KINDS)}", name)
    return _KINDS[name]


def settings_problem(cfg: TrackerSettings) -> tuple[str, str] | None:
    """(key, what is expected) when a configured tracker's kind or credentials are wrong."""
    _load_builtin()
    kind = _KINDS.get(cfg.kind)
    if kind is None:
        return "kind", f"one of {', '.join(_KINDS)}"
    problem = kind.credentials_problem(cfg)
    return ("", problem) if problem else None


_loading: list[str] = []


def _load_builtin() -> None:
    # Marked before importing: a built-in module registering itself re-enters here.
    pending = [m for m in _BUILTIN if m not in _loading]
    _loading.extend(pending)
    for module in pending:
        importlib.import_module(module)
