"""YouTrack's side of `sync.binding`: the mapping functions and the adapter from settings."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from config.settings import TrackerSettings
from mappings import youtrack as yt
from mappings.profile import CatalogLike, Profile, load_profile, resolve_fields
from mappings.values import norm_key, try_datetime
from mappings.youtrack import write as ytw
from sync.binding import Binding, MappingFunctions
from sync.trackers.http import RetryPolicy
from sync.trackers.youtrack.adapter import YouTrackTracker

__all__ = ["YOUTRACK", "connect", "is_own_sla_change", "sla_field_ids"]


def sla_field_ids(profile: Profile, catalog: CatalogLike) -> frozenset[str]:
    """Names of the written SLA fields (YouTrack field ids are names)."""
    resolved = resolve_fields(profile, catalog)
    return frozenset(
        d.name for k, d in resolved.by_key.items() if f"write.{k}" in profile.field_refs
    )


def is_own_sla_change(
    activity: Mapping[str, Any],
    account_id: str,
    sla_field_ids: Collection[str],
    *,
    sla_labels: Collection[str] = (),
) -> bool:
    """True when the activity is the service account changing an SLA field."""
    if (activity.get("author") or {}).get("login") != account_id:
        return False
    field = activity.get("field") or {}
    name = field.get("name") or (field.get("customField") or {}).get("name") or ""
    if norm_key(name) in {norm_key(k) for k in sla_field_ids}:
        return True
    if (activity.get("category") or {}).get("id") == "TagsCategory":
        moved = [
            yt.field_value(t)
            for t in [*(activity.get("added") or ()), *(activity.get("removed") or ())]
        ]
        return bool(moved) and set(moved) <= set(sla_labels)
    return False


def _history_field_ids(profile: Profile, catalog: CatalogLike) -> list[str]:
    sf = yt.SystemFields()
    line = resolve_fields(profile, catalog).by_key.get("line")
    return [*sf.state, *sf.priority, *sf.resolution, *([line.name] if line else [])]


def _lookback(scope: str, since: datetime) -> str:
    # Open issues always; resolved ones only when updated within the look-back. A day of
    # margin covers the user's time zone, in which YouTrack reads the date.
    day = (since - timedelta(days=1)).date().isoformat()
    return f"({scope}) and (#Unresolved or updated: {day} .. *)"


def _closed(scope: str, since: datetime, until: datetime) -> str:
    # Resolved issues updated since the window opened (a superset: a closure in the window
    # was an update in it); the report decides from the activities which closed in it.
    day = (since - timedelta(days=1)).date().isoformat()
    return f"({scope}) and #Resolved and updated: {day} .. *"


def _ms_time(value: object) -> datetime | None:
    return try_datetime(value) if isinstance(value, int | float) else None


YOUTRACK = MappingFunctions(
    map_issue=yt.map_issue,
    desired_fields=ytw.desired_fields,
    changed_fields=ytw.changed_fields,
    render_changes=ytw.render_changes,
    breach_comment=ytw.breach_comment,
    required_field_ids=ytw.required_field_ids,
    history_field_ids=_history_field_ids,
    sla_field_ids=sla_field_ids,
    is_own_change=is_own_sla_change,
    history_time=lambda a: _ms_time(a.get("timestamp")),
    updated_of=lambda raw: _ms_time(raw.fields.get("updated")),
    lookback_scope=_lookback,
    closed_scope=_closed,
    labels_of=lambda raw: ytw.current_labels(raw.fields),
)


def connect(
    cfg: TrackerSettings, policy: RetryPolicy, on_response: Callable[[int], None] | None = None
) -> Binding:
    """The YouTrack adapter (permanent token) and its profile for one configured tracker."""
    token = cfg.token.get_secret_value() if cfg.token else ""
    tracker = YouTrackTracker.connect(
        cfg.url,
        token,
        policy=policy,
        on_response=on_response,
        page_size=cfg.page_size,
        verify_tls=cfg.verify_tls,
    )
    profile = load_profile(cfg.profile or yt.DEFAULT_YOUTRACK_PROFILE)
    return Binding(cfg.name, cfg.scope, tracker, profile, YOUTRACK)
