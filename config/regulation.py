"""Load `regulation.yaml` into `sla` policies; a wrong file names the file and the key.

A what-if file (`report --policy`) may hold only what differs: `load_regulation(path,
base=...)` lays it over the base file — mappings merge key by key, lists of named entries
(`metrics`, `policies`) merge entry by entry by `name`, any other value replaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from config import yaml_text
from config.calendar_config import CalendarModel, CalendarPatch
from config.escalations import Escalation
from config.notifications import Notifications
from sla import (
    BusinessCalendar,
    CalendarSpec,
    Channel,
    ConfigError,
    Line,
    LineRule,
    Metric,
    Policy,
    PolicySet,
    Priority,
    PriorityRule,
    ReopenRule,
    RequestType,
    Resolution,
    Status,
    Targets,
)


def default_regulation_path() -> Path:
    """The regulation shipped with the package (`config/regulation.yaml`)."""
    return Path(str(resources.files("config").joinpath("regulation.yaml")))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Named(_Strict):
    name: str


TargetsTable = dict[Priority, dict[Line, float]]


def _targets_keys(value: Any) -> Any:
    # YAML reads the column `3` as an int; the table is keyed by the line codes "1-2" / "3".
    if isinstance(value, Mapping):
        return {
            p: ({str(k): v for k, v in row.items()} if isinstance(row, Mapping) else row)
            for p, row in value.items()
        }
    return value


class _Metric(_Strict):
    name: str
    enabled: bool = True
    counting: list[Status]
    paused: list[Status] = Field(default_factory=list)
    stopped: list[Status]
    reopen: ReopenRule = ReopenRule.CONTINUE
    targets: TargetsTable

    _keys = field_validator("targets", mode="before")(lambda cls, v: _targets_keys(v))


class _Clock(_Strict):
    priority_rule: PriorityRule = PriorityRule.CURRENT
    line_rule: LineRule = LineRule.HIGHEST
    breach_final: bool = False


class _CustomerPolicy(_Strict):
    name: str
    customers: list[str] = Field(min_length=1)
    calendar: CalendarPatch | None = None
    targets: TargetsTable | None = None
    metric: str = "resolution"
    at_risk_ratio: float | None = Field(default=None, gt=0, le=1)
    clock: _Clock | None = None

    _keys = field_validator("targets", mode="before")(lambda cls, v: _targets_keys(v))


class _Regulation(_Strict):
    language: str | None = None  # of the names below; default: ru when they are Cyrillic
    priorities: dict[Priority, _Named]
    statuses: dict[Status, _Named]
    resolutions: dict[Resolution, _Named]
    request_types: dict[RequestType, _Named]
    channels: dict[Channel, _Named]
    lines: dict[Line, _Named]
    calendar: CalendarModel = Field(default_factory=CalendarModel)
    at_risk_ratio: float = Field(default=0.8, gt=0, le=1)
    clock: _Clock = Field(default_factory=_Clock)
    metrics: list[_Metric] = Field(min_length=1)
    policies: list[_CustomerPolicy] = Field(default_factory=list)
    notifications: Notifications = Field(default_factory=Notifications)
    escalations: list[Escalation] = Field(default_factory=list)

    @field_validator("escalations")
    @classmethod
    def _unique(cls, rules: list[Escalation]) -> list[Escalation]:
        names = [r.name for r in rules]
        if dup := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"rule names used once each, not {dup}")
        return rules


@dataclass(frozen=True, eq=False)
class Regulation:
    """The loaded regulation: policies by customer and the regulation's own words."""

    path: Path
    policies: PolicySet
    names: Mapping[str, Mapping[str, str]]
    notifications: Notifications = field(default_factory=Notifications)
    escalations: tuple[Escalation, ...] = ()
    language: str = "ru"  # the language of `names` (reports and tables speak it by default)

    def name_of(self, kind: str, code: str) -> str:
        """The regulation's word for a code, e.g. name_of("resolutions", "resolved")."""
        return self.names.get(kind, {}).get(code, code)


def load_regulation(path: str | Path | None = None, base: Regulation | None = None) -> Regulation:
    """Read and validate a regulation file; raise ConfigError naming the file and key.

    With a `base` regulation, `path` may be partial (a what-if file): it is laid over the
    base's file, so only what it sets differs.
    """
    file = Path(path) if path else default_regulation_path()
    raw = _read(file)
    if base is not None:
        if not isinstance(raw, Mapping):
            raise ConfigError(file, "", "a mapping of regulation keys", type(raw).__name__)
        raw = overlay(_read(base.path), raw)
    try:
        model = _Regulation.model_validate(raw)
        return _build(file, model)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        got = err.get("input") if err["type"] != "missing" else None
        raise ConfigError(file, key, _expected(err), got) from None
    except ConfigError as exc:
        key = f"{exc.file}.{exc.key}" if exc.key else exc.file
        raise ConfigError(file, key, exc.expected, exc.got) from None


