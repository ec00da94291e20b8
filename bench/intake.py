"""Queue intake: durable commits per second, SQLite beside PostgreSQL with one and two instances.

`put`: processes committing events in a loop (each event one committed transaction, fsync'd).
`http`: signed webhook POSTs through `WebhookApp` on waitress, one server process per
instance, four client threads spread round-robin over the instances.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

SECRET = "bench-secret"
_ROOT = Path(__file__).resolve().parents[1]


def _queue(where: str):
    if where.startswith("postgresql://"):
        from sync.adapters.pg_queue import PgEventQueue

        return PgEventQueue(where)
    from sync.adapters.queue import EventQueue

    return EventQueue(where)


def put_loop(where: str, seconds: float, tag: str) -> int:
    """Commit events for `seconds`; how many."""
    q = _queue(where)
    n, stop = 0, time.monotonic() + seconds
    while time.monotonic() < stop:
        q.put("jira", f"SUP-{n % 500 + 1}", f"{tag}:{n}")
        n += 1
    q.close()
    return n


def serve(where: str) -> None:
    """An intake-only server (no workers): prints its URL, serves until killed."""
    from pydantic import SecretStr
    from waitress import create_server

    from config.settings import ServiceSettings
    from sync.logs import configure_logging
    from sync.service.metrics import Metrics
    from sync.service.wsgi import WebhookApp

    configure_logging("json", "warning")  # one log line per event would be the bottleneck

    class Routes:
        def tracker_of_kind(self, kind: str, name: str | None = None) -> str:
            return "jira"

        def pass_age(self) -> float:
            return 0.0

        def out_of_scope(self, tracker: str, key: str) -> bool:
            return False

        def store_problem(self) -> str | None:
            return None

    cfg = ServiceSettings(jira_webhook_secret=SecretStr(SECRET))
    server = create_server(WebhookApp(Routes(), _queue(where), Metrics(), cfg), port=0)
    print(f"http://127.0.0.1:{server.effective_port}", flush=True)  # type: ignore[union-attr]
    server.run()


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.intake", *args], cwd=_ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def puts(where: str, processes: int, seconds: float) -> float:
    """Events/s committed by `processes` processes at once."""
    procs = [_spawn("put", where, str(seconds), f"p{i}-{time.monotonic_ns()}")
             for i in range(processes)]  # fmt: skip
    return sum(int(p.communicate(timeout=seconds + 60)[0].strip()) for p in procs) / seconds


def http(where: str, instances: int, seconds: float, clients: int = 4) -> float:
    """Signed POSTs/s through `instances` server processes (clients round-robin)."""
    procs = [_spawn("serve", where) for _ in range(instances)]
    try:
        urls = [p.stdout.readline().strip() + "/webhooks/jira" for p in procs]  # type: ignore[union-attr]
        counts = [0] * clients
        stop = time.monotonic() + seconds

        def client(c: int) -> None:
            i = 0
            while time.monotonic() < stop:
                body = json.dumps({"issue": {"key": f"SUP-{i % 500 + 1}"}}).encode()
                sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                headers = {
                    "X-Hub-Signature": sig,
                    "X-Atlassian-Webhook-Identifier": f"{c}-{i}-{time.monotonic_ns()}",
                }
                url = urls[(c + i) % len(urls)]
                req = urllib.request.Request(url, data=body, method="POST", headers=headers)
                with urllib.request.urlopen(req, timeout=10) as resp:
                    resp.read()
                counts[c] += 1
                i += 1

        start = time.monotonic()
        threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sum(counts) / (time.monotonic() - start)
    finally:
        for p in procs:
            p.kill()
            p.wait(10)


def main(pg_url: str, seconds: float = 5.0) -> None:
    """Print the intake table (SQLite beside PostgreSQL with one and two instances)."""
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = str(Path(tmp) / "q.sqlite3")
        rows = [
            ("put", "SQLite", 1, puts(sqlite, 1, seconds)),
            ("put", "PostgreSQL", 1, puts(pg_url, 1, seconds)),
            ("put", "PostgreSQL", 2, puts(pg_url, 2, seconds)),
            ("http", "SQLite", 1, http(sqlite, 1, seconds)),
            ("http", "PostgreSQL", 1, http(pg_url, 1, seconds)),
            ("http", "PostgreSQL", 2, http(pg_url, 2, seconds)),
        ]
    print("\n(5) durable queue intake (each event one committed, fsync'd transaction)")
    print(f"  {'path':<6}{'store':<12}{'inst':>4}{'events/s':>10}{'vs SQLite':>10}")
    for path, store, n, rate in rows:
        peer = next(r for p, s, _, r in rows if p == path and s == "SQLite")
        print(f"  {path:<6}{store:<12}{n:>4}{rate:>10,.0f}{rate / peer:>10.2f}")


if __name__ == "__main__":
    if sys.argv[1] == "put":
        print(put_loop(sys.argv[2], float(sys.argv[3]), sys.argv[4]))
    else:
        serve(sys.argv[2])
