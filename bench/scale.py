"""How a full pass grows with the project: wall time and sla-sync's own memory.

The sandbox (holding every issue and history) runs in this process; the pass runs in a child
process (`python -m bench.scale child ...`) that reports its own peak RSS (`VmHWM`), so the
sandbox's memory is never counted. Each size is a fresh sandbox, a fresh state file and a
`sync --full` pass with every default setting, the real jira client over HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["print_scale", "run_scale"]

SIZES = (1_000, 10_000, 50_000)


def _status_kb(field: str) -> float:
    """A `/proc/self/status` figure in kB (Linux); the peak via getrusage elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return float(line.split()[1])
    except OSError:
        pass
    import resource

    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _child(url: str, email: str, token: str, mode: str, state: str) -> dict[str, Any]:
    """One full pass in this (child) process: seconds, issues, RSS before and at the peak."""
    from pydantic import SecretStr

    from config.settings import Settings, TrackerSettings
    from sync.composition import App
    from sync.logs import configure_logging

    configure_logging("json", "error")
    cloud = mode == "cloud"
    tracker = TrackerSettings(
        name="bench",
        url=url,
        scope="project = SUP",
        email=email if cloud else None,
        token=SecretStr(token) if cloud else None,
        pat=None if cloud else SecretStr(token),
    )
    app = App(Settings(state_path=Path(state), trackers=[tracker]))
    runner = app.runner()
    base_kb = _status_kb("VmRSS")
    t, cpu = time.perf_counter(), time.process_time()
    report = runner.sync_since(full=True)
    seconds = time.perf_counter() - t
    out = {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "issues": len(report.issues),
        "writes": report.writes,
        "failed": len(report.failed),
        "base_mb": base_kb / 1024,
        "peak_mb": _status_kb("VmHWM") / 1024,
    }
    app.close()
    return out


def run_scale(n: int, mode: str = "cloud") -> dict[str, Any]:
    """A full pass over an `n`-issue sandbox project, measured in a child process."""
    from sandbox import start_sandbox, synthetic_scenario

    scenario = synthetic_scenario(n, 10, seed=1)
    with (
        tempfile.TemporaryDirectory() as tmp,
        start_sandbox(scenario=scenario, mode=mode) as sb,
    ):
        cmd = [sys.executable, "-m", "bench.scale", "child", sb.url, sb.email, sb.token, mode]
        cmd.append(str(Path(tmp) / "state.sqlite3"))
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"bench.scale child failed: {done.stderr[-2000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
    return {"n": n, "mode": mode, **result}


def print_scale(sizes: tuple[int, ...] = SIZES, mode: str = "cloud") -> None:
    """The scale table of `make bench` (section "scale")."""
    print(
        f"\n(5) full pass (`sync --full`, {mode}, defaults) by project size: the sandbox in this"
        " process, sla-sync in a child process whose own RSS is measured; 'per issue' is the"
        " step from the previous size (flat = linear growth)"
    )
    print(
        f"  {'issues':>8}{'wall s':>9}{'CPU s':>8}{'RSS before':>12}{'RSS peak':>10}{'growth':>9}"
        f"{'wall ms/issue':>15}{'CPU ms/issue':>14}{'kB/issue':>10}"
    )
    prev: dict[str, Any] | None = None
    for n in sizes:
        r = run_scale(n, mode)
        r["growth"] = r["peak_mb"] - r["base_mb"]
        step = ""
        if prev is not None:
            dn = n - prev["n"]
            ms = 1000 * (r["seconds"] - prev["seconds"]) / dn
            cpu = 1000 * (r["cpu"] - prev["cpu"]) / dn
            kb = 1024 * (r["growth"] - prev["growth"]) / dn
            step = f"{ms:>15.2f}{cpu:>14.2f}{kb:>10.2f}"
        print(
            f"  {n:>8,}{r['seconds']:>9.1f}{r['cpu']:>8.1f}{r['base_mb']:>10.0f}MB"
            f"{r['peak_mb']:>8.0f}MB"
            f"{r['growth']:>7.0f}MB{step}" + (f"  ({r['failed']} failed)" if r["failed"] else "")
        )
        prev = r


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        print(json.dumps(_child(*sys.argv[2:7])))
    else:
        print_scale(tuple(int(a) for a in sys.argv[1:]) or SIZES)
