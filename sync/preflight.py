"""`sla-sync check`: connectivity, auth, and the mapping profile against the live tracker."""

from __future__ import annotations

from sync.binding import Binding
from sync.errors import FatalTrackerError, RetriableTrackerError
from sync.report import render_text as render

# Jira custom field types for the SLA fields `check --create-fields` may create.
_FIELD_TYPES = {
    "write.due": "com.atlassian.jira.plugin.system.customfieldtypes:datetime",
    "write.state": "com.atlassian.jira.plugin.system.customfieldtypes:select",
    "write.breached": "com.atlassian.jira.plugin.system.customfieldtypes:select",
    "write.elapsed_hours": "com.atlassian.jira.plugin.system.customfieldtypes:float",
    "write.remaining_hours": "com.atlassian.jira.plugin.system.customfieldtypes:float",
}


def run_check(b: Binding, create_fields: bool = False) -> bool:
    """Print a table of findings for one tracker; True when nothing is an error."""
    try:
        rows = [["ok", "connection", f"{b.name}: signed in as {b.tracker.account_id()}"]]
        b.refresh_catalog()
    except (FatalTrackerError, RetriableTrackerError) as exc:
        print(render.table(("severity", "what", "detail"), [["error", "connection", str(exc)]]))
        return False
    from mappings.check import check_profile

    findings = check_profile(
        b.profile,
        b.catalog,
        statuses=_call(b.tracker, "statuses"),
        priorities=_call(b.tracker, "priorities"),
        resolutions=_call(b.tracker, "resolutions"),
    )
    missing = {f.key for f in findings if f.key in _FIELD_TYPES and "has no field" in f.message}
    created = _create_fields(b, sorted(missing)) if create_fields and missing else []
    done = {row[1] for row in created if row[0] == "ok"}
    rows += [[f.severity, f.key, f.message] for f in findings if f.key not in done]
    rows += created
    rows += _notification_rows(b.tracker)
    print(render.table(("severity", "what", "detail"), rows))
    return not any(r[0] == "error" for r in rows)


def _notification_rows(tracker: object) -> list[list[str]]:
    can_mute = getattr(tracker, "can_suppress_notifications", None)
    if can_mute is None:
        return []
    try:
        if can_mute():
            return [["ok", "notifications", "SLA writes are sent with notifyUsers=false"]]
    except (FatalTrackerError, RetriableTrackerError) as exc:
        return [["warning", "notifications", f"could not read the account's permissions: {exc}"]]
    return [
        [
            "warning",
            "notifications",
            "the account is not a Jira or project admin: Jira "
            "ignores notifyUsers=false, so watchers get an e-mail for each SLA write",
        ]
    ]


def _call(tracker: object, name: str) -> list:
    fn = getattr(tracker, name, None)
    return list(fn()) if fn else []


def _create_fields(b: Binding, keys: list[str]) -> list[list[str]]:
    create = getattr(b.tracker, "create_field", None)
    rows = []
    for key in keys:
        names = [r for r in b.profile.field_refs.get(key, ()) if not r.startswith("customfield_")]
        if create is None or not names:
            rows.append(["warning", key, "cannot be created here: create it by hand"])
            continue
        try:
            create(names[0], _FIELD_TYPES[key])
            rows.append(["ok", key, f"created field {names[0]!r}"])
        except FatalTrackerError as exc:
            rows.append(["error", key, f"could not create {names[0]!r}: {exc}"])
    if any(r[0] == "ok" for r in rows):
        rows.append(
            [
                "warning",
                "options",
                "add the select options (SLA state: running/paused/"
                "stopped; SLA breached: Yes/No) and put the new fields on the edit screen",
            ]
        )
        b.refresh_catalog()
    return rows
