"""`check` and the pre-flight of `sync` over escalation rules a person has switched on.

Found by trying the shipped rules as a new user would (README: copy the regulation, set
`enabled: true`): `check` passed silently while two rules sent e-mail with no SMTP relay, and
a rule setting a field the tracker lacks would have failed at every firing.
"""

from __future__ import annotations

import yaml

from config.regulation import default_regulation_path
from sandbox import start_sandbox
from sync.cli.main import main
from tests.sync.first_hour import tracker_entry, write_config


def _regulation(tmp_path, edit) -> str:
    data = yaml.safe_load(default_regulation_path().read_text(encoding="utf-8"))
    edit(data["escalations"])
    path = tmp_path / "regulation.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def _enable_all(rules) -> None:
    for rule in rules:
        rule["enabled"] = True


def test_the_shipped_rules_switched_on_are_listed_and_their_emails_without_smtp_warned(
    clean_env, tmp_path, capsys
):
    regulation = _regulation(tmp_path, _enable_all)
    with start_sandbox(scenario="demo") as sb:
        cfg = write_config(tmp_path / "sla-sync.yaml", tracker_entry(sb), regulation=regulation)
        assert main(["--config", cfg, "check"]) == 0
    out = capsys.readouterr().out
    listed = [line.split()[2] for line in out.splitlines() if line.startswith("ok        escal")]
    assert listed == ["half-time", "at-risk", "breach", "breach-plus-4h"]
    assert "at 80% of the target: comment, e-mail to assignee" in out
    assert "4 business h after the breach (critical, high): e-mail to support-lead@" in out
    warned = [line for line in out.splitlines() if line.startswith("warning   escalation")]
    assert len(warned) == 2 and all("no SMTP relay is configured (smtp.host)" in w for w in warned)


def test_the_shipped_rules_as_shipped_are_reported_off(clean_env, tmp_path, capsys):
    with start_sandbox(scenario="demo") as sb:
        cfg = write_config(tmp_path / "sla-sync.yaml", tracker_entry(sb))
        assert main(["--config", cfg, "check"]) == 0
    assert "4 rule(s) in the regulation, none enabled" in capsys.readouterr().out


def test_a_rule_setting_a_field_the_tracker_lacks_stops_check_and_sync(clean_env, tmp_path, capsys):
    def field_rule(rules) -> None:
        rules.append(
            {
                "name": "flag",
                "enabled": True,
                "when": {"breach": True},
                "actions": [{"set_field": {"field": "Эскалация", "value": "да"}}],
            }
        )

    regulation = _regulation(tmp_path, field_rule)
    with start_sandbox(scenario="demo") as sb:
        cfg = write_config(tmp_path / "sla-sync.yaml", tracker_entry(sb), regulation=regulation)
        assert main(["--config", cfg, "check"]) == 1
        out = capsys.readouterr().out
        assert "sets the field 'Эскалация', but Jira has no field of that name" in out
        assert main(["--config", cfg, "sync"]) == 1
        assert sb.count("PUT", "/rest/api/{v}/issue/{key}") == 0  # nothing was written
