"""Service figures: webhook -> write-back latency under load, on SQLite and on PostgreSQL with
one and two instances.

`webhook_latency()` starts a sandbox Jira in this process, `sla-sync run` as one or two
subprocesses behind a round-robin balancer (the same hop for one instance as for two), adds
200 open requests (their clocks run, so every priority change moves their deadline: each
change needs a write-back), makes human changes at a fixed rate (each one a signed webhook),
and times each change until the service's PUT of that issue reaches the sandbox. A change
whose issue changes again before any PUT is counted as `superseded` (its write-back is the
later one's), never matched to a later change's write.

The sandbox posts its webhooks one at a time from one thread; a real Jira dispatches them
concurrently, and at 100+ webhooks/s (the changes and the webhooks our writes cause) one
sender becomes the bottleneck the figures would measure. Here 8 threads deliver them.
"""

from __future__ import annotations

import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

SECRET = "bench-secret"
_PRIORITIES = ("Критический", "Высокий", "Средний", "Низкий")
_PUT = "/rest/api/{v}/issue/{key}"
_ROOT = Path(__file__).resolve().parents[1]
NEW_ISSUES = 200


def _start_service(sb: Any, workdir: Path, now: str, state_url: str | None, n: int):
    service = {"port": 0, "jira_webhook_secret": SECRET, "coalesce_seconds": 0.05,
               "sync_interval_minutes": 60, "sweep_interval_seconds": 3600}  # fmt: skip
    config: dict[str, Any] = {
        "state_path": str(workdir / "state.sqlite3"),
        "closed_lookback_days": None,
        "trackers": [{"name": "sandbox", "url": sb.url, "scope": "project = SUP",
                      "email": sb.email, "token": sb.token}],
        "log_level": "warning",
        "service": service,
    }  # fmt: skip
    if state_url:
        config["state_url"] = state_url
    path = workdir / f"settings-{n}.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLA_SYNC_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.cli", "--config", str(path), "run", "--now", now],
        cwd=_ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"listening on (http://\S+)", line)
    if not m:
        proc.kill()
        raise RuntimeError(f"sla-sync run did not start: {line!r}")
    return proc, m.group(1)


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A throw-away PostgreSQL server (fsync on: the figures are for a durable commit)."""
    sys.path.insert(0, str(_ROOT))
    from tests.pg_server import running

    with running(durable=True) as server:
        yield server.create_db()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _new_issues(sb: Any, n: int) -> list[str]:
    """`n` new requests made by a person (open: their SLA clock runs)."""
    import requests

    keys = []
    with requests.Session() as http:
        for i in range(n):
            resp = http.post(
                f"{sb.url}/rest/api/2/issue",
                json={"fields": {"project": {"key": "SUP"}, "summary": f"Нагрузка {i}",
                                 "issuetype": {"name": "Запрос"}, "priority": {"name": "Средний"}}},
                headers=sb.headers(human=True),
                timeout=10,
            )  # fmt: skip
            resp.raise_for_status()
            keys.append(resp.json()["key"])
    return keys


class _Senders:
    """Deliver the sandbox's webhooks from a pool of threads (as a tracker does)."""

    def __init__(self, sb: Any, threads: int = 8) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="bench-webhooks")
        self.inflight = 0
        self._guard = threading.Lock()
        self.sender = sb.sender
        deliver = sb.sender._deliver

        def submit(body: bytes) -> None:
            with self._guard:
                self.inflight += 1
            self.pool.submit(self._run, deliver, body)

        sb.sender._deliver = submit

    def _run(self, deliver: Any, body: bytes) -> None:
        try:
            deliver(body)
        finally:
            with self._guard:
                self.inflight -= 1

    def idle(self) -> bool:
        """Every webhook queued so far was delivered."""
        return self.sender.idle() and self.inflight == 0


