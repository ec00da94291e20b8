"""Replay a tracker's field changes into a `Timeline`'s start values and changes (pure).

Every tracker's history boils down to groups of moves (one Jira history, or YouTrack
activities sharing a timestamp): "status went from A to B at T". The tracker's mapping
extracts those groups with its own references (ids, names, value objects) and a `Decoder`
for them; the replay — which value held at registration, which change each group makes — is
written once, here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sla.enums import Line, Priority, Resolution, Status
from sla.timeline import Change

__all__ = ["TRACKED", "Decoder", "Move", "MoveGroup", "Replayed", "replay"]

TRACKED = ("status", "priority", "resolution", "line")


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
    """Values at registration and the changes after it."""

    status: Status
    priority: Priority
    line: Line
    changes: tuple[Change, ...]


def replay(groups: Sequence[MoveGroup], current: Mapping[str, Any], decode: Decoder) -> Replayed:
    """Start values from each field's first move (its old side), else its current value."""
    first: dict[str, Move] = {}
    for group in groups:
        for which, move in group.moves.items():
            first.setdefault(which, move)

    def start(which: str) -> Any:
        move = first.get(which)
        return move.old if move is not None and not decode.empty(move.old) else current.get(which)

    # An unset line at registration is a line: 1-2 (clock rule 5), so its old side counts.
    line = first["line"].old if "line" in first else current.get("line")
    changes = tuple(c for g in groups if (c := _change(g, decode)) is not None)
    return Replayed(
        decode.status(start("status")),
        decode.priority(start("priority")),
        decode.line(line),
        changes,
    )


def _change(group: MoveGroup, decode: Decoder) -> Change | None:
    moves, values = group.moves, {}
    if "status" in moves:
        new = moves["status"].new
        values["status"] = decode.status(new)
        if (implied := decode.status_resolution(new)) is not None:
            values["resolution"] = implied
    if "priority" in moves and not decode.empty(moves["priority"].new):
        values["priority"] = decode.priority(moves["priority"].new)
    if "resolution" in moves and not decode.empty(moves["resolution"].new):
        values["resolution"] = decode.resolution(moves["resolution"].new)
    if "line" in moves:
        values["line"] = decode.line(moves["line"].new)
    return Change(at=group.at, **values) if values else None
