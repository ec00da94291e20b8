"""Replay a tracker's field changes into a `Timeline`'s start values and changes (pure).

Every tracker's history boils down to groups of moves (one Jira history, or YouTrack
activities sharing a timestamp): "status went from A to B at T". The tracker's mapping
extracts those groups, in the tracker's own order, with its own references (ids, names,
value objects) and a `Decoder` for them; the replay — which value held at registration, which
change each group makes — is written once, here. Two rules keep the timeline true to the issue:

- One order. Groups come in the tracker's authoritative order (Jira: history id); an instant
  that goes backwards along it (clocks of cluster nodes differ) is raised to the one before,
  so the clock, which sorts changes by instant, keeps that order.
- The issue's current fields win (`trust_current`). When the replayed final status, priority or
  line differs from what the issue shows now, a correcting change is appended at the last
  recorded move — the latest instant the history vouches for — with a warning naming the
  issue and the field. (`updated` would be later still, but it also moves for comments and
  for sla-sync's own writes, so it would charge the contradiction for longer.)

With `defer_unmapped`, a value the profile cannot place no longer fails the issue here: it
becomes a `Hole` (a stand-in value plus the error) and `mappings.settle` decides, once the
policy is known, whether it changes the SLA at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from mappings.errors import MappingError
from mappings.values import norm_key, option_value
from sla.enums import Line, Priority, Resolution, Status
from sla.timeline import Change

__all__ = [
    "STAND_IN",
    "TRACKED",
    "Decoder",
    "Hole",
    "Move",
    "MoveGroup",
    "Replayed",
    "replay",
]

TRACKED = ("status", "priority", "resolution", "line")
CLOCK_FIELDS = ("status", "priority", "line")
# What an unplaceable value stands as until `mappings.settle` has tried every value in its place.
STAND_IN: Mapping[str, Any] = {
    "status": Status.CREATED,
    "priority": Priority.MEDIUM,
    "line": Line.L1_2,
}


@dataclass(frozen=True, slots=True)
class Move:
    """One tracked field's change: the tracker's references to the old and the new value."""

    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class MoveGroup:
    """The tracked moves made at one instant (one history entry), by field."""

    at: datetime
    moves: Mapping[str, Move]


@dataclass(frozen=True, slots=True)
class Hole:
    """A status, priority or line value the profile cannot place, and where it sits.

    `slot` is -1 for the value held at registration, else the index of the change in
    `Replayed.changes`; `at` is when the value was set (None: it held from registration).
    """

    which: str
    label: str
    slot: int
    at: datetime | None
    error: str

    @property
    def var(self) -> tuple[str, str]:
        """One unknown per distinct value: a deleted priority met twice is one question."""
        return self.which, norm_key(self.label)


class Decoder(Protocol):
    """A tracker's references -> regulation values (raising `MappingError` when unplaceable)."""

    def empty(self, ref: Any) -> bool:
        """True when a reference names no value at all (a field that was unset)."""
        ...

    def status(self, ref: Any) -> Status: ...

    def priority(self, ref: Any) -> Priority: ...

    def line(self, ref: Any) -> Line: ...

    def resolution(self, ref: Any) -> Resolution | None: ...

    def status_resolution(self, ref: Any) -> Resolution | None:
        """The resolution a status value implies (YouTrack's resolved State), else None."""
        ...


@dataclass(frozen=True, slots=True)
class Replayed:
    """Values at registration, the changes after it, and what could not be placed."""

    status: Status
    priority: Priority
    line: Line
    changes: tuple[Change, ...]
    holes: tuple[Hole, ...] = ()
    warnings: tuple[str, ...] = ()


def replay(
    groups: Sequence[MoveGroup],
    current: Mapping[str, Any],
    decode: Decoder,
    *,
    key: str = "",
    trust_current: bool = False,
    defer_unmapped: bool = False,
) -> Replayed:
    """Start values from each field's first move (its old side), else its current value."""
    return _Replay(decode, key, defer_unmapped).run(groups, current, trust_current)


