"""The SLA domain: regulation enums, timelines, calendars, policies and the clock. Pure."""

from sla.calendar import BusinessCalendar, CalendarSpec
from sla.clock import compute
from sla.enums import Channel, ClockState, Line, Priority, RequestType, Resolution, Status
from sla.errors import (
    CalendarError,
    ConfigError,
    NaiveDatetimeError,
    SlaError,
    UnknownStatusError,
    UnknownValueError,
)
from sla.policy import (
    LineRule,
    Metric,
    Policy,
    PolicySet,
    PriorityRule,
    ReopenRule,
    Targets,
    resolution_metric,
)
from sla.result import Segment, SlaResult
from sla.timeline import Change, Timeline

__all__ = [
    "BusinessCalendar",
    "CalendarError",
    "CalendarSpec",
    "Change",
    "Channel",
    "ClockState",
    "ConfigError",
    "Line",
    "LineRule",
    "Metric",
    "NaiveDatetimeError",
    "Policy",
    "PolicySet",
    "Priority",
    "PriorityRule",
    "ReopenRule",
    "RequestType",
    "Resolution",
    "Segment",
    "SlaError",
    "SlaResult",
    "Status",
    "Targets",
    "Timeline",
    "UnknownStatusError",
    "UnknownValueError",
    "compute",
    "resolution_metric",
]
