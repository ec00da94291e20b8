"""Does a value the profile cannot place change the SLA? Decided under the policy (pure).

A priority renamed years ago, or a status since deleted, sits in many histories; failing every
such issue forever helps nobody when the value decides nothing. `settle` puts every value of
the regulation in each unplaceable value's place (one unknown per distinct value, however
often it occurs), computes the SLA of every combination with the policy at `now`, and
compares what the SLA says (state, target, counted and paused time, breach, due and at-risk
instants, and for a closed request when it was closed):

- the same for every combination: the value decides nothing under these rules; it is reported
  once as a warning naming the value and when it was set;
- different: it decides something (the current priority under `priority_rule: current`,
  any priority under `highest` unless a higher one is known, a status for a stretch with
  business time, ...); the issue fails with the mapping error, as before.

Comparing results instead of inspecting the rules keeps this exact for every switch of the
policy (breach finality, reopen rule, line rule, several metrics) without restating the clock.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime

from mappings.errors import MappingError
from mappings.port import MappedIssue
from mappings.replay import Hole
from sla import Policy, SlaError, compute
from sla.enums import ClockState, Line, Priority, Status
from sla.result import SlaResult
from sla.timeline import Timeline

__all__ = ["MAX_COMBINATIONS", "require_placed", "settle"]

CANDIDATES: Mapping[str, tuple[object, ...]] = {
    "status": tuple(Status),
    "priority": tuple(Priority),
    "line": tuple(Line),
}
# 4 unknown statuses or priorities (256 computes): beyond that the issue fails, as before.
MAX_COMBINATIONS = 256


def settle(mapped: MappedIssue, policy: Policy, now: datetime) -> MappedIssue:
    """The issue with its holes filled and warned about, or `MappingError` if one matters."""
    if not mapped.holes:
        return mapped
    holes = mapped.holes
    names = list(dict.fromkeys(h.var for h in holes))
    first = {v: next(h for h in holes if h.var == v) for v in names}
    combos = list(itertools.product(*(CANDIDATES[v[0]] for v in names)))
    key = mapped.timeline.key
    if len(combos) > MAX_COMBINATIONS:
        raise _error(key, first[names[0]], "- too many unmapped values to tell if they matter")
    outcome = {
        combo: _signature(
            _fill(mapped.timeline, holes, dict(zip(names, combo, strict=True))), policy, now
        )
        for combo in combos
    }
    for i, var in enumerate(names):
        if _varies(outcome, i):
            raise _error(key, first[var], "and it changes the SLA under the configured rules")
    warnings = [
        f"{first[v].error} ({_when(first[v])}); it does not change the SLA under "
        "the configured rules, so it is ignored"
        for v in names
    ]
    return dataclasses.replace(
        mapped,
        timeline=_fill(mapped.timeline, holes, _stand_ins(mapped.timeline, holes, names)),
        warnings=(*mapped.warnings, *warnings),
        holes=(),
    )


def require_placed(mapped: MappedIssue) -> MappedIssue:
    """The issue unchanged, or the first hole's `MappingError` (callers without a policy)."""
    if mapped.holes:
        raise _error(mapped.timeline.key, mapped.holes[0], "")
    return mapped


def _error(key: str, hole: Hole, why: str) -> MappingError:
    text = f"{hole.error} ({_when(hole)})" + (f" {why}" if why else "")
    return MappingError(text, key=key, kind=hole.which, value=hole.label)


def _when(hole: Hole) -> str:
    return (
        f"set {hole.at.isoformat(timespec='seconds')}"
        if hole.at is not None
        else "since registration"
    )


def _fill(timeline: Timeline, holes: Sequence[Hole], values: Mapping[tuple[str, str], object]):
    """The timeline with each hole's slot holding the value chosen for its unknown."""
    start = {h.which: values[h.var] for h in holes if h.slot == -1}
    changes = list(timeline.changes)
    for h in holes:
        if h.slot >= 0:
            changes[h.slot] = dataclasses.replace(changes[h.slot], **{h.which: values[h.var]})
    return dataclasses.replace(timeline, **start, changes=tuple(changes))


def _stand_ins(
    timeline: Timeline, holes: Sequence[Hole], names: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], object]:
    """Values to show for ignored unknowns (any gives the same SLA): the field's first known."""
    slots = {(h.slot, h.which) for h in holes}
    out: dict[tuple[str, str], object] = {}
    for var in names:
        which = var[0]
        known = [
            getattr(c, which)
            for i, c in enumerate(timeline.changes)
            if getattr(c, which) is not None and (i, which) not in slots
        ]
        if (-1, which) not in slots:
            known.insert(0, getattr(timeline, which))
        out[var] = known[0] if known else CANDIDATES[which][0]
    return out


def _varies(outcome: Mapping[tuple, Hashable], i: int) -> bool:
    """True when changing only the i-th unknown changes some outcome."""
    seen: dict[tuple, Hashable] = {}
    for combo, sig in outcome.items():
        rest = combo[:i] + combo[i + 1 :]
        if seen.setdefault(rest, sig) != sig:
            return True
    return False


def _signature(timeline: Timeline, policy: Policy, now: datetime) -> Hashable:
    """What the SLA says of the issue at `now`, for every enabled metric.

    Also at the latest change when that lies after `now` (the tracker's clock ahead of ours,
    or a frozen clock): the issue's current values always count.
    """
    latest = max((c.at for c in timeline.changes), default=now)
    out = []
    for at in (now, latest) if latest > now else (now,):
        for m in policy.metrics:
            if not m.enabled:
                continue
            try:
                out.append(_figures(compute(timeline, policy, at, m.name)))
            except SlaError as exc:  # e.g. a status the metric does not classify
                out.append(("error", type(exc).__name__))
    return tuple(out)


def _figures(r: SlaResult) -> Hashable:
    since = None  # when a stopped clock stopped: the closure the e-mail and report name
    if r.state is ClockState.STOPPED:
        for s in reversed(r.segments):
            if s.clock is not r.state:
                break
            since = s.start
    return (
        r.state,
        r.status,
        r.priority,
        r.line,
        r.target_seconds,
        r.elapsed_seconds,
        r.paused_seconds,
        r.breached,
        r.breached_at,
        r.due_at,
        r.at_risk,
        r.at_risk_at,
        since,
    )