def _read(file: Path) -> Any:
    try:
        return yaml_text.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(file, "", "a readable YAML file", exc.strerror) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise ConfigError(file, where, "valid YAML", getattr(exc, "problem", str(exc))) from None


def overlay(base: Any, top: Any) -> Any:
    """`top` laid over `base`: mappings by key, lists of named mappings by `name`."""
    if isinstance(base, Mapping) and isinstance(top, Mapping):
        merged = dict(base)
        for key, value in top.items():
            merged[key] = overlay(base[key], value) if key in base else value
        return merged
    if _named_list(base) and _named_list(top) and top:
        merged_list = list(base)
        index = {item["name"]: i for i, item in enumerate(merged_list)}
        for item in top:
            if item["name"] in index:
                i = index[item["name"]]
                merged_list[i] = overlay(merged_list[i], item)
            else:
                merged_list.append(item)
        return merged_list
    return top


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, Mapping) and "name" in item for item in value
    )


def _expected(err: Mapping[str, Any]) -> str:
    if err["type"] == "missing":
        return "this key (it is missing)"
    if err["type"] == "extra_forbidden":
        return "no such key (unknown key: a typo?)"
    return str(err["msg"]).removeprefix("Value error, ")


def _build(file: Path, model: _Regulation) -> Regulation:
    for kind, table in (("priorities", model.priorities), ("statuses", model.statuses)):
        missing = {m.value for m in (Priority if kind == "priorities" else Status)} - {
            k.value for k in table
        }
        if missing:
            raise ConfigError(file, kind, f"an entry for each of {sorted(missing)}")
    calendars: dict[CalendarSpec, BusinessCalendar] = {}

    def calendar(model: CalendarModel, where: str) -> BusinessCalendar:
        try:
            spec = model.spec()
            # Policies with the same calendar share one instance (and its precomputed span).
            if spec not in calendars:
                calendars[spec] = BusinessCalendar(spec)
        except ConfigError as exc:
            if exc.file != "calendar":
                raise  # e.g. the shipped official calendar file: it names itself
            # load_regulation prefixes the file; the key says which calendar and field.
            raise ConfigError(where, exc.key, exc.expected, exc.got) from None
        return calendars[spec]

    metrics = tuple(_metric(m, m.targets, f"metrics.{i}") for i, m in enumerate(model.metrics))
    default = Policy(
        name="regulation",
        calendar=calendar(model.calendar, "calendar"),
        metrics=metrics,
        at_risk_ratio=model.at_risk_ratio,
        priority_rule=model.clock.priority_rule,
        line_rule=model.clock.line_rule,
        breach_final=model.clock.breach_final,
    )
    by_customer: dict[str, Policy] = {}
    for i, p in enumerate(model.policies):
        where = f"policies.{i}.calendar"
        try:
            cal_model = p.calendar.merged(model.calendar, where) if p.calendar else model.calendar
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(x) for x in err["loc"])
            raise ConfigError(where, key, _expected(err), err.get("input")) from None
        if p.targets and p.metric not in {m.name for m in metrics}:
            raise ConfigError(file, f"policies.{i}.metric", "the name of a metric above", p.metric)
        pol_metrics = tuple(
            _metric(src, p.targets, f"policies.{i}") if p.targets and src.name == p.metric else m
            for src, m in zip(model.metrics, metrics, strict=True)
        )
        clock = p.clock or model.clock
        policy = Policy(
            name=p.name,
            calendar=calendar(cal_model, where),
            metrics=pol_metrics,
            at_risk_ratio=p.at_risk_ratio or model.at_risk_ratio,
            priority_rule=clock.priority_rule,
            line_rule=clock.line_rule,
            breach_final=clock.breach_final,
        )
        for customer in p.customers:
            by_customer[customer] = policy
    names = {
        "priorities": {k.value: v.name for k, v in model.priorities.items()},
        "statuses": {k.value: v.name for k, v in model.statuses.items()},
        "resolutions": {k.value: v.name for k, v in model.resolutions.items()},
        "request_types": {k.value: v.name for k, v in model.request_types.items()},
        "channels": {k.value: v.name for k, v in model.channels.items()},
        "lines": {k.value: v.name for k, v in model.lines.items()},
    }
    language = model.language or (
        "ru" if any(_cyrillic(n) for kind in names.values() for n in kind.values()) else "en"
    )
    return Regulation(
        file,
        PolicySet(default, by_customer),
        names,
        model.notifications,
        tuple(model.escalations),
        language.lower(),
    )


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)


def _metric(m: _Metric, targets: TargetsTable, where: str) -> Metric:
    try:
        return Metric(
            name=m.name,
            counting=frozenset(m.counting),
            paused=frozenset(m.paused),
            stopped=frozenset(m.stopped),
            targets=Targets.from_hours(targets),
            enabled=m.enabled,
            reopen=m.reopen,
        )
    except ConfigError as exc:
        raise ConfigError(where, f"{exc.file}.{exc.key}", exc.expected, exc.got) from None
