"""`sla-sync run` under slow clients, at shutdown, on a busy store and on a bad address."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from pathlib import Path

import pytest
import yaml

from sandbox import start_sandbox
from sync.adapters.store import StateStore
from sync.cli.main import main
from sync.errors import EXIT_BUSY, EXIT_LISTEN
from tests.service.helpers import SECRET, ServiceProcess, settings_yaml, wait_until


def test_healthz_answers_while_110_slow_clients_hold_connections(tmp_path):
    # Before: waitress' default connection limit (100) was full and /healthz timed out 7 of 7.
    with start_sandbox(scenario="demo") as sb:
        config = settings_yaml(sb, tmp_path / "state.sqlite3")
        with ServiceProcess(config, tmp_path) as svc:
            host, port = svc.url.removeprefix("http://").split(":")
            slow = []
            try:
                for _ in range(110):
                    s = socket.create_connection((host, int(port)), timeout=10)
                    s.sendall(b"POST /webhooks/jira HTTP/1.1\r\nHost: x\r\n")  # headers never end
                    slow.append(s)
                status, body = svc.get("/healthz")
                assert status == 200, body
                assert json.loads(body)["store"] == "ok"
            finally:
                for s in slow:
                    s.close()
            assert svc.terminate() == 0


def test_after_sigterm_webhooks_get_503_until_the_issue_in_hand_is_done(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        config = settings_yaml(sb, tmp_path / "state.sqlite3", shutdown_grace_seconds=30)
        with ServiceProcess(config, tmp_path) as svc:
            wait_until(
                lambda: svc.metric("sla_sync_passes_total", kind="SyncSince", result="ok") >= 1,
                30,
                "the first pass",
            )
            # The worker's fetch of SUP-1 waits in the sandbox until the test lets it go.
            sb.set_faults([{"kind": "hold", "method": "GET", "route": "/rest/api/{v}/issue/{key}"}])
            assert svc.post("/webhooks/jira", *_signed("SUP-1"))[0] == 202
            wait_until(lambda: sb.server.held >= 1, 15, "the worker to be busy with SUP-1")
            svc.proc.send_signal(15)
            wait_until(lambda: "service.stopping" in svc.stderr(), 15, "the stop to begin")
            # Before: "connection refused" here. Trackers retry a 503.
            assert svc.post("/webhooks/jira", *_signed("SUP-3")) == (
                503,
                "shutting down, retry later\n",
            )
            status, body = svc.get("/healthz")
            assert status == 503 and json.loads(body)["status"] == "stopping"
            sb.server.release_holds()
            assert svc.proc.wait(30) == 0
            assert '"worker_done": true' in svc.stderr()


def _signed(key: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"webhookEvent": "jira:issue_updated", "issue": {"key": key}}).encode()
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-Hub-Signature": f"sha256={digest}", "Content-Type": "application/json"}


def _run(config: dict, tmp_path: Path, capsys) -> tuple[int, str, str]:
    """`sla-sync --config FILE run` in this process: these failures happen before serving."""
    path = tmp_path / "run.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    code = main(["--config", str(path), "run"])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    ("host", "problem"),
    [("port in use", "the port is in use"), ("no.such.host.invalid", "cannot resolve the host")],
)
def test_run_on_an_address_it_cannot_bind_exits_5_with_one_line(tmp_path, capsys, host, problem):
    with start_sandbox(scenario="demo") as sb, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = settings_yaml(sb, tmp_path / "state.sqlite3", port=port)
        if host != "port in use":
            config["service"]["host"] = host
        code, out, err = _run(config, tmp_path, capsys)
    assert code == EXIT_LISTEN, err
    [line] = [ln for ln in err.splitlines() if ln.startswith("sla-sync:")]
    assert line.startswith("sla-sync: cannot listen on ") and problem in line
    assert "Traceback" not in err and "listening" not in out


def test_run_beside_another_writer_of_the_store_exits_3(tmp_path, capsys):
    state = tmp_path / "state.sqlite3"
    with start_sandbox(scenario="demo") as sb:
        config = settings_yaml(sb, state)
        config["state_lock_wait_seconds"] = 0
        holder = StateStore(state)  # another open file: it conflicts like another process
        with holder.lock(0):
            code, out, err = _run(config, tmp_path, capsys)
        holder.close()
    assert code == EXIT_BUSY, err
    assert f"sla-sync: state store {state}: in use by another sla-sync process" in err
    assert "listening" not in out and "Traceback" not in err
