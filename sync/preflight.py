"""The pre-flight: connection, auth, and the mapping profile against the live tracker.

`sla-sync check` prints it; `sla-sync sync` runs the same and writes nothing when it finds an
error. Strict where a mistake would silently change figures or skip writes:

- a status the clock needs (counting, pause, stop) that no tracker status maps to — a typo
  in the pause status switches the clarification pause off for every request;
- a name in the profile the tracker does not have, when a real value is one typo away
  (the real name is suggested);
- a write field the tracker lacks, holds in a field of the wrong type, or whose select
  options lack a value sla-sync writes (`sync.preflight_options`): every write of it would be
  skipped or rejected.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from config.escalations import Escalation
from mappings.check import check_profile
from mappings.port import CATEGORY_STATUS, TrackerValue, Vocabulary
from mappings.profile import Profile, Vocab
from mappings.values import norm_key
from sla import PolicySet
from sla.enums import Status
from sync.binding import Binding
from sync.errors import FatalTrackerError, RetriableTrackerError, UnsupportedError
from sync.ports import FieldKind
from sync.preflight_escalations import escalation_field_rows
from sync.preflight_options import needed_options, option_rows
from sync.report.render_text import table

__all__ = ["HEADERS", "Preflight", "calendar_rows", "clock_statuses", "preflight", "run_check"]

HEADERS = ("severity", "what", "detail")

# The kind of field each SLA figure needs when `check --create-fields` creates it.
_FIELD_KINDS = {
    "write.due": FieldKind.DATETIME,
    "write.state": FieldKind.SELECT,
    "write.breached": FieldKind.SELECT,
    "write.elapsed_hours": FieldKind.NUMBER,
    "write.remaining_hours": FieldKind.NUMBER,
}
_SECTIONS = (
    ("statuses", "status", "statuses"),
    ("priorities", "priority", "priorities"),
    ("resolutions", "resolution", "resolutions"),
    ("request_types", "issue type", "issue_types"),
)


@dataclass
class Preflight:
    """What the pre-flight found for one tracker: table rows, and the fields it cannot write."""

    tracker: str
    rows: list[list[str]] = field(default_factory=list)
    unwritable: list[str] = field(default_factory=list)  # profile keys, e.g. "write.due"

    @property
    def errors(self) -> list[list[str]]:
        """The rows that stop a pass."""
        return [r for r in self.rows if r[0] == "error"]

    @property
    def ok(self) -> bool:
        """True when nothing is an error."""
        return not self.errors


def clock_statuses(policies: PolicySet | None) -> dict[Status, str]:
    """Each status an enabled metric of any policy needs, with what the clock does in it."""
    roles: dict[Status, str] = {}
    if policies is None:
        return roles
    for policy in dict.fromkeys([policies.default, *policies.by_customer.values()]):
        for m in policy.metrics:
            if not m.enabled:
                continue
            for statuses, role in ((m.counting, "counts in"), (m.paused, "pauses in")):
                for s in statuses:
                    roles.setdefault(s, role)
            for s in m.stopped:
                roles.setdefault(s, "stops at")
    return roles


def calendar_rows(policies: PolicySet, now: datetime) -> list[list[str]]:
    """A warning per policy whose calendar runs past its official data within a year."""
    rows = []
    for policy in dict.fromkeys([policies.default, *policies.by_customer.values()]):
        years = policy.calendar.official_years()
        if warning := policy.calendar.coverage_warning(now, now + timedelta(days=365)):
            rows.append(["warning", f"calendar {policy.name}", warning])
        elif years:
            span = f"{years[0]}–{years[-1]}"
            rows.append(["ok", f"calendar {policy.name}", f"official calendar covers {span}"])
    return rows


def preflight(
    b: Binding,
    policies: PolicySet | None = None,
    *,
    create_fields: bool = False,
    notifications: bool = True,
    escalations: Sequence[Escalation] = (),
) -> Preflight:
    """Check one tracker; with `create_fields`, create the SLA fields it lacks."""
    out = Preflight(b.name)
    try:
        who = b.tracker.account_name() or b.tracker.account_id()
        out.rows.append(["ok", "connection", f"{b.name}: signed in as {who}"])
        b.refresh_catalog()
        vocabulary = b.tracker.vocabulary()
    except (FatalTrackerError, RetriableTrackerError) as exc:
        out.rows.append(["error", "connection", str(exc)])
        return out
    findings = check_profile(
        b.profile,
        b.catalog,
        vocabulary,
        field_kinds=b.mapping.field_kinds,
        field_kind=b.mapping.field_kind,
        tracker=b.kind.title,
    )
    missing = {f.key for f in findings if f.key in _FIELD_KINDS and "has no field" in f.message}
    created = _create_fields(b, sorted(missing)) if create_fields and missing else []
    done = {row[1] for row in created if row[0] == "ok"}
    clock = _clock_rows(b.profile, vocabulary, clock_statuses(policies), b.kind.title)
    for f in findings:
        if f.key in done or f.key in {row[1] for row in clock}:
            continue  # created now; or a clock status, an error below
        if f.key in missing:
            out.unwritable.append(f.key)
            message = (
                f"{f.message.removesuffix('; it will not be written')}: it cannot be written; "
                "`sla-sync check --create-fields` creates it, or remove the key from the profile"
            )
            out.rows.append(["error", f.key, message])
        else:
            out.rows.append([f.severity, f.key, f.message])
    out.rows += created
    out.rows += option_rows(b, create=create_fields)
    out.rows += _typos(b.profile, vocabulary, b.kind.title)
    out.rows += clock
    out.rows += escalation_field_rows(b, escalations)
    if notifications:
        silent = b.tracker.silent_writes()
        out.rows.append(["ok" if silent.silent else "warning", "notifications", silent.detail])
    return out


def run_check(b: Binding, create_fields: bool = False, policies: PolicySet | None = None) -> bool:
    """Print a table of findings for one tracker; True when nothing is an error."""
    found = preflight(b, policies, create_fields=create_fields)
    print(table(HEADERS, found.rows))
    return found.ok


def _typos(profile: Profile, vocabulary: Vocabulary, tracker: str) -> list[list[str]]:
    """A profile name the tracker lacks, one typo away from a value the profile leaves out."""
    rows = []
    for section, kind, attr in _SECTIONS:
        values: tuple[TrackerValue, ...] = getattr(vocabulary, attr)
        if not values:
            continue  # the tracker did not list them: nothing to compare with
        vocab: Vocab = getattr(profile, section)
        real = {norm_key(v.name): v for v in values} | {norm_key(v.id): v for v in values if v.id}
        unmapped = {v.name: v for v in values if vocab.match(v.id, v.name) is None}
        for member, names in vocab.entries:
            for name in names:
                if norm_key(name) in real or str(name).isdigit():
                    continue
                near = difflib.get_close_matches(str(name), list(unmapped), n=1, cutoff=0.8)
                if near:
                    rows.append(
                        [
                            "error",
                            f"{section}.{member.value}",
                            f"{profile.source} lists {name!r}, which {tracker} has no {kind} "
                            f"of; did you mean {near[0]!r}? ({near[0]!r} is not mapped)",
                        ]
                    )
    return rows


def _clock_rows(
    profile: Profile, vocabulary: Vocabulary, needed: dict[Status, str], tracker: str
) -> list[list[str]]:
    """An error per status the clock needs that no tracker status maps to."""
    if not vocabulary.statuses:
        return []
    reached: set[object] = set()
    for v in vocabulary.statuses:
        hit = profile.statuses.match(v.id, v.name)
        reached.add(hit if hit is not None else CATEGORY_STATUS.get(v.category or ""))
    rows = []
    for status, role in needed.items():
        if status in reached:
            continue
        listed = ", ".join(repr(n) for n in profile.statuses.names(status)) or "nothing"
        unmapped = [v.name for v in vocabulary.statuses if not profile.statuses.match(v.id, v.name)]
        hint = f"; unmapped {tracker} statuses: {', '.join(unmapped)}" if unmapped else ""
        rows.append(
            [
                "error",
                f"statuses.{status.value}",
                f"the clock {role} {status.value}, but no {tracker} status maps to it "
                f"({profile.source}: statuses.{status.value} lists {listed}){hint}",
            ]
        )
    return rows


def _create_fields(b: Binding, keys: list[str]) -> list[list[str]]:
    rows = []
    for key in keys:
        names = [r for r in b.profile.field_refs.get(key, ()) if not r.startswith("customfield_")]
        if not names:
            rows.append(["warning", key, "cannot be created here: create it by hand"])
            continue
        try:
            kind = _FIELD_KINDS[key]
            values = needed_options(b.profile, key) if kind is FieldKind.SELECT else ()
            b.tracker.create_field(names[0], kind, values)
            rows.append(["ok", key, f"created field {names[0]!r}"])
        except UnsupportedError as exc:
            rows.append(["warning", key, f"{exc} ({exc.steps})" if exc.steps else str(exc)])
        except FatalTrackerError as exc:
            rows.append(["error", key, f"could not create {names[0]!r}: {exc}"])
    if any(r[0] == "ok" for r in rows):
        rows.append(["warning", "screens", "put the new fields on the project's edit screen"])
        b.refresh_catalog()
    return rows
