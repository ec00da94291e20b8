"""A pass that fails mid-way keeps the cursor where the writes stopped, and the next one ends it."""

from __future__ import annotations

import pytest

from sandbox import start_sandbox, synthetic_scenario
from sync.errors import RetriableTrackerError
from tests.sync.sandbox_app import make_app


class _FailingAfter:
    """The real adapter, whose writes start failing after `n` of them (a tracker outage)."""

    def __init__(self, tracker, n: int) -> None:
        self._tracker, self._left = tracker, n

    def update(self, *args, **kwargs):
        if self._left <= 0:
            raise RetriableTrackerError("PUT …/issue: HTTP 503 after 6 attempts", status=503)
        self._left -= 1
        return self._tracker.update(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._tracker, name)


def test_a_failure_in_the_second_chunk_keeps_the_first_chunks_cursor(tmp_path):
    with start_sandbox(scenario=synthetic_scenario(250, 3, seed=4)) as clean:
        make_app(clean, tmp_path / "clean.sqlite3").runner().sync_since()
        clean_writes = clean.count("PUT", "/rest/api/{v}/issue/{key}")
    with start_sandbox(scenario=synthetic_scenario(250, 3, seed=4)) as sb:
        app = make_app(sb, tmp_path / "state.sqlite3")
        runner = app.runner()
        real = runner.b.tracker
        runner.b.tracker = _FailingAfter(real, 150)  # chunk 1 (100) fine, chunk 2 breaks
        with pytest.raises(RetriableTrackerError):
            runner.sync_since()
        cursor = app.store.cursor("sandbox", "project = SUP")
        assert cursor is not None  # chunk 1 went through: its cursor stands
        written = sb.count("PUT", "/rest/api/{v}/issue/{key}")
        assert 100 <= written < clean_writes
        runner.b.tracker = real
        report = runner.sync_since()
        assert not report.failed
        # Everything not yet written is written now; nothing is written twice.
        assert sb.count("PUT", "/rest/api/{v}/issue/{key}") == clean_writes
        assert app.store.cursor("sandbox", "project = SUP") >= cursor
        app.close()
