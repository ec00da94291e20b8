"""Sync benchmarks: a full and an incremental pass over a 10 000-issue sandbox project."""

from __future__ import annotations

import random
import resource
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from config.settings import Settings, TrackerSettings
from sandbox import start_sandbox, synthetic_scenario
from sync.composition import App
from sync.logs import configure_logging


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _counts(sb) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    with sb.server.lock:
        for (method, route, _status), n in sb.server.counts.items():
            out[(method, route)] = out.get((method, route), 0) + n
    return out


def _minimum(counts: dict[tuple[str, str], int]) -> int:
    """Search pages + changelog pages + one write per changed issue (the issue's floor)."""
    return sum(
        n
        for (m, r), n in counts.items()
        if "search" in r or "changelog" in r or (m == "PUT" and r.endswith("{key}"))
    )


def _measure(sb, runner, label: str) -> dict[str, object]:
    """One pass: wall time, requests against the minimum, writes, issues read."""
    sb.reset_requests()
    t0 = time.perf_counter()
    report = runner.sync_since()
    elapsed = time.perf_counter() - t0
    counts = _counts(sb)
    return {
        f"{label}_s": elapsed,
        f"{label}_requests": sum(counts.values()),
        f"{label}_minimum": _minimum(counts),
        f"{label}_writes": report.writes,
        f"{label}_seen": len(report.issues),
        f"{label}_failed": len(report.failed),
    }


def run_pass_bench(
    mode: str, n: int = 10_000, changes: int = 10, changed_share: float = 0.01
) -> dict[str, object]:
    """Full pass, then an incremental pass after `changed_share` of the issues changed."""
    configure_logging("json", "error")
    scenario = synthetic_scenario(n, changes, seed=1)
    out: dict[str, object] = {"mode": mode, "issues": n}
    with tempfile.TemporaryDirectory() as tmp, start_sandbox(scenario=scenario, mode=mode) as sb:
        cloud = mode == "cloud"
        tracker = TrackerSettings(
            name="bench",
            url=sb.url,
            scope="project = SUP",
            email=sb.email if cloud else None,
            token=SecretStr(sb.token) if cloud else None,
            pat=None if cloud else SecretStr(sb.token),
        )
        # overlap 0: the incremental pass should read what changed, not the full pass's own
        # writes of its last minutes (which the default 5-minute overlap re-reads once).
        settings = Settings(
            state_path=Path(tmp) / "state.sqlite3",
            trackers=[tracker],
            closed_lookback_days=None,
            overlap_minutes=0,
        )
        app = App(settings)
        runner = app.runner()
        rss0 = _rss_mb()
        out.update(_measure(sb, runner, "full"))
        out["rss_growth_mb"] = _rss_mb() - rss0
        # The first pass after a full pass re-reads what the full pass wrote (its own writes
        # bumped `updated`): recognised and skipped, but read. Measure it apart.
        out.update(_measure(sb, runner, "absorb"))
        rnd = random.Random(2)
        for i in rnd.sample(range(1, n + 1), int(n * changed_share)):
            sb.human_change(f"SUP-{i}", {"Линия поддержки": "3"})
        out.update(_measure(sb, runner, "inc"))
        out["peak_rss_mb"] = _rss_mb()
        app.close()
    return out
