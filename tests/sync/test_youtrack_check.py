"""`sla-sync check` against the YouTrack sandbox reads the project's bundles (State, Priority).

Before, connect() passed no project, so the bundles were never read and an unmapped State or
Priority value went unnoticed until an issue failed.
"""

from __future__ import annotations

import pytest
import yaml

from config.settings import TrackerSettings
from sandbox import start_sandbox
from sync.cli.main import main
from sync.trackers.youtrack.kind import scope_project


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for key in ("SLA_SYNC_CONFIG", "SLA_SYNC_JIRA__URL", "SLA_SYNC_JIRA__TOKEN"):
        monkeypatch.delenv(key, raising=False)


def _check(tmp_path, yt, capsys, **tracker) -> tuple[int, str]:
    cfg = {
        "state_path": str(tmp_path / "state.sqlite3"),
        "trackers": [
            {"name": "yt", "kind": "youtrack", "url": yt.url, "token": yt.token}
            | {"scope": "project: SUP"}
            | tracker
        ],
    }
    path = tmp_path / "sla-sync.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    code = main(["--config", str(path), "check"])
    return code, capsys.readouterr().out


def test_check_names_state_and_priority_values_the_profile_does_not_map(tmp_path, capsys):
    with start_sandbox(tracker="youtrack", scenario="demo") as yt:
        yt.app.cat.fields["State"].values.append(("67-99", "Ждёт релиза", False))
        yt.app.cat.fields["Priority"].values.append(("68-99", "Блокер", False))
        code, out = _check(tmp_path, yt, capsys)
    assert code == 1
    assert "Ждёт релиза" in out and "Блокер" in out


def test_an_explicit_project_setting_wins_over_the_scope(tmp_path, capsys):
    with start_sandbox(tracker="youtrack", scenario="demo") as yt:
        yt.app.cat.fields["State"].values.append(("67-99", "Ждёт релиза", False))
        code, out = _check(tmp_path, yt, capsys, scope="#Unresolved", project="Support")
    assert code == 1 and "Ждёт релиза" in out


def test_without_read_project_check_says_which_permission_is_missing(tmp_path, capsys):
    with start_sandbox(tracker="youtrack", scenario="demo") as yt:
        yt.app.cat.denied["sla-bot"] = {"Read Project"}
        code, out = _check(tmp_path, yt, capsys)
    assert code == 1
    assert "403" in out and "Read Project" in out


@pytest.mark.parametrize(
    ("scope", "project"),
    [
        ("project: SUP", "SUP"),
        ("project: {Support Desk} #Unresolved", "Support Desk"),
        ("(project: SUP) and Type: Bug", "SUP"),
        ("project: SUP, OPS", None),
        ("project: SUP or project: OPS", None),
        ("#Unresolved", None),
    ],
)
def test_the_project_is_taken_from_a_scope_that_names_exactly_one(scope, project):
    assert scope_project(scope) == project
    assert TrackerSettings(url="https://x", kind="youtrack", scope=scope).project is None
