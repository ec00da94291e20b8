"""Errors raised by the pure SLA domain."""

from __future__ import annotations


class SlaError(Exception):
    """Base of every error the domain raises."""


class NaiveDatetimeError(SlaError, TypeError):
    """A datetime without a time zone reached the domain."""

    def __init__(self, what: str, value: object) -> None:
        super().__init__(
            f"{what} must be a time-zone-aware datetime, got naive {value!r}; "
            "attach a zone (e.g. datetime(..., tzinfo=ZoneInfo('Europe/Moscow')))"
        )
        self.what = what
        self.value = value


class UnknownValueError(SlaError, ValueError):
    """A value that the regulation (or the metric) does not know."""

    def __init__(self, kind: str, value: object, expected: object = None) -> None:
        msg = f"unknown {kind} {value!r}"
        if expected:
            msg += f" (expected one of: {', '.join(map(str, expected))})"
        super().__init__(msg)
        self.kind = kind
        self.value = value


class UnknownStatusError(UnknownValueError):
    """A status the metric neither counts, pauses nor stops on."""

    def __init__(self, value: object, metric: str) -> None:
        super().__init__("status", value)
        self.args = (f"status {value!r} is not counted, paused or stopped by metric {metric!r}",)
        self.metric = metric


class CalendarError(SlaError, ValueError):
    """A calendar that cannot answer (e.g. it has no working time at all)."""


class ConfigError(SlaError, ValueError):
    """A configuration file (regulation, mapping profile, settings) that is wrong.

    The message names the file, the key and what was expected; the CLI exits 2.
    """

    def __init__(self, file: object, key: str, expected: str, got: object = None) -> None:
        where = f"{file}: {key}" if key else f"{file}"
        msg = f"{where}: expected {expected}"
        if got is not None:
            msg += f", got {got!r}"
        super().__init__(msg)
        self.file = str(file)
        self.key = key
        self.expected = expected
        self.got = got
