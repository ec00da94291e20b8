"""`sla-sync webhook register` against the sandbox, and the manual steps when not allowed."""

from __future__ import annotations

import pytest
import responses

from sandbox import start_sandbox
from sync.errors import UnsupportedError
from tests.sync.sandbox_app import make_app


def test_register_creates_a_signed_admin_webhook_filtered_by_the_scope(tmp_path):
    with start_sandbox(scenario="demo") as sb:
        app = make_app(sb, tmp_path / "state.sqlite3")
        runner = app.runner()
        created = runner.b.tracker.register_webhook(
            "sla-sync", "https://sla.example.com/webhooks/jira", runner.b.scope, "hook-secret"
        )
        app.close()
        (hook,) = sb.app.webhooks
        assert created == hook["self"]
        assert hook["url"] == "https://sla.example.com/webhooks/jira"
        assert set(hook["events"]) == {"jira:issue_created", "jira:issue_updated"}
        assert hook["filters"] == {"issue-related-events-section": "project = SUP"}
        assert sb.sender.secret == "hook-secret"


@pytest.mark.parametrize("status", [403, 404])
def test_an_account_without_admin_rights_gets_the_manual_steps(tmp_path, status):
    with start_sandbox(scenario="demo") as sb:
        app = make_app(sb, tmp_path / "state.sqlite3")
        tracker = app.runner().b.tracker
        with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
            rsps.add(responses.GET, f"{sb.url}/rest/webhooks/1.0/webhook", json=[])
            rsps.add(
                responses.POST,
                f"{sb.url}/rest/webhooks/1.0/webhook",
                status=status,
                json={"errorMessages": ["You are not an administrator"]},
            )
            with pytest.raises(UnsupportedError) as exc:
                tracker.register_webhook(
                    "sla-sync", "https://x/webhooks/jira", "project = SUP", "hook-secret"
                )
        app.close()
        assert exc.value.status == status
        assert "System -> WebHooks" in exc.value.steps and "project = SUP" in exc.value.steps
        assert "hook-secret" not in exc.value.steps


def test_cli_register_prints_where_the_webhook_points(tmp_path, capsys, monkeypatch):
    import yaml

    from sync.cli.main import main
    from tests.service.helpers import settings_yaml

    with start_sandbox(scenario="demo") as sb:
        cfg = tmp_path / "settings.yaml"
        cfg.write_text(yaml.safe_dump(settings_yaml(sb, tmp_path / "s.sqlite3")), "utf-8")
        for k in [k for k in __import__("os").environ if k.startswith("SLA_SYNC_")]:
            monkeypatch.delenv(k)
        assert main(["--config", str(cfg), "webhook", "register", "https://sla.example.com"]) == 0
        assert "https://sla.example.com/webhooks/jira" in capsys.readouterr().out
        assert sb.app.webhooks[0]["url"] == "https://sla.example.com/webhooks/jira"
