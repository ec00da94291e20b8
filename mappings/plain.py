"""Requests written in the regulation's own terms (examples, what-if files) -> `Timeline`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sla import Change, Timeline, UnknownValueError


def parse_instant(value: Any, what: str) -> datetime:
    """An ISO-8601 instant with a UTC offset (YAML may already have parsed it)."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise UnknownValueError(what, value, ["ISO-8601 with offset"]) from None


def plain_timeline(item: Mapping[str, Any]) -> Timeline:
    """One request: key, registered, priority, status, line?, resolution?, customer?, history."""
    key = str(item.get("key") or "?")
    try:
        changes = tuple(
            Change(
                parse_instant(h.get("at"), f"{key} history time"),
                status=h.get("status"),
                priority=h.get("priority"),
                line=h.get("line"),
                resolution=h.get("resolution"),
            )
            for h in item.get("history") or ()
        )
        return Timeline(
            key=key,
            registered_at=parse_instant(item.get("registered"), f"{key} registration time"),
            status=item.get("status", "created"),
            priority=item.get("priority"),
            line=item.get("line"),
            changes=changes,
            resolution=item.get("resolution"),
            customer=item.get("customer"),
            request_type=item.get("type"),
            channel=item.get("channel"),
        )
    except UnknownValueError as exc:
        raise UnknownValueError(f"{key}: {exc.kind}", exc.value) from None
