"""Scheduled work never blocks webhook work: a webhook's issue is recomputed and written while
a scheduled pass is still reading (before issue 15, one lock per tracker made it wait for the
whole pass)."""

from __future__ import annotations

import functools
import threading

from sandbox import start_sandbox
from sync.adapters.queue import EventQueue
from sync.service.commands import Service, SyncSince
from sync.service.metrics import Metrics
from sync.service.worker import Worker
from tests.sync.sandbox_app import make_app, sla_state


def test_a_webhook_is_written_back_while_the_scheduled_pass_is_in_progress(tmp_path):
    state = tmp_path / "state.sqlite3"
    with start_sandbox(scenario="demo") as sb:
        app = make_app(sb, state)
        service = Service(app, Metrics())
        lane = service.new_lane()
        runner = app.runner()
        searching, finish = threading.Event(), threading.Event()
        search = runner.b.tracker.search

        def slow_search(*args, **kwargs):  # the pass holds here until the test lets it go
            searching.set()
            finish.wait(60)
            yield from search(*args, **kwargs)

        runner.b.tracker.search = slow_search  # type: ignore[method-assign]
        with app.store.lock():  # as `run` does for its life on SQLite
            scheduled = threading.Thread(target=service.handle, args=(SyncSince("sandbox"),))
            scheduled.start()
            assert searching.wait(60), "the pass started"
            queue = EventQueue(state)
            queue.put("sandbox", "SUP-7")
            worker = Worker(queue, functools.partial(service.handle, lane=lane), 0)
            done = threading.Thread(target=worker.step)
            done.start()
            done.join(60)
            assert not done.is_alive(), "the webhook waited for the pass"
            assert scheduled.is_alive(), "the pass is still in progress"
            assert sla_state(sb)["SUP-7"]["SLA state"], "SUP-7 was written back meanwhile"
            assert queue.depth() == 0
            finish.set()
            scheduled.join(60)
        assert all(v["SLA state"] for v in sla_state(sb).values()), "then the pass wrote the rest"
        queue.close()
        app.close()
