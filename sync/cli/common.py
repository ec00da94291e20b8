"""What every command shares: finding and loading the settings, `--now`, the words, output."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from config.regulation import Regulation, load_regulation
from config.settings import Settings, load_settings
from sync import registry
from sync.cli.dates import parse_when
from sync.errors import UsageError
from sync.report.words import Words, words_for

__all__ = [
    "DEFAULT_CONFIG",
    "NO_CONFIG",
    "config_path",
    "load",
    "now_of",
    "regulation_of",
    "words_of",
]

# `init` writes this file; every command reads it from the current directory when no other
# configuration is named.
DEFAULT_CONFIG = "sla-sync.yaml"
NO_CONFIG = (
    "no configuration: run `sla-sync init` to write one from your tracker, or name one with "
    f"--config FILE (or SLA_SYNC_CONFIG); {DEFAULT_CONFIG} in the current directory is read "
    "when present"
)


def config_path(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> str | None:
    """--config, else $SLA_SYNC_CONFIG, else ./sla-sync.yaml when it exists."""
    environ = os.environ if environ is None else environ
    named = getattr(args, "config", None) or environ.get("SLA_SYNC_CONFIG")
    if named:
        return str(named)
    return DEFAULT_CONFIG if Path(DEFAULT_CONFIG).is_file() else None


def load(args: argparse.Namespace, *, trackers: bool = True) -> Settings:
    """The settings (built once) and logging; exit 2 with one line when there are none.

    `trackers=False`: a command that needs only the store's settings (`migrate-store`).
    """
    path = config_path(args)
    settings = load_settings(path, check_tracker=registry.settings_problem)
    if trackers and not settings.all_trackers():
        if path is None:
            raise UsageError("", NO_CONFIG)
        raise UsageError(str(path), "no tracker is configured (`trackers:`); see `sla-sync init`")
    if getattr(args, "regulation", None):
        settings.regulation = Path(args.regulation)
    from sync.logs import configure_logging

    configure_logging(settings.log_format, settings.log_level, settings.secrets())
    return settings


def regulation_of(args: argparse.Namespace, settings: Settings | None = None) -> Regulation:
    """--regulation, else the settings' regulation, else the shipped one."""
    path = getattr(args, "regulation", None) or (settings.regulation if settings else None)
    return load_regulation(path)


def now_of(args: argparse.Namespace, regulation: Regulation) -> datetime:
    """--now (any accepted date form, in the regulation's zone), else the current time."""
    text = getattr(args, "now", None)
    if text:
        return parse_when(str(text), "--now", regulation.policies.default.calendar.zone)
    return datetime.now(UTC)


def words_of(args: argparse.Namespace, regulation: Regulation) -> Words:
    """The regulation's words, or English with --lang en."""
    lang = getattr(args, "lang", None)
    if lang not in (None, "en", "regulation", regulation.language):
        raise UsageError(
            "--lang", f"{lang!r}: use en, or {regulation.language} (the regulation's language)"
        )
    return words_for(regulation, lang)


def err(line: str) -> None:
    """One line on standard error."""
    print(line, file=sys.stderr)
