"""Service figures: webhook -> write-back latency under load, and the queue's intake rate.

`webhook_latency()` starts a sandbox Jira in this process and `sla-sync run` as a subprocess,
makes human changes at a fixed rate (each one a signed webhook), and times each change until
the service's PUT of that issue reaches the sandbox. `queue_intake()` times `EventQueue.put`
(one durable commit per event) and signed POSTs through waitress.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

SECRET = "bench-secret"
_PRIORITIES = ("Критический", "Высокий", "Средний", "Низкий")
_PUT = "/rest/api/{v}/issue/{key}"


def _start_service(sb: Any, workdir: Path, now: str) -> tuple[subprocess.Popen, str]:
    config = {
        "state_path": str(workdir / "state.sqlite3"),
        "closed_lookback_days": None,
        "trackers": [{"name": "sandbox", "url": sb.url, "scope": "project = SUP",
                      "email": sb.email, "token": sb.token}],
        "log_level": "warning",
        "service": {"port": 0, "jira_webhook_secret": SECRET, "coalesce_seconds": 0.05,
                    "sync_interval_minutes": 60, "sweep_interval_seconds": 3600},
    }  # fmt: skip
    path = workdir / "settings.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLA_SYNC_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.cli", "--config", str(path), "run", "--now", now],
        cwd=Path(__file__).resolve().parents[1], env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    m = re.search(r"listening on (http://\S+)", line)
    if not m:
        proc.kill()
        raise RuntimeError(f"sla-sync run did not start: {line!r}")
    return proc, m.group(1)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def webhook_latency(rate: float = 50.0, duration: float = 60.0) -> dict[str, Any]:
    """p50/p99 from a human change to the service's write-back, at `rate` changes/s."""
    from sandbox import start_sandbox

    now = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0).isoformat()
    puts: list[tuple[float, str]] = []  # (monotonic, path) of every PUT the bot made
    with tempfile.TemporaryDirectory() as tmp, start_sandbox(scenario="demo") as sb:
        record = sb.server.record

        def stamped(entry: dict[str, Any]) -> None:
            if entry["route"] == _PUT and entry["method"] == "PUT":
                puts.append((time.monotonic(), entry["path"]))
            record(entry)

        sb.server.record = stamped  # type: ignore[method-assign]
        proc, url = _start_service(sb, Path(tmp), now)
        try:
            sb.set_webhook(url + "/webhooks/jira", SECRET)
            keys = [i["key"] for i in sb.issues()["issues"]]
            _wait(lambda: len({p for _, p in puts}) >= len(keys), 60, "the first pass")
            _wait(lambda: _depth(url) == 0, 60, "the first pass's webhooks")
            events: list[tuple[float, str]] = []
            start = time.monotonic()
            n = int(rate * duration)
            for i in range(n):
                due = start + i / rate
                if (pause := due - time.monotonic()) > 0:
                    time.sleep(pause)
                key = keys[i % len(keys)]
                priority = _PRIORITIES[(i // len(keys)) % len(_PRIORITIES)]
                at = time.monotonic()
                if sb.human_change(key, {"priority": priority})["history"]:
                    events.append((at, key))  # a same-value change makes no event
            achieved = n / (time.monotonic() - start)
            _wait(lambda: _depth(url) == 0 and sb.sender._queue.empty(), 120, "the queue to drain")
            time.sleep(0.5)
            latencies, unwritten = _match(events, puts)
            stale = _clean_run_diff(sb, Path(tmp), now)
        finally:
            proc.kill()
            proc.wait(10)
    return {
        "events": len(events),
        "rate": achieved,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": 1000 * _pct(latencies, 0.99) if latencies else float("nan"),
        "max_ms": 1000 * max(latencies) if latencies else float("nan"),
        "unwritten": unwritten,  # changes whose recompute found nothing to write
        "lost": stale,  # issues a clean run would still change: events lost in effect
    }


def _clean_run_diff(sb: Any, workdir: Path, now: str) -> int:
    """Issues a from-scratch dry run (same clock) would still write: 0 = nothing lost."""
    from pydantic import SecretStr

    from config.settings import Settings, TrackerSettings
    from sync.composition import App

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


def _match(events: list[tuple[float, str]], puts: list[tuple[float, str]]) -> tuple[list, int]:
    """Each event's latency: the first PUT of its issue after it; none = lost."""
    by_key: dict[str, list[float]] = {}
    for at, path in puts:
        by_key.setdefault(path.rsplit("/", 1)[-1], []).append(at)
    latencies, lost = [], 0
    for at, key in events:
        later = [t for t in by_key.get(key, ()) if t >= at]
        if later:
            latencies.append(min(later) - at)
        else:
            lost += 1
    return latencies, lost


def queue_intake(seconds: float = 5.0, clients: int = 4) -> dict[str, float]:
    """Durable commits per second: `EventQueue.put` directly, and signed POSTs via waitress."""
    from sync.adapters.queue import EventQueue
    from sync.logs import configure_logging

    configure_logging("json", "warning")  # one log line per event would be the bottleneck

    with tempfile.TemporaryDirectory() as tmp:
        q = EventQueue(Path(tmp) / "q.sqlite3")
        n, start = 0, time.monotonic()
        while time.monotonic() - start < seconds:
            q.put("jira", f"SUP-{n % 500 + 1}", f"jira:{n}")
            n += 1
        direct = n / (time.monotonic() - start)
        q.close()
    return {"direct_per_s": direct, "http_per_s": _http_intake(seconds, clients)}


def _http_intake(seconds: float, clients: int) -> float:
    from pydantic import SecretStr
    from waitress import create_server

    from config.settings import ServiceSettings
    from sync.adapters.queue import EventQueue
    from sync.service.metrics import Metrics
    from sync.service.wsgi import WebhookApp

    class Routes:
        def tracker_of_kind(self, kind: str, name: str | None = None) -> str:
            return "jira"

        def pass_age(self) -> float:
            return 0.0

    with tempfile.TemporaryDirectory() as tmp:
        q = EventQueue(Path(tmp) / "q.sqlite3")
        cfg = ServiceSettings(jira_webhook_secret=SecretStr(SECRET))
        server = create_server(WebhookApp(Routes(), q, Metrics(), cfg), host="127.0.0.1", port=0)
        threading.Thread(target=server.run, daemon=True).start()
        url = f"http://127.0.0.1:{server.effective_port}/webhooks/jira"  # type: ignore[union-attr]
        counts = [0] * clients
        stop = time.monotonic() + seconds

        def client(c: int) -> None:
            i = 0
            while time.monotonic() < stop:
                body = json.dumps({"issue": {"key": f"SUP-{i % 500 + 1}"}}).encode()
                sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                headers = {"X-Hub-Signature": sig, "X-Atlassian-Webhook-Identifier": f"{c}-{i}"}
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
        rate = sum(counts) / (time.monotonic() - start)
        q.close()  # the server thread is a daemon; closing it under asyncore only adds noise
    return rate


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


def main(duration: float = 60.0) -> None:
    """Print the service section (the lead wires this into `python -m bench service`)."""
    r = webhook_latency(duration=duration)
    print(f"\n(3) webhook -> write-back, sandbox Jira, {r['events']} changes at {r['rate']:.1f}/s")
    p50, p99, top = r["p50_ms"], r["p99_ms"], r["max_ms"]
    print(f"  latency p50 / p99 / max   {p50:>7.0f} / {p99:.0f} / {top:.0f} ms")
    print(f"  lost (clean-run diff)     {r['lost']:>7d} (required: 0)")
    print(f"  changes with nothing to write {r['unwritten']:>3d} (fields already right)")
    q = queue_intake()
    print("\n(4) durable queue intake (one fsync'd SQLite commit per event)")
    print(f"  EventQueue.put            {q['direct_per_s']:>12,.0f} events/s")
    print(f"  signed POST via waitress  {q['http_per_s']:>12,.0f} events/s (4 clients)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)