class _Replay:
    def __init__(self, decode: Decoder, key: str, defer: bool) -> None:
        self.decode, self.key, self.defer = decode, key, defer
        self.holes: list[Hole] = []
        self.warnings: list[str] = []

    def value(self, which: str, ref: Any, slot: int, at: datetime | None) -> Any:
        """The regulation value of a reference; a `Hole` and a stand-in when unplaceable."""
        fn: Callable[[Any], Any] = getattr(self.decode, which)
        try:
            return fn(ref)
        except MappingError as exc:
            if not self.defer or which not in CLOCK_FIELDS:
                raise
            label = "(not set)" if exc.value in (None, "") else str(exc.value)
            self.holes.append(Hole(which, label, slot, at, str(exc)))
            return STAND_IN[which]

    def run(
        self, groups: Sequence[MoveGroup], current: Mapping[str, Any], trust_current: bool
    ) -> Replayed:
        groups = _monotonic(groups)
        first: dict[str, Move] = {}
        for group in groups:
            for which, move in group.moves.items():
                first.setdefault(which, move)

        def start_ref(which: str) -> Any:
            move = first.get(which)
            if move is not None and not self.decode.empty(move.old):
                return move.old
            return current.get(which)

        # An unset line at registration is a line: 1-2 (clock rule 5), so its old side counts.
        refs = {
            "status": start_ref("status"),
            "priority": start_ref("priority"),
            "line": first["line"].old if "line" in first else current.get("line"),
        }
        start = {w: self.value(w, refs[w], -1, None) for w in CLOCK_FIELDS}
        changes: list[Change] = []
        for g in groups:
            change = self.change(g, len(changes))
            if change is not None:
                changes.append(change)
        if trust_current and groups:
            fix = self.correction(start, changes, current, groups)
            if fix is not None:
                changes.append(fix)
        return Replayed(
            start["status"],
            start["priority"],
            start["line"],
            tuple(changes),
            tuple(self.holes),
            tuple(self.warnings),
        )

    def change(self, group: MoveGroup, slot: int) -> Change | None:
        moves, values, at, decode = group.moves, {}, group.at, self.decode
        if "status" in moves:
            new = moves["status"].new
            values["status"] = self.value("status", new, slot, at)
            if (implied := decode.status_resolution(new)) is not None:
                values["resolution"] = implied
        if "priority" in moves and not decode.empty(moves["priority"].new):
            values["priority"] = self.value("priority", moves["priority"].new, slot, at)
        if "resolution" in moves and not decode.empty(moves["resolution"].new):
            values["resolution"] = self.resolution(moves["resolution"].new, at)
        if "line" in moves:
            values["line"] = self.value("line", moves["line"].new, slot, at)
        return Change(at=at, **values) if values else None

    def resolution(self, ref: Any, at: datetime) -> Resolution | None:
        """A past resolution never moves the clock: an unplaceable one is reported, not fatal."""
        try:
            return self.decode.resolution(ref)
        except MappingError as exc:
            if not self.defer:
                raise
            when = at.isoformat(timespec="seconds")
            note = f"{exc} (set {when}); a past resolution does not move the clock"
            if note not in self.warnings:
                self.warnings.append(note)
            return None

    def correction(
        self,
        start: Mapping[str, Any],
        changes: Sequence[Change],
        current: Mapping[str, Any],
        groups: Sequence[MoveGroup],
    ) -> Change | None:
        """A change to the issue's current values where the replayed ones disagree."""
        at = groups[-1].at  # groups are monotonic: the last is the latest recorded move
        slot = len(changes)
        final = _fold(start, changes, self.holes)
        fix: dict[str, Any] = {}
        for which in CLOCK_FIELDS:
            ref = current.get(which)
            if which == "priority" and self.decode.empty(ref):
                continue  # a cleared priority keeps the last one (see `change`)
            before = len(self.holes)
            value = self.value(which, ref, slot, at)
            added = self.holes[before:]
            now = (None, added[0].var[1]) if added else (value, None)
            if now == final[which]:
                del self.holes[before:]  # no correcting change, so no slot for a hole
                continue
            fix[which] = value
            self.warnings.append(
                f"{self.key}: the change history ends with {which} {_shown(*final[which])} "
                f"but the issue shows {_label(ref)!r} now; using the issue's current {which} "
                f"from {at.isoformat(timespec='seconds')} (the last recorded change)"
            )
        return Change(at=at, **fix) if fix else None


def _monotonic(groups: Sequence[MoveGroup]) -> list[MoveGroup]:
    """Groups in the given order with instants raised so they never go backwards."""
    out: list[MoveGroup] = []
    for g in groups:
        if out and g.at < out[-1].at:
            g = MoveGroup(out[-1].at, g.moves)
        out.append(g)
    return out


def _fold(
    start: Mapping[str, Any],
    changes: Sequence[Change],
    holes: Sequence[Hole],
) -> dict[str, tuple[Any, str | None]]:
    """Each clock field's replayed final (value, hole label or None), in the clock's order."""
    by_slot = {(h.slot, h.which): h.var[1] for h in holes}
    state = {w: (start[w], by_slot.get((-1, w))) for w in CLOCK_FIELDS}
    for slot, c in sorted(enumerate(changes), key=lambda ic: (ic[1].at_us, ic[0])):
        for which in CLOCK_FIELDS:
            value = getattr(c, which)
            if value is not None:
                state[which] = (value, by_slot.get((slot, which)))
    return {w: (None if lab is not None else v, lab) for w, (v, lab) in state.items()}


def _shown(value: Any, label: str | None) -> str:
    return repr(label) if label is not None else str(getattr(value, "value", value))


def _label(ref: Any) -> str:
    """A tracker reference as people read it: the name of an (id, name) pair or object."""
    if isinstance(ref, tuple):
        named = [v for v in reversed(ref) if v not in (None, "")]
        return str(named[0]) if named else "(not set)"
    return option_value(ref) or "(not set)"
