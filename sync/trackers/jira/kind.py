"""Jira in the tracker registry: adapter from settings, mapping, profile, webhooks, sandbox."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from config.settings import TrackerSettings
from mappings.jira import JIRA_MAPPING
from mappings.jira.saved import raw_from_saved
from mappings.profile import DEFAULT_JIRA_PROFILE
from sync.registry import SandboxLink, TrackerKind, register
from sync.trackers.http import RetryPolicy
from sync.trackers.jira.adapter import JiraTracker
from sync.trackers.jira.intake import INTAKE

__all__ = ["JIRA"]

_DEPLOYMENTS = {"auto": None, "cloud": "Cloud", "datacenter": "DataCenter"}


def connect(cfg: TrackerSettings, policy: RetryPolicy, on_response: Any = None) -> JiraTracker:
    """Jira Cloud (e-mail + API token) or Data Center (personal access token) from settings."""
    return JiraTracker.connect(
        cfg.url,
        email=cfg.email,
        api_token=cfg.token.get_secret_value() if cfg.token else None,
        pat=cfg.pat.get_secret_value() if cfg.pat else None,
        policy=policy,
        deployment=_DEPLOYMENTS[cfg.deployment],
        on_response=on_response,
        page_size=cfg.page_size,
        verify_tls=cfg.verify_tls,
    )


def credentials_problem(cfg: TrackerSettings) -> str | None:
    """What is missing from a Jira tracker's settings, if anything."""
    if cfg.pat or (cfg.email and cfg.token):
        return None
    return "Jira needs `pat` (Data Center) or `email` + `token` (Cloud)"


def issue_url(base_url: str, key: str) -> str:
    """The issue's page: `<base>/browse/KEY` (as the `jira` client's `Issue.permalink()`)."""
    return f"{base_url.rstrip('/')}/browse/{quote(key, safe='')}"


def sandbox_settings(sb: Any) -> dict[str, Any]:
    """Settings for the sandbox Jira's service account, in the sandbox's deployment."""
    if sb.mode == "cloud":
        return {"url": sb.url, "email": sb.email, "token": sb.token, "scope": "project = SUP"}
    return {"url": sb.url, "pat": sb.token, "scope": "project = SUP"}


def init_secret(email: str | None) -> tuple[str, str]:
    """`init`: Cloud reads an API token (with the e-mail), Data Center a personal access token."""
    return ("token", "JIRA_API_TOKEN") if email else ("pat", "JIRA_PAT")


def init_command(sb: Any) -> str:
    """The `sla-sync init` line that reads a running sandbox Jira (its token is public)."""
    if sb.mode == "cloud":
        return (
            f"JIRA_API_TOKEN={sb.token} sla-sync init jira {sb.url} --email {sb.email} "
            "--scope 'project = SUP'"
        )
    return f"JIRA_PAT={sb.token} sla-sync init jira {sb.url} --scope 'project = SUP'"


JIRA = register(
    TrackerKind(
        name="jira",
        title="Jira",
        mapping=JIRA_MAPPING,
        default_profile=DEFAULT_JIRA_PROFILE,
        connect=connect,
        credentials_problem=credentials_problem,
        read_issue_file=raw_from_saved,
        webhook=INTAKE,
        sandbox=SandboxLink(sandbox_settings, ("cloud", "datacenter"), init_command),
        init_secret=init_secret,
        example_scope="project = SUP",
        issue_url=issue_url,
    )
)
