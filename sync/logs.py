"""structlog, configured once by the entry point: JSON off a TTY, console on one."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import Any

import structlog

from config.secrets import redact_userinfo

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


def _masker(secrets: Iterable[str]):
    # Longest first, so a secret that contains another is masked whole.
    values = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def mask(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
        # Belt and braces: adapters never log secrets, but a value that slips through is
        # masked: every configured secret, and the user-info of any URL (user:password@).
        for k, v in event.items():
            if not isinstance(v, str):
                continue
            masked = redact_userinfo(v)
            for s in values:
                masked = masked.replace(s, "***")
            if masked != v:
                event[k] = masked
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
