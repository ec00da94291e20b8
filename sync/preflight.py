"""`sla-sync check`: connectivity, auth, and the mapping profile against the live tracker."""

from __future__ import annotations

from datetime import datetime, timedelta

from mappings.check import check_profile
from sla import PolicySet
from sync.binding import Binding
from sync.errors import FatalTrackerError, RetriableTrackerError, UnsupportedError
from sync.ports import FieldKind
from sync.preflight_options import needed_options, option_rows
from sync.report.render_text import table

# The kind of field each SLA figure needs when `check --create-fields` creates it.
_FIELD_KINDS = {
    "write.due": FieldKind.DATETIME,
    "write.state": FieldKind.SELECT,
    "write.breached": FieldKind.SELECT,
    "write.elapsed_hours": FieldKind.NUMBER,
    "write.remaining_hours": FieldKind.NUMBER,
}


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


def run_check(b: Binding, create_fields: bool = False) -> bool:
    """Print a table of findings for one tracker; True when nothing is an error."""
    try:
        rows = [["ok", "connection", f"{b.name}: signed in as {b.tracker.account_id()}"]]
        b.refresh_catalog()
        vocabulary = b.tracker.vocabulary()
    except (FatalTrackerError, RetriableTrackerError) as exc:
        print(table(("severity", "what", "detail"), [["error", "connection", str(exc)]]))
        return False
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
    rows += [[f.severity, f.key, f.message] for f in findings if f.key not in done]
    rows += created
    rows += option_rows(b, create=create_fields)
    silent = b.tracker.silent_writes()
    rows.append(["ok" if silent.silent else "warning", "notifications", silent.detail])
    print(table(("severity", "what", "detail"), rows))
    return not any(r[0] == "error" for r in rows)


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
