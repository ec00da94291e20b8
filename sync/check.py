"""`sla-sync check`: connectivity, auth, and the mapping profile against the live tracker."""

from __future__ import annotations

from sync import render
from sync.binding import Binding
from sync.errors import FatalTrackerError, RetriableTrackerError


def run_check(b: Binding, create_fields: bool = False) -> bool:
    """Print a table of findings for one tracker; True when nothing is an error."""
    rows: list[list[str]] = []
    ok = True
    try:
        account = b.tracker.account_id()
        rows.append(["ok", "connection", f"{b.name}: signed in as {account}"])
        b.refresh_catalog()
    except (FatalTrackerError, RetriableTrackerError) as exc:
        print(render.table(("severity", "what", "detail"), [["error", "connection", str(exc)]]))
        return False
    tracker = b.tracker
    from mappings.jira_check import check_profile

    findings = check_profile(
        b.profile,
        b.catalog,
        statuses=_call(tracker, "statuses"),
        priorities=_call(tracker, "priorities"),
        resolutions=_call(tracker, "resolutions"),
    )
    missing_fields = []
    for f in findings:
        rows.append([f.severity, f.key, f.message])
        ok = ok and f.severity != "error"
        if f.key.startswith("write.") and "not found" in f.message.lower():
            missing_fields.append(f.key)
    can_mute = getattr(tracker, "can_suppress_notifications", None)
    if can_mute is not None and not can_mute():
        rows.append(
            [
                "warning",
                "notifications",
                "the account is not an admin: Jira ignores "
                "notifyUsers=false, so watchers get an e-mail for each SLA write",
            ]
        )
    if create_fields and missing_fields:
        rows += _create_fields(b, missing_fields)
    print(render.table(("severity", "what", "detail"), rows))
    return ok


def _call(tracker: object, name: str) -> list:
    fn = getattr(tracker, name, None)
    return list(fn()) if fn else []


_FIELD_TYPES = {
    "due": "com.atlassian.jira.plugin.system.customfieldtypes:datetime",
    "state": "com.atlassian.jira.plugin.system.customfieldtypes:select",
    "breached": "com.atlassian.jira.plugin.system.customfieldtypes:select",
    "elapsed_hours": "com.atlassian.jira.plugin.system.customfieldtypes:float",
    "remaining_hours": "com.atlassian.jira.plugin.system.customfieldtypes:float",
}


def _create_fields(b: Binding, keys: list[str]) -> list[list[str]]:
    rows = []
    create = getattr(b.tracker, "create_field", None)
    for key in keys:
        what = key.removeprefix("write.")
        name = b.profile.field_refs.get(what) if hasattr(b.profile, "field_refs") else None
        name = _write_name(b, what) or name
        if create is None or what not in _FIELD_TYPES or not name:
            rows.append(["warning", key, "cannot be created here: create it by hand"])
            continue
        try:
            create(name, _FIELD_TYPES[what])
            rows.append(["ok", key, f"created field {name!r}"])
        except FatalTrackerError as exc:
            rows.append(["error", key, f"could not create {name!r}: {exc}"])
    return rows


def _write_name(b: Binding, what: str) -> str | None:
    refs = getattr(b.profile.write, "fields", None) or {}
    ref = refs.get(what) if isinstance(refs, dict) else None
    if isinstance(ref, list | tuple):
        return ref[0] if ref else None
    return ref
