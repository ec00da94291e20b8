"""The one order of a Jira issue's change histories (pure), for the adapter and the mapping.

History ids are assigned in sequence as changes are saved, while `created` comes from the
clock of whichever cluster node saved the change and can go backwards between nodes. So when
every id is numeric, ids decide; only histories with non-numeric ids (hand-made or imported
files) fall back to `created`. `mappings.replay` then raises any instant that goes backwards
along this order, so the clock never reorders them again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mappings.values import try_datetime

__all__ = ["history_order"]


def history_order(histories: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Histories oldest first: by numeric id when all ids are numeric, else by `created`."""
    hs = list(histories)
    if all(str(h.get("id", "")).isdigit() for h in hs):
        return sorted(hs, key=lambda h: int(str(h["id"])))

    def by_time(h: Mapping[str, Any]) -> tuple[float, str]:
        at = try_datetime(h.get("created"))
        return (at.timestamp() if at else float("-inf"), str(h.get("id", "")))

    return sorted(hs, key=by_time)
