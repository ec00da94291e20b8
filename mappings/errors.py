"""Errors of the mapping layer."""

from __future__ import annotations

from datetime import datetime

from mappings.values import parse_datetime
from sla.enums import Priority
from sla.errors import UnknownValueError


class MappingError(UnknownValueError):
    """One issue's value that the mapping profile cannot place; the sync layer skips the issue.

    Subclasses `UnknownValueError` so the error taxonomy classifies it as skippable.
    """

    def __init__(self, message: str, *, key: str, kind: str, value: object) -> None:
        super().__init__(kind, value)
        # The base class builds a generic text; ours names the issue, the value and the profile.
        self.args = (message,)
        self.key = key


def issue_time(key: str, what: str, value: object) -> datetime:
    """A tracker timestamp of issue `key` (ISO with offset, or epoch), or a MappingError."""
    try:
        return parse_datetime(value)
    except (ValueError, TypeError, OverflowError):
        raise MappingError(
            f"{key}: {what} {value!r} is not a timestamp with a UTC offset",
            key=key,
            kind=what,
            value=value,
        ) from None


def registration_time(key: str, registered: object, created: object) -> datetime:
    """The mapped registered-at value when set (phone requests), else the creation time."""
    if registered not in (None, ""):
        return issue_time(key, "registered-at field", registered)
    return issue_time(key, "created", created)


def not_mapped(
    key: str, kind: str, value: object, source: str, section: str, extra: str = ""
) -> MappingError:
    """`SUP-1: status 'X' is not mapped in mappings/jira.yaml (statuses)…` for one issue."""
    return MappingError(
        f"{key}: {kind} {value!r} is not mapped in {source} ({section}){extra}",
        key=key,
        kind=kind,
        value=value,
    )


def default_priority(key: str, default: Priority | None, source: str) -> Priority:
    """The profile's default for an issue without a priority, or a MappingError naming it."""
    if default is not None:
        return default
    raise MappingError(
        f"{key}: priority is not set and {source} has no default_priority",
        key=key,
        kind="priority",
        value=None,
    )
