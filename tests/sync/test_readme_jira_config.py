"""Issue 11, finding 7: the README's documented Jira configuration, unchanged, end to end.

The settings block is read from README.md itself; only what points at a particular Jira is
replaced (URL, credentials, state file). Every default stays as shipped: the profile,
`closed_lookback_days: 30`, `overlap_minutes: 5`, hours refresh, breach comment. Then the
README's order: `check` -> `sync --dry-run` -> `sync` -> `sync` (zero writes).
The clock is frozen at the sandbox scenario's `now` (test plumbing, not configuration).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sandbox import start_sandbox
from sync import composition
from sync.cli.main import main

README = Path(__file__).resolve().parents[2] / "README.md"
PUT = ("PUT", "/rest/api/{v}/issue/{key}")


def readme_settings() -> dict:
    """The `# sla-sync.yaml` block of the README, parsed."""
    block = re.search(r"```yaml\n# sla-sync\.yaml\n(.*?)```", README.read_text("utf-8"), re.S)
    assert block, "README.md has no `# sla-sync.yaml` settings block"
    return yaml.safe_load(block.group(1))


def fresh_jira_scenario() -> dict:
    """The demo's issues on a Jira that has none of the SLA fields yet (as a real one)."""
    from importlib import resources

    from sandbox.jira.catalog import DEFAULT_CUSTOM

    text = resources.files("sandbox").joinpath("scenarios", "demo.yaml").read_text("utf-8")
    scenario = yaml.safe_load(text)
    scenario["custom_fields"] = [
        {"name": n, "type": t, "options": o}
        for n, t, o in DEFAULT_CUSTOM
        if not n.startswith("SLA")
    ]
    return scenario


@pytest.mark.parametrize("mode", ["cloud", "datacenter"])
def test_the_readme_configuration_checks_syncs_and_then_writes_nothing(
    tmp_path, capsys, monkeypatch, mode
):
    cfg = readme_settings()
    assert (cfg["closed_lookback_days"], cfg["overlap_minutes"]) == (30, 5)
    jira = next(t for t in cfg["trackers"] if t["kind"] == "jira")
    assert "profile" not in jira
    with start_sandbox(scenario=fresh_jira_scenario(), mode=mode) as sb:

        class FrozenApp(composition.App):
            def __init__(self, settings, clock=None, **kw):
                super().__init__(settings, clock=lambda: sb.now, **kw)

        monkeypatch.setattr(composition, "App", FrozenApp)
        jira["url"] = sb.url
        if mode == "cloud":
            jira["email"], jira["token"] = sb.email, sb.token
        else:  # the README: "or `pat:` for Jira Data Center"
            del jira["email"], jira["token"]
            jira["pat"] = sb.token
        cfg["trackers"] = [jira]
        cfg["state_path"] = str(tmp_path / "state.sqlite3")
        path = tmp_path / "sla-sync.yaml"
        path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")

        def run(*args: str, expect: int = 0) -> str:
            code = main(["--config", str(path), *args])
            out, err = capsys.readouterr()
            assert code == expect, f"{args}: exit {code}\n{out}\n{err}"
            return out

        assert "has no field SLA due" in run("check", expect=1)  # unwritable: an error
        if mode == "cloud":
            run("check", "--create-fields")
        else:
            # Data Center: the fields are created, their options need an administrator.
            out = run("check", "--create-fields", expect=1)
            assert "needs the options running, paused, stopped" in out
            cat = sb.app.cat
            for name, values in (
                ("SLA state", ("running", "paused", "stopped")),
                ("SLA breached", ("Yes", "No")),
            ):
                for value in values:
                    cat.add_option(cat.custom[cat.field_id(name)], value)
        check = run("check")
        assert "error" not in [line.split()[0] for line in check.splitlines()[2:] if line]
        dry = run("sync", "--dry-run")
        would = int(re.search(r"would write (\d+)", dry).group(1))
        assert would > 0 and sb.count(*PUT) == 0
        wrote = int(re.search(r"wrote (\d+), failed 0", run("sync")).group(1))
        assert wrote == would == sb.count(*PUT)
        assert "wrote 0, failed 0" in run("sync")
        assert sb.count(*PUT) == wrote
