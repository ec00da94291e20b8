"""The one-time breach comment: its text from the profile's template (pure)."""

from __future__ import annotations

from datetime import datetime

from mappings.profile import Profile
from sla.result import SlaResult

__all__ = ["breach_comment"]


def breach_comment(result: SlaResult, profile: Profile, enabled: bool | None = None) -> str | None:
    """The breach comment text for a breached request; `enabled` overrides the profile."""
    w = profile.write
    on = w.comment_enabled if enabled is None else enabled
    if not (on and result.breached):
        return None
    names = profile.priorities.names(result.priority)
    return w.comment_template.format(
        key=result.key,
        priority=names[0] if names else result.priority.value,
        target=_hours(result.target_hours),
        elapsed=_hours(result.elapsed_hours),
        breached_at=_when(result.breached_at),
        due=_when(result.due_at),
    )


def _hours(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _when(at: datetime | None) -> str:
    return "—" if at is None else at.strftime("%Y-%m-%d %H:%M %z")
