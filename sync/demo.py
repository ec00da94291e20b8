"""`sla-sync demo`: the main job against a sandbox Jira on 127.0.0.1, in seconds."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import SecretStr

from config.settings import Settings, TrackerSettings
from sync import render
from sync.app import App
from sync.logs import configure_logging
from sync.sandbox import start_sandbox


def run_demo(
    regulation_path: str | None = None, scenario: str = "demo", mode: str = "cloud"
) -> int:
    """Start the sandbox, run a full pass and a second one, print what happened."""
    configure_logging("console", "warning")
    with (
        tempfile.TemporaryDirectory(prefix="sla-sync-demo-") as tmp,
        start_sandbox(scenario=scenario, mode=mode) as sb,
    ):
        tracker = TrackerSettings(
            name="sandbox-jira",
            url=sb.url,
            email=sb.email if mode == "cloud" else None,
            token=SecretStr(sb.token) if mode == "cloud" else None,
            pat=SecretStr(sb.token) if mode != "cloud" else None,
            scope="project = SUP",
        )
        settings = Settings(
            regulation=regulation_path,
            state_path=Path(tmp) / "state.sqlite3",
            trackers=[tracker],
            closed_lookback_days=None,
        )
        app = App(settings, clock=lambda: sb.now)
        runner = app.runner()
        print(
            f"sandbox Jira ({mode}) at {sb.url}, scenario '{scenario}', now = "
            f"{sb.now.isoformat()}\n"
        )
        first = runner.sync_since(keep_results=True)
        results = [o.result for o in first.issues if o.result is not None]
        print(render.sla_table(sorted(results, key=lambda r: _key_order(r.key))))
        print(
            f"\nPass 1: {len(first.issues)} issues, wrote {first.writes} "
            f"({sum(len(o.changes) for o in first.issues)} field changes), "
            f"failed {len(first.failed)}"
        )
        for o in first.issues:
            if o.outcome == "written":
                print(f"  {o.key}: " + "; ".join(o.changes))
        for o in first.failed:
            print(f"  FAILED {o.key}: {o.error}")
        sb.reset_requests()
        second = runner.sync_since()
        print(
            f"\nPass 2 (nothing changed in Jira): {len(second.issues)} issues seen, "
            f"wrote {second.writes}"
        )
        app.close()
        return 1 if first.failed or second.writes else 0


def _key_order(key: str) -> tuple[str, int]:
    prefix, _, num = key.rpartition("-")
    return prefix, int(num) if num.isdigit() else 0
