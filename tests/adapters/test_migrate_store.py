"""`sla-sync migrate-store`: a SQLite state store moves into PostgreSQL whole, once."""

from __future__ import annotations

import time

import yaml

from sync.adapters.pg_queue import PgEventQueue
from sync.adapters.pg_store import PgStore
from sync.adapters.queue import EventQueue
from sync.adapters.store import StateStore
from sync.adapters.store_tables import NoticeRow
from sync.cli.main import main
from sync.errors import EXIT_OK, EXIT_STORE


def _filled(path):
    store, queue = StateStore(path), EventQueue(path)
    store.advance_cursor("jira", "project = SUP", 1_700_000_000_000_000)
    store.record_issue("jira", "SUP-1", seen_updated_us=5, check_us=9, state="running",
                       breached=True, due_us=8, hours_written_us=7, recorded_us=6)  # fmt: skip
    store.record_failure("jira", "SUP-2", "priority 'P9' is not mapped", 3)
    store.mark_intent("jira", "SUP-1", "breach-comment", "done", 4)
    n = NoticeRow("ack", "comment", None, None, "Заявка SUP-1 принята", None, "pending", 0, None)
    store.add_notice("jira", "SUP-1", n, 2)
    store.swap_pass_start("jira", 11)
    queue.put("jira", "SUP-3", "jira:d1", now_us=1)
    queue.put("jira", "SUP-3", now_us=2)
    store.close()
    queue.close()


def test_every_row_moves_and_a_second_copy_is_refused(tmp_path, pg_url, capsys):
    state = tmp_path / "state.sqlite3"
    _filled(state)
    cfg = tmp_path / "settings.yaml"
    cfg.write_text(yaml.safe_dump({"state_path": str(state), "state_url": pg_url}), "utf-8")
    assert main(["--config", str(cfg), "migrate-store"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "1 issues" in out and "2 webhook_queue" in out and pg_url.rsplit("/", 1)[1] in out

    old, new = StateStore(state), PgStore(pg_url)
    for method, args in [
        ("cursor", ("jira", "project = SUP")),
        ("issue", ("jira", "SUP-1")),
        ("failures", ("jira",)),
        ("intent", ("jira", "SUP-1", "breach-comment")),
        ("notices", ("jira", "SUP-1")),
        ("swap_pass_start", ("jira", 12)),
    ]:
        assert getattr(new, method)(*args) == getattr(old, method)(*args), method
    old.close()
    new.close()
    queue = PgEventQueue(pg_url)
    assert not queue.put("jira", "SUP-3", "jira:d1"), "delivery ids came along"
    queue.put("jira", "SUP-4")  # a new event gets an id after the copied ones
    batch = queue.claim(time.time_ns() // 1000)
    assert (batch.key, batch.ids) == ("SUP-3", (1, 2)), "queued events kept their order"
    queue.close()

    assert main(["--config", str(cfg), "migrate-store"]) == EXIT_STORE
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already holds sla-sync state (1 cursors, 1 issues" in err[0]
    assert "nothing was copied" in err[0]
