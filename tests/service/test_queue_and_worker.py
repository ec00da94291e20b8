"""The durable queue and its worker: coalescing, restart, retry and drop rules."""

from __future__ import annotations

import pytest

from sync.adapters.queue import EventQueue
from sync.errors import FatalTrackerError, RetriableTrackerError
from sync.service.commands import RecomputeIssue
from sync.service.worker import Worker


@pytest.fixture
def queue(tmp_path):
    q = EventQueue(tmp_path / "state.sqlite3")
    yield q
    q.close()


def test_a_burst_on_one_issue_becomes_one_recompute(queue):
    handled = []
    for _ in range(5):
        queue.put("jira", "SUP-1")
    queue.put("jira", "SUP-2")
    worker = Worker(queue, handled.append, coalesce_seconds=0)
    while worker.step():
        pass
    assert handled == [RecomputeIssue("jira", "SUP-1"), RecomputeIssue("jira", "SUP-2")]
    assert queue.depth() == 0


def test_events_survive_a_reopen_and_are_deleted_only_after_processing(tmp_path):
    path = tmp_path / "state.sqlite3"
    q = EventQueue(path)
    q.put("jira", "SUP-1", "jira:d1")
    q.close()  # the process dies here
    q = EventQueue(path)
    assert q.depth() == 1
    assert not q.put("jira", "SUP-1", "jira:d1"), "the delivery id is remembered across restarts"
    batch = q.take("jira", "SUP-1")
    q.put("jira", "SUP-1")  # arrives while the first is being processed
    q.done(batch)
    assert q.depth() == 1, "an event that arrived during processing stays queued"
    q.close()


def test_a_tracker_outage_keeps_the_event_for_the_next_try(queue):
    queue.put("jira", "SUP-1")

    def down(cmd):
        raise RetriableTrackerError("Jira is down", status=503)

    with pytest.raises(RetriableTrackerError):
        Worker(queue, down, coalesce_seconds=0).step()
    assert queue.depth() == 1


def test_an_issue_that_is_gone_is_dropped_but_bad_credentials_are_not(queue):
    queue.put("jira", "SUP-404")

    def gone(cmd):
        raise FatalTrackerError("GET issue -> HTTP 404", status=404)

    assert Worker(queue, gone, coalesce_seconds=0).step()
    assert queue.depth() == 0
    queue.put("jira", "SUP-1")

    def unauthorized(cmd):
        raise FatalTrackerError("HTTP 401", status=401)

    with pytest.raises(FatalTrackerError):
        Worker(queue, unauthorized, coalesce_seconds=0).step()
    assert queue.depth() == 1


def test_old_delivery_ids_are_forgotten(queue):
    queue.put("jira", "SUP-1", "jira:old", now_us=1_000)
    queue.put("jira", "SUP-1", "jira:new", now_us=5_000)
    assert queue.prune_seen(older_than_us=2_000) == 1
    assert queue.put("jira", "SUP-1", "jira:old")
    assert not queue.put("jira", "SUP-1", "jira:new")


def test_worker_thread_stops_promptly_when_idle(queue):
    worker = Worker(queue, lambda cmd: None)
    worker.start()
    assert worker.stop(timeout=3)
