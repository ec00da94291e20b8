"""Aware instants as integer epoch microseconds: exact arithmetic for the clock."""

from __future__ import annotations

from datetime import UTC, datetime

from sla.errors import NaiveDatetimeError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY = EPOCH.toordinal()


def require_aware(what: str, value: datetime) -> datetime:
    """Return `value` unchanged, or raise if it carries no UTC offset."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise NaiveDatetimeError(what, value)
    return value


def to_us(dt: datetime, what: str = "datetime") -> int:
    """Epoch microseconds of an aware datetime (naive ones raise NaiveDatetimeError)."""
    try:
        # tzinfo.utcoffset(dt) is what dt.utcoffset() calls, without its slower method
        # dispatch; None (naive) or no tzinfo at all (not a datetime) is reported below.
        off = dt.tzinfo.utcoffset(dt)
    except AttributeError:
        off = None
    if off is None:
        require_aware(what, dt)
    # Integer arithmetic on the fields: exact for any offset, and about half the cost of
    # timestamp() (which builds two timedeltas and a float) on this hot path.
    return (
        ((dt.toordinal() - _EPOCH_DAY - off.days) * 86_400 - off.seconds)
        + dt.hour * 3600
        + dt.minute * 60
        + dt.second
    ) * 1_000_000 + (dt.microsecond - off.microseconds)
