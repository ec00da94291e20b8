"""Two `sla-sync sync` processes on one state store: one writes, the other waits or exits 3.

Before the store lock, two overlapping passes (a cron job that runs long, or cron beside
`run`) sent 118 of 120 closure e-mails and 90 of 90 acknowledgements twice. Here the test
holds the store's lock itself while both processes start, sees both waiting for it (their
`store.lock_wait` log line), and lets go: they then run one after the other.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import yaml

from sandbox import start_sandbox
from sync.adapters.store import StateStore
from sync.errors import EXIT_BUSY
from tests.notify.test_closure_email import scenario as closure_scenario
from tests.notify.test_closure_email import smtp_server, smtp_settings
from tests.service.helpers import wait_until
from tests.sync.sandbox_app import make_app

ROOT = Path(__file__).resolve().parents[2]
WRITE = "/rest/api/{v}/issue/{key}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(sb, tmp_path: Path, smtp_port: int, wait: float) -> Path:
    smtp = smtp_settings(smtp_port).model_dump(mode="json", exclude_none=True)
    cfg = {
        "state_path": str(tmp_path / "state.sqlite3"),
        "state_lock_wait_seconds": wait,
        "closed_lookback_days": None,
        "breach_comment": True,
        "log_format": "json",
        "retry": {"max_attempts": 8, "base_delay": 0.01, "max_delay": 0.05, "max_total": 30},
        "smtp": smtp,
        "trackers": [
            {
                "name": "sandbox",
                "url": sb.url,
                "email": sb.email,
                "token": sb.token,
                "scope": "project = SUP",
            }
        ],
    }
    path = tmp_path / f"settings-{wait:g}.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def _sync(cfg: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sync.cli", "--config", str(cfg), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        cwd=ROOT,
    )


def _create(sb, n: int) -> list[str]:
    import requests

    keys = []
    for i in range(n):
        resp = requests.post(
            f"{sb.url}/rest/api/2/issue",
            json={
                "fields": {
                    "project": {"key": "SUP"},
                    "summary": f"Новая заявка {i}",
                    "issuetype": {"name": "Запрос"},
                    "priority": {"name": "Средний"},
                }
            },
            headers=sb.headers(human=True),
            timeout=10,
        )
        resp.raise_for_status()
        keys.append(resp.json()["key"])
    return keys


def test_two_overlapping_syncs_send_every_notice_once_and_write_every_issue_once(tmp_path):
    port = _free_port()
    with smtp_server(port) as inbox, start_sandbox(scenario=closure_scenario()) as sb:
        state, now = tmp_path / "state.sqlite3", lambda: datetime.now(UTC)
        first = make_app(sb, state, clock=now, smtp=smtp_settings(port))
        assert not first.runner().sync_since().failed  # takes stock: notifies nobody
        first.close()
        for key in ("SUP-1", "SUP-2", "SUP-3"):
            sb.human_change(key, {"status": "Выполнено", "resolution": "Решена"})
        new = _create(sb, 4)
        sb.reset_requests()
        cfg = _config(sb, tmp_path, port, wait=60)
        holder = StateStore(tmp_path / "state.sqlite3")
        logs = [tmp_path / "a.log", tmp_path / "b.log"]
        with holder.lock(0):
            procs = [_sync(cfg, log) for log in logs]
            wait_until(
                lambda: all(b"store.lock_wait" in log.read_bytes() for log in logs),
                60,
                "both passes to wait for the store lock",
            )
            assert sb.count("PUT", WRITE) == 0  # nothing written while the lock was held
        holder.close()
        for proc, log in zip(procs, logs, strict=True):
            assert proc.wait(120) == 0, log.read_text("utf-8")[-2000:]

        mails = Counter(m["Message-ID"] for m in inbox.messages)
        assert len(mails) == 3 and set(mails.values()) == {1}, mails
        issues = {i["key"]: i for i in sb.issues()["issues"]}
        for key in new:
            acks = [c for c in issues[key]["comments"] if c["body"].startswith(f"Заявка {key}")]
            assert len(acks) == 1, (key, acks)
        writes = Counter(e["path"] for e in sb.requests(log=True)["log"] if e["method"] == "PUT")
        assert writes and set(writes.values()) == {1}, writes  # no issue written twice


def test_a_sync_that_finds_the_store_busy_exits_3_with_one_line_and_touches_nothing(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        cfg = _config(sb, tmp_path, _free_port(), wait=0)
        holder = StateStore(tmp_path / "state.sqlite3")
        log = tmp_path / "busy.log"
        with holder.lock(0):
            sb.reset_requests()
            proc = _sync(cfg, log)
            assert proc.wait(60) == EXIT_BUSY
        holder.close()
        err = log.read_text("utf-8").strip().splitlines()
        assert len(err) == 1, err
        assert err[0].startswith(f"sla-sync: state store {tmp_path / 'state.sqlite3'}: in use")
        assert "nothing was done" in err[0]
        writes = [e for e in sb.requests(log=True)["log"] if e["method"] in ("PUT", "POST")]
        assert writes == []
