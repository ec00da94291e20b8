"""A configured tracker: its adapter, its mapping profile and the mapping functions for it.

The pass works on a `Binding` and never asks which tracker it is: everything that differs
between Jira and YouTrack is chosen here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from config.settings import RetrySettings, TrackerSettings
from mappings import jira as jira_mapping
from mappings.profile import DEFAULT_JIRA_PROFILE, Profile, load_profile
from mappings.raw import FieldDef, RawIssue
from mappings.values import try_datetime
from sla import ConfigError
from sync.ports import Tracker
from sync.trackers.http import RetryPolicy


@dataclass(frozen=True)
class MappingFunctions:
    """The pure functions that translate one tracker's vocabulary (see mappings/)."""

    map_issue: Callable[..., Any]
    desired_fields: Callable[..., Any]
    changed_fields: Callable[..., dict[str, Any]]
    render_changes: Callable[..., list[str]]
    breach_comment: Callable[..., str | None]
    required_field_ids: Callable[..., list[str]]
    history_field_ids: Callable[..., list[str]]
    sla_field_ids: Callable[..., Collection[str]]
    is_own_change: Callable[..., bool]
    history_time: Callable[[Mapping[str, Any]], datetime | None]
    updated_of: Callable[[RawIssue], datetime | None]
    lookback_scope: Callable[[str, datetime], str]
    labels_of: Callable[[RawIssue], list[str]]
    # Candidates of a compliance report (scope, since, until) -> query; None: no report.
    closed_scope: Callable[[str, datetime, datetime], str] | None = None


def _jql_day(since: datetime) -> str:
    # A documented JQL date literal; a day of margin covers the user's time zone, in which
    # Jira reads it. These scopes only need a superset: the history decides the rest.
    return f'"{(since - timedelta(days=1)).date().isoformat()}"'


def _jira_lookback(scope: str, since: datetime) -> str:
    # Open issues always; closed ones only when they changed within the look-back.
    return f"({scope}) AND (statusCategory != Done OR updated >= {_jql_day(since)})"


def _jira_closed(scope: str, since: datetime, until: datetime) -> str:
    """Closed issues that may have been closed in [since, until) (sync.report decides)."""
    # No upper bound: `resolved` is the latest resolution, so an issue closed in the window
    # and closed again after it would be missed. Done without a resolution (workflows that
    # never set one) has no `resolved`; `updated` is a superset of its closure then.
    day = _jql_day(since)
    return (
        f"({scope}) AND statusCategory = Done AND "
        f"(resolved >= {day} OR (resolved is EMPTY AND updated >= {day}))"
    )


JIRA = MappingFunctions(
    map_issue=jira_mapping.map_issue,
    desired_fields=jira_mapping.desired_fields,
    changed_fields=jira_mapping.changed_fields,
    render_changes=jira_mapping.render_changes,
    breach_comment=jira_mapping.breach_comment,
    required_field_ids=jira_mapping.required_field_ids,
    history_field_ids=jira_mapping.history_field_ids,
    sla_field_ids=jira_mapping.sla_field_ids,
    is_own_change=jira_mapping.is_own_sla_change,
    history_time=lambda h: try_datetime(h.get("created")),
    updated_of=lambda raw: try_datetime(raw.fields.get("updated")),
    lookback_scope=_jira_lookback,
    labels_of=lambda raw: list(raw.fields.get("labels") or []),
    closed_scope=_jira_closed,
)


@dataclass
class Binding:
    """One configured tracker, ready for a pass."""

    name: str
    scope: str
    tracker: Tracker
    profile: Profile
    mapping: MappingFunctions
    catalog: Sequence[FieldDef] = field(default_factory=tuple)
    status_categories: Mapping[str, str] = field(default_factory=dict)

    def refresh_catalog(self) -> None:
        """Field definitions and status categories, once per pass."""
        self.catalog = tuple(self.tracker.fields())
        statuses = getattr(self.tracker, "statuses", None)
        cats: dict[str, str] = {}
        if statuses is not None:
            for s in statuses():
                key = (s.get("statusCategory") or {}).get("key")
                if key:
                    cats[str(s.get("id"))] = key
                    cats[str(s.get("name", "")).strip().lower()] = key
        self.status_categories = cats


def retry_policy(retry: RetrySettings) -> RetryPolicy:
    """The adapters' retry bounds from settings."""
    return RetryPolicy(
        max_attempts=retry.max_attempts,
        base_delay=retry.base_delay,
        max_delay=retry.max_delay,
        max_retry_after=retry.max_retry_after,
        max_total=retry.max_total,
        timeout=retry.timeout,
    )


def connect(
    cfg: TrackerSettings,
    retry: RetrySettings,
    on_response: Callable[[int], None] | None = None,
) -> Binding:
    """Build the adapter and load the profile for one configured tracker."""
    if cfg.kind != "jira":
        return _connect_youtrack(cfg, retry, on_response)
    from sync.trackers.jira.adapter import JiraTracker

    deployment = {"auto": None, "cloud": "Cloud", "datacenter": "DataCenter"}[cfg.deployment]
    tracker = JiraTracker.connect(
        cfg.url,
        email=cfg.email,
        api_token=cfg.token.get_secret_value() if cfg.token else None,
        pat=cfg.pat.get_secret_value() if cfg.pat else None,
        policy=retry_policy(retry),
        deployment=deployment,
        on_response=on_response,
        page_size=cfg.page_size,
    )
    profile = load_profile(cfg.profile or DEFAULT_JIRA_PROFILE)
    return Binding(cfg.name, cfg.scope, tracker, profile, JIRA)


def _connect_youtrack(
    cfg: TrackerSettings, retry: RetrySettings, on_response: Callable[[int], None] | None
) -> Binding:
    try:
        from sync.trackers.youtrack import kind as youtrack_binding
    except ImportError:
        raise ConfigError(
            "settings",
            f"trackers.{cfg.name}.kind",
            "jira (YouTrack is not available in this build)",
            cfg.kind,
        ) from None
    return youtrack_binding.connect(cfg, retry_policy(retry), on_response)


def lookback_start(now: datetime, days: int | None) -> datetime | None:
    """The earliest `updated` of closed issues a first pass reads (None: all)."""
    return None if days is None else now - timedelta(days=days)
