"""The webhook queue's claims, held by both backends: one issue on one worker at a time, in
order, other issues meanwhile; PostgreSQL also across instances and after an instance died."""

from __future__ import annotations

import time

import pytest

from sync.service.commands import RecomputeIssue
from sync.service.worker import Worker

FAR = 2**62  # "every event is old enough": no coalescing window in these tests


@pytest.fixture(params=["sqlite", "postgres"])
def open_queue(request, tmp_path):
    opened = []
    if request.param == "sqlite":
        from sync.adapters.queue import EventQueue

        def make(**kw):
            opened.append(EventQueue(tmp_path / "state.sqlite3"))
            return opened[-1]
    else:
        from sync.adapters.pg_queue import PgEventQueue

        url = request.getfixturevalue("pg_url")

        def make(**kw):
            opened.append(PgEventQueue(url, **kw))
            return opened[-1]

    yield make
    for q in opened:
        q.close()


def test_an_issue_is_held_by_one_worker_and_the_others_take_other_issues(open_queue):
    q = open_queue()
    for key in ("SUP-1", "SUP-1", "SUP-2"):
        q.put("jira", key)
    first = q.claim(FAR)
    assert (first.key, len(first.ids)) == ("SUP-1", 2), "a burst on one issue is one batch"
    q.put("jira", "SUP-1")  # arrives while SUP-1 is being recomputed
    second = q.claim(FAR)
    assert second.key == "SUP-2", "the held issue is skipped, not waited for"
    assert q.claim(FAR) is None, "SUP-1's new event waits for the worker holding SUP-1"
    q.done(first)
    third = q.claim(FAR)
    assert third.key == "SUP-1" and len(third.ids) == 1, "the later event, after the first batch"
    q.release(third)  # the recompute failed: the event stays, the issue is free again
    assert q.claim(FAR).ids == third.ids
    assert q.depth() == 2


def test_the_coalescing_window_and_delivery_ids(open_queue):
    q = open_queue()
    assert q.put("jira", "SUP-1", "jira:d1", now_us=1_000)
    assert not q.put("jira", "SUP-1", "jira:d1"), "a redelivery is recognised"
    assert q.next_ready_us() == 1_000
    assert q.claim(ready_before_us=999) is None, "still inside its window"
    assert q.claim(ready_before_us=1_000).key == "SUP-1"
    assert q.next_ready_us() is None, "nothing unheld waits"


def test_workers_recompute_each_issue_in_arrival_order(open_queue):
    q = open_queue()
    for key in ("SUP-2", "SUP-1", "SUP-2", "SUP-3"):
        q.put("jira", key)
    handled = []
    worker = Worker(q, handled.append, coalesce_seconds=0)
    while worker.step():
        pass
    assert handled == [RecomputeIssue("jira", k) for k in ("SUP-2", "SUP-1", "SUP-3")]
    assert q.depth() == 0


def test_two_instances_never_hold_one_issue_and_a_dead_ones_claims_return(pg_url):
    # PostgreSQL only: SQLite has one writing process, whose claims live in that process.
    from sync.adapters.pg_queue import PgEventQueue

    a, b = PgEventQueue(pg_url, claim_seconds=0.5), PgEventQueue(pg_url, claim_seconds=0.5)
    a.put("jira", "SUP-1")
    b.put("jira", "SUP-1")  # accepted by the other instance
    b.put("jira", "SUP-2")
    held = a.claim(FAR)
    assert held.key == "SUP-1" and len(held.ids) == 2
    assert b.claim(FAR).key == "SUP-2"
    assert b.claim(FAR) is None, "SUP-1 is held by instance a"
    # Instance a dies holding SUP-1 (nothing is released): its claim runs out and returns.
    deadline = time.monotonic() + 60
    while (again := b.claim(FAR)) is None:
        assert time.monotonic() < deadline, "the dead instance's claim never ran out"
        time.sleep(0.1)
    assert again.ids == held.ids
    a.close()
    b.close()
