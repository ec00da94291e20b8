"""A pass killed with SIGKILL at a random point and restarted ends like a clean run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sandbox import start_sandbox
from tests.sync.sandbox_app import sla_state

HOURS = ("SLA elapsed h", "SLA remaining h")


def _config(sb, path: Path, state: Path) -> Path:
    cfg = {
        "state_path": str(state),
        "closed_lookback_days": None,
        "breach_comment": True,
        "log_format": "json",
        "retry": {"max_attempts": 8, "base_delay": 0.01, "max_delay": 0.05, "max_total": 30},
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
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return path


def _sync(cfg: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sync.cli", "--config", str(cfg), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).parents[2],
        **kw,
    )


def _comparable(state: dict) -> dict:
    # Elapsed/remaining hours move with the real clock between two runs; compare them loosely.
    return {k: {f: v for f, v in s.items() if f not in HOURS} for k, s in state.items()}


@pytest.fixture(scope="module")
def clean_state(tmp_path_factory):
    """What one clean pass over the demo scenario leaves in the tracker (shared by the seeds)."""
    tmp = tmp_path_factory.mktemp("clean")
    with start_sandbox(scenario="demo") as clean:
        cfg = _config(clean, tmp / "clean.yaml", tmp / "clean.sqlite3")
        run = _sync(cfg)
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()
        return sla_state(clean)


@pytest.mark.parametrize("seed", [3, 11])
def test_pass_killed_at_a_random_point_then_restarted_equals_a_clean_run(
    tmp_path, seed, clean_state
):
    rnd = random.Random(seed)
    with start_sandbox(scenario="demo") as sb:
        sb.set_faults([{"kind": "latency", "method": "PUT", "delay_ms": 30}])
        cfg = _config(sb, tmp_path / "killed.yaml", tmp_path / "killed.sqlite3")
        kill_after = rnd.randrange(1, 45)  # writes seen before the kill
        proc = _sync(cfg)
        try:
            deadline = time.monotonic() + 60
            while sb.count("PUT", "/rest/api/{v}/issue/{key}") < kill_after:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "the pass made no progress"
                time.sleep(0.005)
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        sb.set_faults([])
        restarted = _sync(cfg)
        _, err = restarted.communicate(timeout=120)
        assert restarted.returncode == 0, err.decode()
        killed_state = sla_state(sb)

    assert _comparable(killed_state) == _comparable(clean_state)
    for key, s in killed_state.items():
        for f in HOURS:
            assert s[f] == pytest.approx(clean_state[key][f], abs=0.05), (key, f)
        comments = [c for c in s["comments"] if c.startswith("SLA нарушен")]
        assert len(comments) == (1 if s["SLA breached"] == "Yes" else 0), key
