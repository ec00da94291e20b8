"""Helpers of the first-hour tests: a settings file over sandboxes, a clean environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def tracker_entry(sb, name: str = "sandbox", scope: str | None = None) -> dict[str, Any]:
    """A settings `trackers:` entry for a running sandbox (Jira or YouTrack)."""
    if sb.tracker == "youtrack":
        return {
            "name": name,
            "kind": "youtrack",
            "url": sb.url,
            "token": sb.token,
            "scope": scope or "project: SUP",
        }
    entry: dict[str, Any] = {"name": name, "url": sb.url, "scope": scope or "project = SUP"}
    if sb.mode == "cloud":
        entry |= {"email": sb.email, "token": sb.token}
    else:
        entry["pat"] = sb.token
    return entry


def write_config(path: Path, *entries: dict[str, Any], **extra: Any) -> str:
    """A settings file with these trackers (JSON logs, a state file under the file's folder)."""
    cfg = {
        "state_path": str(path.parent / "state" / "state.sqlite3"),
        "closed_lookback_days": None,
        "log_format": "json",
        "trackers": list(entries),
        **extra,
    }
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return str(path)
