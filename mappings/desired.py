"""SlaResult -> the fields a tracker should show, and the diff against what it shows (pure).

Which figures are written, how labels follow the result and what counts as a change are the
same for every tracker; only the encoding of a value (`FieldEncoder`) and the comparison of
two encoded values (`TrackerMapping.same`) are the tracker's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any, Protocol

from mappings.port import DesiredFields, FieldChanges
from mappings.profile import HOURS_FIELDS, WRITE_FIELDS, Profile, ResolvedFields, WriteSpec
from mappings.raw import FieldDef
from sla.enums import ClockState
from sla.result import SlaResult

__all__ = ["FieldEncoder", "build_desired", "describe_changes", "diff", "sla_labels"]


class FieldEncoder(Protocol):
    """How one tracker spells each kind of SLA value in a field of a given type."""

    def time(self, fdef: FieldDef, at: datetime) -> Any:
        """A due time."""
        ...

    def text(self, fdef: FieldDef, text: str) -> Any:
        """An option or text value (the clock state)."""
        ...

    def flag(self, fdef: FieldDef, flag: bool, yes: str, no: str) -> Any:
        """The breach flag (a Yes/No select, or a checkbox)."""
        ...

    def hours(self, fdef: FieldDef, hours: float) -> Any:
        """Elapsed or remaining hours."""
        ...

    def entry(self, fdef: FieldDef, value: Any) -> Any:
        """The value as the tracker's write takes it (YouTrack wraps it with name and $type)."""
        ...


def sla_labels(result: SlaResult, write: WriteSpec) -> dict[str, bool]:
    """SLA labels wanted (True) or not (False) for a result; other labels are never touched."""
    labels = {}
    if write.label_breached:
        labels[write.label_breached] = result.breached
    if write.label_at_risk:
        # A closed request can no longer be rescued: the at-risk label is for open ones.
        labels[write.label_at_risk] = (
            result.at_risk and not result.breached and result.state is not ClockState.STOPPED
        )
    return labels


def build_desired(
    result: SlaResult,
    profile: Profile,
    resolved: ResolvedFields,
    enc: FieldEncoder,
    *,
    include_hours: bool = True,
) -> DesiredFields:
    """Tracker values of the SLA figures the profile writes (a key it lacks is not written)."""
    w = profile.write
    values: dict[str, Callable[[FieldDef], Any]] = {
        "due": lambda d: None if result.due_at is None else enc.time(d, result.due_at),
        "state": lambda d: enc.text(d, w.state_values[result.state]),
        "breached": lambda d: enc.flag(d, result.breached, w.yes_value, w.no_value),
        "elapsed_hours": lambda d: enc.hours(d, result.elapsed_hours),
        "remaining_hours": lambda d: enc.hours(d, result.remaining_hours),
    }
    out: dict[str, Any] = {}
    names: dict[str, str] = {}
    hours: set[str] = set()
    for key in WRITE_FIELDS:
        fdef = resolved.by_key.get(key)
        if fdef is None or f"write.{key}" not in profile.field_refs:
            continue
        if key in HOURS_FIELDS:
            hours.add(fdef.id)
            if not include_hours:
                continue
        out[fdef.id] = enc.entry(fdef, values[key](fdef))
        names[fdef.id] = fdef.name
    return DesiredFields(out, sla_labels(result, w), names, frozenset(hours))


def diff(
    current: Mapping[str, Any],
    labels: Sequence[str],
    desired: DesiredFields,
    same: Callable[[Any, Any], bool],
) -> FieldChanges:
    """The fields whose value differs from the desired one, and the SLA labels to move."""
    fields = {
        fid: value for fid, value in desired.fields.items() if not same(current.get(fid), value)
    }
    have = list(labels)
    add = tuple(lb for lb, want in desired.labels.items() if want and lb not in have)
    remove = tuple(lb for lb in have if desired.labels.get(lb, True) is False)
    return FieldChanges(fields, add, remove)


def describe_changes(
    current: Mapping[str, Any],
    labels: Sequence[str],
    changes: FieldChanges,
    desired: DesiredFields,
    show: Callable[[Any, tzinfo], str],
    tz: tzinfo,
    labels_name: str = "labels",
) -> list[str]:
    """One `name: old → new` line per changed field and one for the labels, for `--dry-run`."""
    lines = [
        f"{desired.names.get(fid, fid)}: {show(current.get(fid), tz)} → {show(new, tz)}"
        for fid, new in changes.fields.items()
    ]
    if changes.labels_add or changes.labels_remove:
        old = list(labels)
        new = [lb for lb in old if lb not in changes.labels_remove] + list(changes.labels_add)
        lines.append(f"{labels_name}: {', '.join(old) or '—'} → {', '.join(new) or '—'}")
    return lines
