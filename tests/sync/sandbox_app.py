"""Build a real App (settings, SQLite store, real jira client) against a running sandbox."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from config.settings import RetrySettings, Settings, TrackerSettings
from sync.composition import App

FAST_RETRY = RetrySettings(
    max_attempts=8, base_delay=0.01, max_delay=0.05, max_retry_after=0.1, max_total=30, timeout=10
)


def tracker_settings(sb, name: str = "sandbox") -> TrackerSettings:
    """Credentials for the sandbox's service account, in its mode."""
    cloud = sb.mode == "cloud"
    return TrackerSettings(
        name=name,
        url=sb.url,
        scope="project = SUP",
        email=sb.email if cloud else None,
        token=SecretStr(sb.token) if cloud else None,
        pat=None if cloud else SecretStr(sb.token),
    )


def make_app(sb, state: Path, clock=None, **overrides) -> App:
    """An App over the sandbox with a fixed clock (the scenario's `now`) by default."""
    settings = Settings(
        state_path=state,
        trackers=[tracker_settings(sb)],
        retry=FAST_RETRY,
        closed_lookback_days=None,
        **overrides,
    )
    return App(settings, clock=clock or (lambda: sb.now))


SLA_FIELDS = ("SLA due", "SLA state", "SLA breached", "SLA elapsed h", "SLA remaining h")


def sla_state(sb) -> dict[str, dict]:
    """Per issue: the SLA field values, labels and comment bodies (what sla-sync writes)."""
    ids = {name: sb.app.cat.field_id(name) for name in SLA_FIELDS}
    out = {}
    for issue in sb.issues(stable=True)["issues"]:
        fields = issue["fields"]
        out[issue["key"]] = {
            **{name: _plain(fields.get(fid)) for name, fid in ids.items()},
            "labels": sorted(issue["labels"]),
            "comments": [c["body"] for c in issue["comments"]],
        }
    return out


def _plain(value):
    if isinstance(value, dict):
        return value.get("value")
    return value
