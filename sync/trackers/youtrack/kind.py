"""YouTrack in the tracker registry: adapter from settings, mapping, profile, webhooks, sandbox."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from config.settings import TrackerSettings
from mappings.youtrack import DEFAULT_YOUTRACK_PROFILE, YOUTRACK_MAPPING, raw_from_export
from sync.registry import SandboxLink, TrackerKind, register
from sync.trackers.http import RetryPolicy
from sync.trackers.youtrack.adapter import YouTrackTracker
from sync.trackers.youtrack.intake import INTAKE

__all__ = ["YOUTRACK"]


_PROJECT = re.compile(r"(?i)\bproject:\s*(\{[^}]*\}|[^\s,(){}]+)(\s*,)?")


def scope_project(scope: str) -> str | None:
    """The one project a scope query names (`project: SUP`, `project: {Support Desk}`), if any."""
    found = _PROJECT.findall(scope)
    if len(found) != 1 or found[0][1]:
        return None  # no project, several, or `project: A, B`: say `project` in the settings
    return found[0][0].strip("{} ") or None


def connect(cfg: TrackerSettings, policy: RetryPolicy, on_response: Any = None) -> YouTrackTracker:
    """The YouTrack adapter with a permanent token; the project (settings, else the scope's)
    is where State, Priority and the other bundles are read from."""
    token = cfg.token.get_secret_value() if cfg.token else ""
    return YouTrackTracker.connect(
        cfg.url,
        token,
        policy=policy,
        on_response=on_response,
        page_size=cfg.page_size,
        verify_tls=cfg.verify_tls,
        project=cfg.project or scope_project(cfg.scope),
    )


def credentials_problem(cfg: TrackerSettings) -> str | None:
    """What is missing from a YouTrack tracker's settings, if anything."""
    return None if cfg.token else "YouTrack needs `token` (a permanent token)"


def issue_url(base_url: str, key: str) -> str:
    """The issue's page: `<base>/issue/KEY` (YouTrack's issue URLs, Cloud and Server alike;
    the workflow API's `Issue.url`, https://www.jetbrains.com/help/youtrack/devportal/v1-Issue.html)."""
    return f"{base_url.rstrip('/')}/issue/{quote(key, safe='')}"


def sandbox_settings(sb: Any) -> dict[str, Any]:
    """Settings for the sandbox YouTrack's service account."""
    return {"url": sb.url, "token": sb.token, "scope": "project: SUP"}


def init_command(sb: Any) -> str:
    """The `sla-sync init` line that reads a running sandbox YouTrack (its token is public)."""
    return f"YOUTRACK_TOKEN={sb.token} sla-sync init youtrack {sb.url} --scope 'project: SUP'"


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
        sandbox=SandboxLink(sandbox_settings, ("server", "cloud"), init_command),
        init_secret=lambda email: ("token", "YOUTRACK_TOKEN"),
        example_scope="project: SUP",
        issue_url=issue_url,
    )
)
