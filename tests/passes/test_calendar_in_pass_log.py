"""A request counted in a year past the official calendar data is warned about, once."""

from __future__ import annotations

from structlog.testing import capture_logs

from tests.helpers import msk


def test_the_pass_logs_the_uncovered_year_once(world):
    world.at(msk(2028, 3, 2, 12))
    for i in (1, 2):
        world.tracker.add(f"M-{i}", msk(2028, 3, 1, 9 + i))
    with capture_logs() as logs:
        world.runner().sync_since()
    warned = [e for e in logs if e["event"] == "calendar"]
    assert len(warned) == 1 and "2028" in warned[0]["detail"]
