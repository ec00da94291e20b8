"""A request's history in regulation terms: the input of `sla.compute`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from sla.enums import Channel, Line, Priority, RequestType, Resolution, Status
from sla.errors import UnknownValueError
from sla.instant import require_aware, to_us

E = TypeVar("E", bound=StrEnum)


def _coerce(enum: type[E], kind: str, value: object) -> E | None:
    if value is None or isinstance(value, enum):
        return value
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        raise UnknownValueError(kind, value, [m.value for m in enum]) from None


def _line(value: object) -> Line | None:
    return value if value is None or isinstance(value, Line) else Line.from_number(value)


@dataclass(frozen=True, slots=True)
class Change:
    """One change of the tracked fields at instant `at`; None means "unchanged"."""

    at: datetime
    status: Status | None = None
    priority: Priority | None = None
    line: Line | None = None
    resolution: Resolution | None = None
    at_us: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Epoch microseconds, computed once: the clock sorts and measures with integers.
        object.__setattr__(self, "at_us", to_us(self.at, "change time"))
        object.__setattr__(self, "status", _coerce(Status, "status", self.status))
        object.__setattr__(self, "priority", _coerce(Priority, "priority", self.priority))
        object.__setattr__(self, "line", _line(self.line))
        object.__setattr__(self, "resolution", _coerce(Resolution, "resolution", self.resolution))


@dataclass(frozen=True, slots=True)
class Timeline:
    """Initial values at registration plus the changes after it."""

    key: str
    registered_at: datetime
    status: Status
    priority: Priority
    line: Line = Line.L1_2
    changes: tuple[Change, ...] = ()
    resolution: Resolution | None = None
    customer: str | None = None
    request_type: RequestType | None = None
    channel: Channel | None = None

    def __post_init__(self) -> None:
        require_aware("registration time", self.registered_at)
        object.__setattr__(self, "status", _coerce(Status, "status", self.status))
        object.__setattr__(self, "priority", _coerce(Priority, "priority", self.priority))
        if self.status is None or self.priority is None:
            missing = "status" if self.status is None else "priority"
            raise UnknownValueError(
                missing, None, [m.value for m in (Status, Priority)[missing == "priority"]]
            )
        object.__setattr__(self, "line", _line(self.line) or Line.L1_2)
        object.__setattr__(self, "resolution", _coerce(Resolution, "resolution", self.resolution))
        object.__setattr__(
            self, "request_type", _coerce(RequestType, "request type", self.request_type)
        )
        object.__setattr__(self, "channel", _coerce(Channel, "channel", self.channel))
        if not isinstance(self.changes, tuple):
            object.__setattr__(self, "changes", tuple(self.changes))

    @property
    def withdrawn(self) -> bool:
        """True when the user closed the request themselves (excluded from compliance)."""
        return self.resolution is Resolution.WITHDRAWN
