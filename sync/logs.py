"""structlog, configured once by the entry point: JSON off a TTY, console on one."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import Any

import structlog

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


def _masker(secrets: Iterable[str]):
    values = [s for s in secrets if s and len(s) >= 4]

    def mask(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
        # Belt and braces: adapters never log secrets, but a value that slips through is masked.
        if not values:
            return event
        for k, v in event.items():
            if isinstance(v, str) and any(s in v for s in values):
                for s in values:
                    v = v.replace(s, "***")
                event[k] = v
        return event

    return mask


def configure_logging(
    fmt: str = "auto", level: str = "info", secrets: Iterable[str] = (), stream: Any = None
) -> None:
    """Set up structlog for this process (call once, from the entry point)."""
    as_json = fmt == "json" or (fmt == "auto" and not (stream or sys.stderr).isatty())
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if as_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _masker(secrets),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(_LEVELS[level]),
        # The stream is looked up when a logger is made, not now: tests swap sys.stderr.
        logger_factory=(
            structlog.PrintLoggerFactory(file=stream)
            if stream is not None
            else lambda *_: structlog.PrintLogger(file=sys.stderr)
        ),
        cache_logger_on_first_use=False,
    )
