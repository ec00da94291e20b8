"""The scheduler lease on PostgreSQL: one leader, the next takes over when its session ends,
and cron `sync` keeps to the same one-pass-at-a-time rule (exit 3 beside a leader)."""

from __future__ import annotations

import psycopg
import yaml

from sandbox import start_sandbox
from sync.adapters.pg_store import PgStore
from sync.cli.main import main
from sync.errors import EXIT_BUSY
from sync.service.lease import Lease


def test_one_leader_and_the_standby_takes_over_when_the_leaders_session_ends(pg_url):
    a, b = PgStore(pg_url), PgStore(pg_url)
    first, second = Lease(a, 1.0), Lease(b, 1.0)
    first.tick()
    second.tick()
    assert (first.role, second.role) == ("leader", "standby")
    second.tick()
    assert second.role == "standby", "tried again: still held"
    # The leader's session ends as a killed process' does (the server ends the backend).
    with psycopg.connect(pg_url, autocommit=True) as c:
        ended = c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
            "AND objsubid = 2 AND granted"
        ).fetchall()
    assert ended == [(True,)]
    second.tick()
    assert second.role == "leader" and second.generation == 1
    first.tick()  # the old leader's ping fails: it stops leading
    assert first.role == "standby"
    first.stop(1)
    second.stop(1)
    a.close()
    b.close()


def test_cron_sync_beside_a_leader_exits_3_and_writes_nothing(pg_url, tmp_path, capsys):
    leader = PgStore(pg_url)
    lease = Lease(leader, 1.0)
    lease.tick()
    assert lease.role == "leader"
    with start_sandbox(scenario="demo") as sb:
        cfg = tmp_path / "settings.yaml"
        tracker = {"name": "sandbox", "url": sb.url, "scope": "project = SUP",
                   "email": sb.email, "token": sb.token}  # fmt: skip
        cfg.write_text(
            yaml.safe_dump({"state_url": pg_url, "state_lock_wait_seconds": 0,
                            "closed_lookback_days": None, "trackers": [tracker]}),
            "utf-8",
        )  # fmt: skip
        sb.reset_requests()
        assert main(["--config", str(cfg), "sync"]) == EXIT_BUSY
        [line] = capsys.readouterr().err.strip().splitlines()
        assert line.startswith("sla-sync: state store postgresql://postgres@127.0.0.1:")
        assert "in use by another sla-sync process" in line and "nothing was done" in line
        writes = [e for e in sb.requests(log=True)["log"] if e["method"] in ("PUT", "POST")]
        assert writes == []
        lease.stop(1)  # the leader goes: the cron pass runs
        assert main(["--config", str(cfg), "sync"]) == 0
        assert any(e["method"] == "PUT" for e in sb.requests(log=True)["log"])
    leader.close()
