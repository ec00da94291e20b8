"""The README's YouTrack configuration, unchanged, against the sandbox: check, dry run, two passes.

Every default stays as shipped (closed_lookback_days 30, overlap, the default profile): only the
URL, the token and the state file point at the sandbox. Until this test existed, every test set
`closed_lookback_days=None`, so the first-pass query a new user runs was never sent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
import yaml

from sandbox import start_sandbox
from sync.cli.main import main

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for key in ("SLA_SYNC_CONFIG", "SLA_SYNC_JIRA__URL", "SLA_SYNC_JIRA__TOKEN"):
        monkeypatch.delenv(key, raising=False)


def readme_settings() -> dict:
    """The `sla-sync.yaml` block of the README, as a user would copy it."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# sla-sync\.yaml\n.*?)```", text, re.S)
    assert block, "README has no `# sla-sync.yaml` block"
    return yaml.safe_load(block.group(1))


def test_readme_youtrack_configuration_checks_syncs_and_then_writes_nothing(tmp_path, capsys):
    settings = readme_settings()
    assert settings["closed_lookback_days"] == 30, "the test must run the shipped default"
    (tracker,) = [t for t in settings["trackers"] if t["kind"] == "youtrack"]
    with start_sandbox(tracker="youtrack", scenario="demo") as yt:
        tracker.update(url=yt.url, token=yt.token)
        settings.update(trackers=[tracker], state_path=str(tmp_path / "state.sqlite3"))
        path = tmp_path / "sla-sync.yaml"
        path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        cfg = ["--config", str(path)]

        assert main([*cfg, "check"]) == 0, capsys.readouterr()
        checked = capsys.readouterr().out
        assert "error" not in checked, checked

        assert main([*cfg, "sync", "--dry-run"]) == 0, capsys.readouterr().err
        dry = capsys.readouterr().out
        assert re.search(r"youtrack: \d+ issues, would write [1-9]", dry), dry
        assert yt.count("POST", "/api/issues/{id}") == 0

        assert main([*cfg, "sync"]) == 0, capsys.readouterr().err
        first = capsys.readouterr().out
        assert re.search(r"youtrack: \d+ issues, wrote [1-9]", first), first
        writes = yt.count("POST", "/api/issues/{id}")
        assert writes > 0

        # The tags sla-sync made are the team's: an agent sees them on the issues.
        agent = requests.get(
            f"{yt.url}/api/issues",
            params={"query": "tag: sla-breached", "fields": "idReadable,tags(name)"},
            headers=yt.headers(human=True),
            timeout=10,
        ).json()
        assert agent and all("sla-breached" in {t["name"] for t in i["tags"]} for i in agent)
        assert yt.count("POST", "/api/issues/{id}/tags") == 0  # tags go as silent commands
        tagged = [
            a
            for i in yt.issues()["issues"]
            for a in i["activities"]
            if a["type"] == "TagsActivityItem" and a["author"] == "sla-bot"
        ]
        assert tagged and all(a.get("muted") for a in tagged)

        assert main([*cfg, "sync"]) == 0, capsys.readouterr().err
        second = capsys.readouterr().out
        assert re.search(r"youtrack: \d+ issues, wrote 0\b", second), second
        assert yt.count("POST", "/api/issues/{id}") == writes
        assert yt.count("POST", "/api/issues/{id}", 400) == 0


def test_an_existing_team_tag_is_used_not_duplicated(tmp_path):
    from config.settings import Settings, TrackerSettings
    from sync.composition import App
    from tests.sync.sandbox_app import FAST_RETRY

    with start_sandbox(tracker="youtrack", scenario="demo") as yt:
        team = yt.app.cat.projects["SUP"]["team"]
        mine = yt.state.new_tag("sla-breached", "agent", {"use": {team}})
        cfg = TrackerSettings(
            name="yt", kind="youtrack", url=yt.url, token=yt.token, scope="project: SUP"
        )
        app = App(
            Settings(state_path=tmp_path / "s.sqlite3", trackers=[cfg], retry=FAST_RETRY),
            clock=lambda: yt.now,
        )
        app.runner().sync_since()
        app.close()
        names = [t["name"] for t in yt.state.tags.values()]
        assert names.count("sla-breached") == 1
        assert any(mine["id"] in i.tags for i in yt.state.issues.values())