def webhook_latency(
    rate: float = 50.0, duration: float = 60.0, state_url: str | None = None, instances: int = 1
) -> dict[str, Any]:
    """p50/p99/max from a human change to the service's write-back, at `rate` changes/s."""
    from sandbox import start_sandbox
    from tests.service.balancer import Balancer

    now = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0).isoformat()
    puts: list[tuple[float, str]] = []  # (monotonic, path) of every PUT the bot made
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp, start_sandbox(scenario="demo") as sb, Balancer(
    ) as lb:  # fmt: skip
        record = sb.server.record

        def stamped(entry: dict[str, Any]) -> None:
            if entry["route"] == _PUT and entry["method"] == "PUT":
                puts.append((time.monotonic(), entry["path"]))
            record(entry)

        sb.server.record = stamped  # type: ignore[method-assign]
        senders = _Senders(sb)
        keys = _new_issues(sb, NEW_ISSUES)
        try:
            for n in range(instances):
                proc, url = _start_service(sb, Path(tmp), now, state_url, n)
                procs.append(proc)
                lb.backends.append(url)
            first = lb.backends[0]
            sb.set_webhook(lb.url + "/webhooks/jira", SECRET)
            written = lambda: len({p.rsplit("/", 1)[-1] for _, p in puts} & set(keys))  # noqa: E731
            _wait(lambda: written() == len(keys), 120, "the first pass")
            _wait(lambda: _depth(first) == 0 and senders.idle(), 120, "the first webhooks")
            events: list[tuple[float, str]] = []
            start = time.monotonic()
            n_changes = int(rate * duration)
            for i in range(n_changes):
                due = start + i / rate
                if (pause := due - time.monotonic()) > 0:
                    time.sleep(pause)
                key = keys[i % len(keys)]
                priority = _PRIORITIES[(i // len(keys)) % len(_PRIORITIES)]
                at = time.monotonic()
                if sb.human_change(key, {"priority": priority})["history"]:
                    events.append((at, key))  # a same-value change makes no event
            achieved = n_changes / (time.monotonic() - start)
            _wait(lambda: _depth(first) == 0 and senders.idle(), 300, "the queue to drain")
            time.sleep(0.5)
            latencies, superseded, unwritten = _match(events, puts)
            stale = _clean_run_diff(sb, Path(tmp), now)
        finally:
            for proc in procs:
                proc.kill()
                proc.wait(10)
    return {
        "events": len(events),
        "rate": achieved,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": 1000 * _pct(latencies, 0.99) if latencies else float("nan"),
        "max_ms": 1000 * max(latencies) if latencies else float("nan"),
        "superseded": superseded,  # changed again before any write: the later write covers it
        "unwritten": unwritten,  # the issue's last change, and no PUT after it
        "lost": stale,  # issues a clean run would still change: events lost in effect
    }


def _clean_run_diff(sb: Any, workdir: Path, now: str) -> int:
    """Issues a from-scratch dry run (same clock) would still write: 0 = nothing lost."""
    from pydantic import SecretStr

    from config.settings import Settings, TrackerSettings
    from sync.composition import App
    from sync.logs import configure_logging

    configure_logging("json", "warning")  # a line per issue would bury the bench's tables
    tracker = TrackerSettings(
        name="sandbox", url=sb.url, scope="project = SUP", email=sb.email,
        token=SecretStr(sb.token),
    )  # fmt: skip
    settings = Settings(
        state_path=workdir / "clean.sqlite3", trackers=[tracker], closed_lookback_days=None
    )
    app = App(settings, clock=lambda: datetime.fromisoformat(now))
    report = app.runner().sync_since(full=True, dry_run=True)
    app.close()
    return sum(1 for o in report.issues if o.outcome == "would-write")


def _match(
    events: list[tuple[float, str]], puts: list[tuple[float, str]]
) -> tuple[list[float], int, int]:
    """Each change's latency: the first PUT of its issue after it and before the issue's
    next change. Without one: superseded (changed again first) or unwritten (its last)."""
    by_key: dict[str, list[float]] = {}
    for at, path in puts:
        by_key.setdefault(path.rsplit("/", 1)[-1], []).append(at)
    following: dict[tuple[float, str], float] = {}
    last: dict[str, float] = {}
    for at, key in sorted(events, reverse=True):
        if key in last:
            following[(at, key)] = last[key]
        last[key] = at
    latencies, superseded, unwritten = [], 0, 0
    for at, key in events:
        until = following.get((at, key), float("inf"))
        hits = [t for t in by_key.get(key, ()) if at <= t < until]
        if hits:
            latencies.append(min(hits) - at)
        elif until != float("inf"):
            superseded += 1
        else:
            unwritten += 1
    return latencies, superseded, unwritten


def _depth(url: str) -> float:
    with urllib.request.urlopen(url + "/metrics", timeout=5) as resp:
        text = resp.read().decode()
    m = re.search(r"^sla_sync_queue_depth (\S+)$", text, re.M)
    return float(m.group(1)) if m else -1


def _wait(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"bench: timed out waiting for {what}")
        time.sleep(0.05)


def main(duration: float = 60.0, rates: tuple[float, ...] = (50.0, 100.0)) -> None:
    """Print the service section: latency per store and instance count, then intake."""
    from bench import intake

    rows = []
    with postgres() as url:
        setups = [("SQLite", None, 1), ("PostgreSQL", url, 1), ("PostgreSQL", url, 2)]
        for rate in rates:
            for name, state_url, n in setups:
                r = webhook_latency(rate, duration, state_url, n)
                rows.append((name, n, rate, r))
                _truncate(state_url)
        best = min(r["p99_ms"] for *_, r in rows)
        print(f"\n(4) webhook -> write-back, sandbox Jira, {NEW_ISSUES} open requests, "
              f"{duration:.0f} s per row, through one round-robin balancer")  # fmt: skip
        print(
            f"  {'store':<11}{'inst':>4}{'rate/s':>8}{'events':>7}{'p50 ms':>8}{'p99 ms':>8}"
            f"{'max ms':>8}{'p99/best':>9}{'superseded':>11}{'unwritten':>10}{'lost':>5}"
        )
        for name, n, _rate, r in rows:
            print(f"  {name:<11}{n:>4}{r['rate']:>8.1f}{r['events']:>7}{r['p50_ms']:>8.0f}"
                  f"{r['p99_ms']:>8.0f}{r['max_ms']:>8.0f}{r['p99_ms'] / best:>9.2f}"
                  f"{r['superseded']:>11}{r['unwritten']:>10}{r['lost']:>5}")  # fmt: skip
        intake.main(url)


def _truncate(state_url: str | None) -> None:
    """Empty a PostgreSQL store between rows (each row starts from a first pass)."""
    if state_url is None:
        return
    import psycopg

    with psycopg.connect(state_url, autocommit=True) as c:
        c.execute("DROP SCHEMA public CASCADE")
        c.execute("CREATE SCHEMA public")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)
