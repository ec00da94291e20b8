"""The SLA domain: regulation enums, timelines, calendars, policies and the clock. Pure."""

from sla.enums import Channel, ClockState, Line, Priority, RequestType, Resolution, Status
from sla.errors import (
    CalendarError,
    ConfigError,
    NaiveDatetimeError,
    SlaError,
    UnknownStatusError,
    UnknownValueError,
)
from sla.result import Segment, SlaResult
from sla.timeline import Change, Timeline

__all__ = [
    "CalendarError",
    "Change",
    "Channel",
    "ClockState",
    "ConfigError",
    "Line",
    "NaiveDatetimeError",
    "Priority",
    "RequestType",
    "Resolution",
    "Segment",
    "SlaError",
    "SlaResult",
    "Status",
    "Timeline",
    "UnknownStatusError",
    "UnknownValueError",
]
