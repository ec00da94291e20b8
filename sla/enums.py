"""The regulation's vocabulary as enums (DESIGN.md, "The regulation in one table")."""

from __future__ import annotations

from enum import StrEnum


class Priority(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Status(StrEnum):
    CREATED = "created"
    IN_PROGRESS = "in_progress"
    CLARIFICATION = "clarification"
    DONE = "done"


class Resolution(StrEnum):
    RESOLVED = "resolved"
    NOT_REPRODUCIBLE = "not_reproducible"
    USER_ERROR = "user_error"
    INFRASTRUCTURE = "infrastructure"
    WITHDRAWN = "withdrawn"


class RequestType(StrEnum):
    DEFECT = "defect"
    QUERY = "query"


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    MESSENGER = "messenger"


class Line(StrEnum):
    """Support line column of the targets table; 1 and 2 share a column."""

    L1_2 = "1-2"
    L3 = "3"

    @property
    def rank(self) -> int:
        return 0 if self is Line.L1_2 else 1

    @classmethod
    def from_number(cls, value: object) -> Line:
        """Normalise a raw line value (1, "2", "3", "1-2", None) per DESIGN.md clock rule 5."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return cls.L1_2
        text = str(value).strip().lower()
        if text in ("3", "3.0", "l3", "line 3", "3 линия"):
            return cls.L3
        if text in ("1", "2", "1.0", "2.0", "1-2", "l1_2", "l1", "l2", "line 1", "line 2"):
            return cls.L1_2
        from sla.errors import UnknownValueError

        raise UnknownValueError("line", value)


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"
