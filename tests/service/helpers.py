"""Start `sla-sync run` as a subprocess against an in-process sandbox, and poll it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-for-tests-only"


def settings_yaml(sb, state: Path, **service: Any) -> dict[str, Any]:
    """Settings for a service over the sandbox (fast retries, port 0, signed webhooks)."""
    cloud = sb.mode == "cloud"
    tracker = {"name": "sandbox", "url": sb.url, "scope": "project = SUP"}
    tracker.update({"email": sb.email, "token": sb.token} if cloud else {"pat": sb.token})
    return {
        "state_path": str(state),
        "closed_lookback_days": None,
        "trackers": [tracker],
        "retry": {"max_attempts": 8, "base_delay": 0.01, "max_delay": 0.05,
                  "max_retry_after": 0.1, "max_total": 30, "timeout": 10},
        "service": {"host": "127.0.0.1", "port": 0, "jira_webhook_secret": SECRET,
                    "sync_interval_minutes": 30, "sweep_interval_seconds": 600,
                    "coalesce_seconds": 0.05, "shutdown_grace_seconds": 3, **service},
    }  # fmt: skip


class ServiceProcess:
    """`sla-sync --config FILE run` in a subprocess; always killed by `close()`."""

    def __init__(self, config: dict[str, Any], workdir: Path, now: str | None = None) -> None:
        self.config_path = workdir / f"settings-{time.monotonic_ns()}.yaml"
        self.config_path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
        self.stderr_path = self.config_path.with_suffix(".stderr.log")
        cmd = [sys.executable, "-m", "sync.cli", "--config", str(self.config_path), "run"]
        if now:
            cmd += ["--now", now]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLA_SYNC_")}
        self._stderr = self.stderr_path.open("wb")
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=self._stderr, text=True
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self._wait_for_url(timeout=30)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def _wait_for_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if m := re.search(r"listening on (http://\S+)", line):
                    return m.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.close()
        raise AssertionError(f"service did not start within {timeout}s:\n{self.stderr()[-3000:]}")

    def stderr(self) -> str:
        """Everything the service logged so far."""
        return self.stderr_path.read_text("utf-8", errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        """GET a path; (status, body text)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """POST raw bytes; (status, body text)."""
        req = urllib.request.Request(self.url + path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def metric(self, name: str, **labels: str) -> float:
        """Sum of one metric's samples whose labels include `labels` (0 when absent)."""
        _, text = self.get("/metrics")
        total = 0.0
        for line in text.splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            head, _, value = line.rpartition(" ")
            if all(f'{k}="{v}"' in head for k, v in labels.items()):
                total += float(value)
        return total

    def terminate(self, timeout: float = 10) -> int:
        """SIGTERM and wait; the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        self.proc.kill()
        self.proc.wait(10)

    def close(self) -> None:
        """Kill if still running and release the files."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._stderr.close()

    def __enter__(self) -> ServiceProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def free_port() -> int:
    """A port nothing listens on now (for a service whose URL must be known before it starts)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check: Callable[[], Any], timeout: float, what: str, interval: float = 0.1) -> Any:
    """Poll `check` until it returns something truthy; AssertionError naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def queued_rows(state: Path) -> int:
    """Rows in the webhook queue table of a state file (read-only)."""
    import sqlite3

    db = sqlite3.connect(f"file:{state}?mode=ro", uri=True, timeout=5)
    try:
        return db.execute("SELECT count(*) FROM webhook_queue").fetchone()[0]
    finally:
        db.close()


def as_json(text: str) -> Any:
    """Parse a JSON response body."""
    return json.loads(text)
