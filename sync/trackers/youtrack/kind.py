"""YouTrack in the tracker registry: adapter from settings, mapping, profile, webhooks, sandbox."""

from __future__ import annotations

from typing import Any

from config.settings import TrackerSettings
from mappings.youtrack import DEFAULT_YOUTRACK_PROFILE, YOUTRACK_MAPPING, raw_from_export
from sync.registry import SandboxLink, TrackerKind, register
from sync.trackers.http import RetryPolicy
from sync.trackers.youtrack.adapter import YouTrackTracker
from sync.trackers.youtrack.intake import INTAKE

__all__ = ["YOUTRACK"]


def connect(cfg: TrackerSettings, policy: RetryPolicy, on_response: Any = None) -> YouTrackTracker:
    """The YouTrack adapter with a permanent token from settings."""
    token = cfg.token.get_secret_value() if cfg.token else ""
    return YouTrackTracker.connect(
        cfg.url,
        token,
        policy=policy,
        on_response=on_response,
        page_size=cfg.page_size,
        verify_tls=cfg.verify_tls,
    )


def credentials_problem(cfg: TrackerSettings) -> str | None:
    """What is missing from a YouTrack tracker's settings, if anything."""
    return None if cfg.token else "YouTrack needs `token` (a permanent token)"


def sandbox_settings(sb: Any) -> dict[str, Any]:
    """Settings for the sandbox YouTrack's service account."""
    return {"url": sb.url, "token": sb.token, "scope": "project: SUP"}


YOUTRACK = register(
    TrackerKind(
        name="youtrack",
        title="YouTrack",
        mapping=YOUTRACK_MAPPING,
        default_profile=DEFAULT_YOUTRACK_PROFILE,
        connect=connect,
        credentials_problem=credentials_problem,
        read_issue_file=raw_from_export,
        webhook=INTAKE,
        sandbox=SandboxLink(sandbox_settings, modes=("server", "cloud")),
    )
)
