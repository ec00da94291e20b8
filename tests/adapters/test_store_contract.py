"""The state store's contract, held by both backends: SQLite (a file) and PostgreSQL (a real
server started by the `pg_server` fixture). Each test runs once per backend."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from sync.adapters.migrations import LATEST, MIGRATIONS
from sync.adapters.store_tables import NoticeRow
from sync.errors import StoreBusyError, StoreError


@pytest.fixture(params=["sqlite", "postgres"])
def open_store(request, tmp_path):
    """A function opening a store (again) on the same place, closed at the end."""
    opened = []
    if request.param == "sqlite":
        from sync.adapters.store import StateStore

        def make(**kw):
            opened.append(StateStore(tmp_path / "state.sqlite3", **kw))
            return opened[-1]
    else:
        from sync.adapters.pg_store import PgStore

        url = request.getfixturevalue("pg_url")

        def make(**kw):
            opened.append(PgStore(url, **kw))
            return opened[-1]

    yield make
    for s in opened:
        s.close()


@pytest.fixture
def store(open_store):
    return open_store()


def test_the_cursor_only_moves_forward(store):
    assert store.cursor("jira", "project = SUP") is None
    store.advance_cursor("jira", "project = SUP", 200)
    store.advance_cursor("jira", "project = SUP", 100)  # an older page finishing late
    assert store.cursor("jira", "project = SUP") == 200
    assert store.cursor("jira", "project = OTHER") is None


def test_an_issue_round_trips_and_its_failure_is_cleared_by_success(store):
    store.record_failure("jira", "SUP-1", "bad priority", 10)
    store.record_failure("jira", "SUP-1", "still bad", 11)  # the latest reason wins
    assert store.failures("jira") == {"SUP-1": "still bad"}
    store.record_issue("jira", "SUP-1", seen_updated_us=5, check_us=90, state="running",
                       breached=True, due_us=80, hours_written_us=7, recorded_us=9)  # fmt: skip
    seen = store.issue("jira", "SUP-1")
    assert (seen.seen_updated_us, seen.check_us, seen.hours_written_us) == (5, 90, 7)
    assert (seen.state, seen.breached, seen.due_us, seen.recorded_us) == ("running", True, 80, 9)
    assert store.failures("jira") == {}
    assert store.issue("youtrack", "SUP-1") is None


def test_the_sweep_finds_flips_that_came_and_rows_from_the_future(store):
    row = {"state": "running", "breached": False, "due_us": None}
    store.record_issue("jira", "SUP-1", seen_updated_us=1, check_us=100, **row)
    store.record_issue("jira", "SUP-2", seen_updated_us=1, check_us=500, **row)
    store.record_issue("jira", "SUP-3", seen_updated_us=1, check_us=None, recorded_us=900, **row)
    store.record_issue("jira", "SUP-4", seen_updated_us=1, check_us=None, **row)
    assert sorted(store.due_for_check("jira", now_us=200)) == ["SUP-1", "SUP-3"]
    assert store.count_by_state("jira") == {"running": 4}
    assert store.state_counts() == [("jira", "running", 0, 4)]
    assert store.projects("jira") == {"SUP"}


def test_a_notice_is_recorded_once_claimed_once_and_never_reopened(store):
    n = NoticeRow("ack", "comment", None, None, "Заявка SUP-1 принята", None, "pending", 0, None)
    store.add_notice("jira", "SUP-1", n, 10)
    store.add_notice("jira", "SUP-1", dataclasses.replace(n, body="другой текст"), 11)
    assert store.notice("jira", "SUP-1", "ack").body == "Заявка SUP-1 принята"
    assert store.claim_notice("jira", "SUP-1", "ack", "pending", 12, 1)
    assert not store.claim_notice("jira", "SUP-1", "ack", "pending", 13, 1), "claimed twice"
    store.mark_notice("jira", "SUP-1", "ack", "sent", 14)
    store.mark_notice("jira", "SUP-1", "ack", "superseded", 15, only_open=True)
    assert store.notice("jira", "SUP-1", "ack").state == "sent"
    assert store.open_notices("jira", "SUP-1") == []
    assert list(store.notices("jira", "SUP-1")) == ["ack"]
    assert store.notice_counts("jira") == {"sent": 1}


def test_intents_and_the_pass_start(store):
    assert store.intent("jira", "SUP-1", "breach-comment") is None
    store.mark_intent("jira", "SUP-1", "breach-comment", "intended", 1)
    store.mark_intent("jira", "SUP-1", "breach-comment", "done", 2)
    assert store.intent("jira", "SUP-1", "breach-comment") == "done"
    store.clear_intent("jira", "SUP-1", "breach-comment")
    assert store.intent("jira", "SUP-1", "breach-comment") is None
    assert store.swap_pass_start("jira", 100) is None
    assert store.swap_pass_start("jira", 50) == 100  # the clock went back: the caller warns
    assert store.last_pass_ok() is None
    store.mark_pass_ok("jira", 7)
    assert store.last_pass_ok() == 7


def test_one_pass_at_a_time_across_stores_re_entrant_within_one(open_store):
    first, second = open_store(), open_store()
    with first.lock(0):
        with first.lock(0):  # re-entrant: the service's passes inside its own hold
            pass
        busy = pytest.raises(StoreBusyError, match="in use by another sla-sync process")
        with busy, second.lock(0):
            pass
    with second.lock(0):  # let go by the first
        pass


def test_one_thread_per_issue_and_other_issues_go_on(store):
    inside, release = threading.Event(), threading.Event()
    order: list[str] = []

    def hold() -> None:
        with store.issue_lock("jira", "SUP-1"):
            inside.set()
            release.wait(30)
            order.append("first")

    t = threading.Thread(target=hold)
    t.start()
    assert inside.wait(30)
    with store.issue_lock("jira", "SUP-2"):  # another issue: not held up
        order.append("other issue")

    def wait_for_it() -> None:
        with store.issue_lock("jira", "SUP-1"):
            order.append("second")

    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    release.set()
    t.join(30)
    waiter.join(30)
    assert order == ["other issue", "first", "second"]


def test_migrations_are_numbered_applied_once_and_a_newer_store_is_refused(open_store):
    store = open_store()
    assert [r[0] for r in store._f.all("SELECT version FROM schema_version ORDER BY 1")] == [
        m.version for m in MIGRATIONS
    ]
    open_store().close()  # a second open applies nothing
    rows = store._f.all("SELECT count(*) FROM schema_version")
    assert rows[0][0] == LATEST
    with store._f.tx() as db:
        db.execute("INSERT INTO schema_version VALUES (?, 'from the future', 0)", (LATEST + 1,))
    with pytest.raises(StoreError, match=f"version {LATEST + 1}, written by a newer sla-sync"):
        open_store()


def test_the_live_views_read_model_is_kept_by_both_backends(open_store):
    """Migration 4: a request moves between open and closed rows, on either backend."""
    from sync.report.snapshot import Closure, OpenRequest

    live = open_store().live()
    row = OpenRequest(
        tracker="jira", key="SUP-1", status="in_progress", state="running", at_risk=False,
        breached=False, priority="high", line="1-2", customer="Лента", assignee="Анна",
        policy="regulation", due_us=2_000, at_risk_at_us=1_500, elapsed_us=100,
        target_us=1_000, computed_us=1_000_000,
    )  # fmt: skip
    live.record(row)
    live.record(dataclasses.replace(row, state="paused"))  # the upsert keeps one row
    assert live.open_requests() == [dataclasses.replace(row, state="paused")]
    closed = Closure("jira", "SUP-1", 5_000, "met", "high", "1-2", "Лента", "Анна",
                     "regulation", 900, 1_000, 6_000)  # fmt: skip
    live.record(closed)
    assert live.open_requests() == [] and live.closures(0) == [closed]
    assert live.knows("jira", "SUP-1") and not live.knows("youtrack", "SUP-1")
