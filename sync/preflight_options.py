"""`check`: do the SLA select fields offer the values sla-sync writes? (and add them if asked)

A select field without the option "running" rejects every write of it ("Option value
'running' is not valid"), so a field created without its options passed `check` and failed
every issue of `sync`. The options are read from the tracker (`Tracker.field_options`);
where it cannot say (no options API, and no issue in scope to read an edit screen of), the
check stays silent rather than guess.
"""

from __future__ import annotations

from collections.abc import Callable

from mappings.profile import Profile, resolve_fields
from sync.binding import Binding
from sync.errors import FatalTrackerError, UnsupportedError
from sync.ports import SearchQuery

__all__ = ["needed_options", "option_rows"]

# Field kinds (as the mappings name them) that hold options: Jira select / checkboxes,
# YouTrack enum / state.
_SELECT_KINDS = {"option": False, "array": True, "enum": False, "state": False}


def needed_options(profile: Profile, key: str, checkbox: bool = False) -> tuple[str, ...]:
    """The option values the profile writes into the field of `key` (write.state/.breached)."""
    w = profile.write
    if key == "write.state":
        return tuple(dict.fromkeys(w.state_values.values()))
    if key == "write.breached":
        return (w.yes_value,) if checkbox else (w.yes_value, w.no_value)
    return ()


def option_rows(b: Binding, *, create: bool) -> list[list[str]]:
    """One row per SLA select field whose options are missing (or were just added)."""
    resolved = resolve_fields(b.profile, b.catalog)
    sample = _sample_key(b)
    rows = []
    for key in ("write.state", "write.breached"):
        fdef = resolved.by_key.get(key.removeprefix("write."))
        kind = b.mapping.field_kind(fdef) if fdef else ""
        if fdef is None or kind not in _SELECT_KINDS:
            continue
        wanted = needed_options(b.profile, key, checkbox=_SELECT_KINDS[kind])
        offered = b.tracker.field_options(fdef.id)
        if offered is None and (issue := sample()) is not None:
            offered = b.tracker.field_options(fdef.id, issue)
        if offered is None:
            continue
        missing = [v for v in wanted if v not in offered]
        if not missing:
            continue
        listed = ", ".join(repr(v) for v in missing)
        where = f"{fdef.name} ({fdef.id})"
        if not create:
            rows.append(
                [
                    "error",
                    key,
                    f"{where} does not offer {listed}: every write of it would be rejected; "
                    "`sla-sync check --create-fields` adds them where the tracker allows it",
                ]
            )
            continue
        try:
            b.tracker.add_field_options(fdef.id, missing)
            rows.append(["ok", key, f"added the options {listed} to {where}"])
        except UnsupportedError as exc:
            rows.append(["error", key, f"{exc}; {exc.steps}" if exc.steps else str(exc)])
        except FatalTrackerError as exc:
            rows.append(["error", key, f"could not add {listed} to {where}: {exc}"])
    return rows


def _sample_key(b: Binding) -> Callable[[], str | None]:
    """The key of one issue in scope, read at most once (to read its edit screen)."""
    memo: list[str | None] = []

    def get() -> str | None:
        if not memo:
            pages = b.tracker.search(SearchQuery(b.scope), ["updated"], [])
            first = next((p for p in pages if p.issues), None)
            memo.append(first.issues[0].key if first else None)
        return memo[0]

    return get
