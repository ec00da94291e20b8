"""Policies: which metric, which targets, which calendar, which clock switches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from sla.calendar import BusinessCalendar
from sla.enums import Line, Priority, Status
from sla.errors import ConfigError


class PriorityRule(StrEnum):
    """Which priority selects the target (DESIGN.md clock rule 5: the current one)."""

    CURRENT = "current"
    HIGHEST = "highest"
    INITIAL = "initial"


class LineRule(StrEnum):
    """Which support line selects the target column (default: the highest reached)."""

    HIGHEST = "highest"
    CURRENT = "current"


class ReopenRule(StrEnum):
    """What a reopen after a stop does: continue the same clock (default) or nothing."""

    CONTINUE = "continue"
    STOP_IS_FINAL = "stop_is_final"


@dataclass(frozen=True)
class Targets:
    """Target business seconds by priority and line column."""

    seconds: Mapping[Priority, Mapping[Line, float]]

    @classmethod
    def from_hours(cls, hours: Mapping[Priority, Mapping[Line, float]]) -> Targets:
        return cls(
            MappingProxyType(
                {
                    p: MappingProxyType({ln: h * 3600.0 for ln, h in row.items()})
                    for p, row in hours.items()
                }
            )
        )

    def __post_init__(self) -> None:
        for p in Priority:
            for ln in Line:
                value = self.seconds.get(p, {}).get(ln)
                if value is None:
                    raise ConfigError(
                        "targets", f"{p.value}.{ln.value}", "a target (it is missing)"
                    )
                if value <= 0:
                    raise ConfigError(
                        "targets", f"{p.value}.{ln.value}", "a positive number", value
                    )

    def get(self, priority: Priority, line: Line) -> float:
        return self.seconds[priority][line]


@dataclass(frozen=True)
class Metric:
    """A clock definition: in which statuses it counts, pauses and stops."""

    name: str
    counting: frozenset[Status]
    paused: frozenset[Status]
    stopped: frozenset[Status]
    targets: Targets
    enabled: bool = True
    reopen: ReopenRule = ReopenRule.CONTINUE

    def __post_init__(self) -> None:
        overlap = (
            (self.counting & self.paused)
            | (self.counting & self.stopped)
            | (self.paused & self.stopped)
        )
        if overlap:
            raise ConfigError(
                f"metric {self.name}",
                "statuses",
                "each status in one group only",
                sorted(s.value for s in overlap),
            )


REGULATION_HOURS: Mapping[Priority, Mapping[Line, float]] = {
    Priority.CRITICAL: {Line.L1_2: 6, Line.L3: 12},
    Priority.HIGH: {Line.L1_2: 15, Line.L3: 30},
    Priority.MEDIUM: {Line.L1_2: 30, Line.L3: 60},
    Priority.LOW: {Line.L1_2: 75, Line.L3: 150},
}


def resolution_metric(targets: Targets | None = None) -> Metric:
    """The regulation's metric: registration to closure, clarification excluded."""
    return Metric(
        name="resolution",
        counting=frozenset({Status.CREATED, Status.IN_PROGRESS}),
        paused=frozenset({Status.CLARIFICATION}),
        stopped=frozenset({Status.DONE}),
        targets=targets or Targets.from_hours(REGULATION_HOURS),
    )


@dataclass(frozen=True, eq=False)
class Policy:
    """A contract: calendar, metrics (the first enabled one is primary) and clock switches."""

    name: str
    calendar: BusinessCalendar
    metrics: tuple[Metric, ...]
    at_risk_ratio: float = 0.8
    priority_rule: PriorityRule = PriorityRule.CURRENT
    line_rule: LineRule = LineRule.HIGHEST
    breach_final: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.at_risk_ratio <= 1:
            raise ConfigError(
                f"policy {self.name}", "at_risk_ratio", "a number in (0, 1]", self.at_risk_ratio
            )
        if not any(m.enabled for m in self.metrics):
            raise ConfigError(f"policy {self.name}", "metrics", "at least one enabled metric")

    @property
    def primary(self) -> Metric:
        return next(m for m in self.metrics if m.enabled)

    def metric(self, name: str) -> Metric:
        for m in self.metrics:
            if m.name == name:
                return m
        raise ConfigError(f"policy {self.name}", "metrics", f"a metric named {name!r}")


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


@dataclass(frozen=True, eq=False)
class PolicySet:
    """The default policy (the regulation) and per-customer contracts."""

    default: Policy
    by_customer: Mapping[str, Policy] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "by_customer",
            MappingProxyType({_norm(k): v for k, v in self.by_customer.items()}),
        )

    def for_customer(self, customer: str | None) -> Policy:
        """The customer's own policy when one matches (case-insensitive, trimmed), else default."""
        if customer:
            return self.by_customer.get(_norm(customer), self.default)
        return self.default
