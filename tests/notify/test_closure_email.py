"""Closure e-mails against the Jira sandbox and a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import re
import socket
from contextlib import contextmanager
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr

from config.settings import Settings, SmtpSettings, TrackerSettings
from sandbox import start_sandbox
from sandbox.jira.catalog import DEFAULT_CUSTOM
from sync.adapters.mailer import Mailer
from sync.composition import App
from tests.sync.sandbox_app import FAST_RETRY, make_app

FIELDS = {"Заказчик": "Магнит", "Линия поддержки": "1"}


def _issue(key: str, created: str, priority: str, email: str, **extra) -> dict:
    reporter = {"name": f"client.{key.lower()}", "emailAddress": email}
    history = [{"at": created, "set": {"status": "В работе"}}]
    fields = {"priority": priority, **FIELDS, **extra}
    return {
        "key": key,
        "created": created,
        "reporter": reporter,
        "fields": fields,
        "history": history,
    }


def scenario() -> dict:
    """Open requests (real `now`): closed by `sb.human_change` during the tests."""
    custom = [{"name": n, "type": t, "options": o} for n, t, o in DEFAULT_CUSTOM]
    custom.append({"name": "E-mail заявителя", "type": "textfield", "options": []})
    issues = [
        _issue("SUP-1", "now-30d", "Критический", "olga@magnit.ru"),  # long breached
        _issue("SUP-2", "now-2m", "Низкий", "igor@lenta.com"),  # well within 75 h
        _issue("SUP-3", "now-2m", "Низкий", "olga@magnit.ru", **{"E-mail заявителя": "it@x5.ru"}),
        _issue("SUP-4", "now-2m", "Низкий", "not an address"),
        _issue("SUP-5", "now-2m", "Низкий", "nobody@bounce.example"),
        _issue("SUP-6", "now-2m", "Низкий", "queue@greylist.example"),
        _issue("SUP-7", "now-3h", "Низкий", "olga@magnit.ru"),
    ]
    closed = {"at": "now-1h", "set": {"status": "Выполнено", "resolution": "Решена"}}
    issues[-1]["history"].append(closed)  # closed before sla-sync's first pass
    return {"project": {"key": "SUP", "name": "Support"}, "custom_fields": custom, "issues": issues}


class Inbox:
    """An aiosmtpd handler: keeps what it accepts, refuses some domains like a real relay."""

    def __init__(self) -> None:
        self.messages: list = []
        self.rcpt_attempts: dict[str, int] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_attempts[address] = self.rcpt_attempts.get(address, 0) + 1
        if address.endswith("@bounce.example"):
            return "550 5.1.1 No such user here"
        if address.endswith("@greylist.example"):
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(port: int):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def smtp_settings(port: int, **kw) -> SmtpSettings:
    base = {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5}
    base |= {"from_address": "Поддержка <support@ceratech.ru>", "down_cooldown_seconds": 0}
    return SmtpSettings(**(base | kw))


def runner_for(app):
    """The app's runner: App builds the mailer from `settings.smtp`."""
    runner = app.runner()
    assert isinstance(runner.fx.mailer, Mailer)
    return runner


@contextmanager
def setup(tmp_path, port: int, **smtp):
    with start_sandbox(scenario=scenario()) as sb:
        app = make_app(
            sb,
            tmp_path / "state.sqlite3",
            clock=lambda: datetime.now(UTC),
            smtp=smtp_settings(port, **smtp),
        )
        runner = runner_for(app)
        first = runner.sync_since()  # the first pass takes stock: nothing is sent
        assert not first.failed
        try:
            yield sb, app, runner
        finally:
            app.close()


def close(sb, key: str, resolution: str = "Решена") -> None:
    sb.human_change(key, {"status": "Выполнено", "resolution": resolution})


def outcome(report, key: str):
    return [o for o in report.issues if o.key == key]


def test_closing_a_request_emails_the_reporter_with_number_resolution_and_outcome(tmp_path):
    port = free_port()
    with smtp_server(port) as inbox, setup(tmp_path, port) as (sb, app, runner):
        close(sb, "SUP-1", "Инфраструктура")
        close(sb, "SUP-2")
        report = runner.sync_since()
        assert not report.failed, report.failed
        [breached] = inbox.to("olga@magnit.ru")
        assert breached["Subject"] == "Заявка SUP-1 закрыта: Инфраструктура"
        body = breached.get_content()
        assert "Заявка SUP-1 от" in body and "Резолюция: Инфраструктура." in body
        assert "Срок решения: нарушен (" in body and "из 6 рабочих ч" in body
        assert breached["Message-ID"].endswith("@ceratech.ru>")
        assert breached["Auto-Submitted"] == "auto-generated"
        [met] = inbox.to("igor@lenta.com")  # minutes old, maybe out of business hours
        assert re.search(r"Срок решения: соблюдён \((0|0,1) из 75 рабочих ч\)", met.get_content())
        again = runner.sync_since()  # sent once per request and closure
        assert not again.failed and len(inbox.messages) == 2
        assert app.store.notice_counts("sandbox") == {"sent": 2}


def test_requests_closed_before_the_first_pass_are_never_mailed(tmp_path):
    port = free_port()
    with smtp_server(port) as inbox, setup(tmp_path, port) as (_sb, app, runner):
        runner.sync_since(full=True)
        runner.recompute("SUP-7")
        assert not inbox.messages and app.store.notice_counts("sandbox") == {}


def test_the_requester_email_field_wins_over_the_reporter(tmp_path):
    port = free_port()
    with smtp_server(port) as inbox, setup(tmp_path, port) as (sb, _app, runner):
        close(sb, "SUP-3")
        runner.sync_since()
        assert [m["To"] for m in inbox.messages] == ["it@x5.ru"]


def test_reopened_and_closed_again_sends_a_second_email(tmp_path):
    port = free_port()
    with smtp_server(port) as inbox, setup(tmp_path, port) as (sb, _app, runner):
        close(sb, "SUP-2")
        runner.sync_since()
        sb.human_change("SUP-2", {"status": "В работе"})
        runner.sync_since()
        close(sb, "SUP-2", "Ошибка пользователя")
        runner.sync_since()
        runner.sync_since()
        subjects = [m["Subject"] for m in inbox.to("igor@lenta.com")]
        assert subjects == [
            "Заявка SUP-2 закрыта: Решена",
            "Заявка SUP-2 закрыта: Ошибка пользователя",
        ]
        ids = {m["Message-ID"] for m in inbox.messages}
        assert len(ids) == 2


def test_smtp_server_down_keeps_the_email_pending_and_the_next_pass_sends_it(tmp_path):
    port = free_port()  # nothing listens there yet: connection refused
    with setup(tmp_path, port) as (sb, app, runner):
        close(sb, "SUP-1")
        close(sb, "SUP-2")
        sb.human_change("SUP-3", {"priority": "Высокий"})
        down = runner.sync_since()
        failed = {o.key: o.error for o in down.failed}
        assert set(failed) == {"SUP-1", "SUP-2"}
        assert "pending, retried next pass" in failed["SUP-1"]
        # The rest of the pass went on: fields were written, SUP-3 too.
        assert {o.key for o in down.issues if o.outcome == "written"} >= {"SUP-3"}
        assert app.store.notice_counts("sandbox") == {"pending": 2}
        [row] = app.store.open_notices("sandbox", "SUP-1")
        assert row.attempts == 0  # an outage does not use up the message's attempts
        with smtp_server(port) as inbox:
            up = runner.sync_since()
            assert not up.failed, up.failed
            assert sorted(m["To"] for m in inbox.messages) == ["igor@lenta.com", "olga@magnit.ru"]
            runner.sync_since()
            assert len(inbox.messages) == 2
        assert app.store.notice_counts("sandbox") == {"sent": 2}


def test_malformed_address_is_recorded_as_failed_reported_once_and_not_retried(tmp_path):
    port = free_port()
    with smtp_server(port) as inbox, setup(tmp_path, port) as (sb, app, runner):
        close(sb, "SUP-4")
        close(sb, "SUP-5")
        report = runner.sync_since()
        failed = {o.key: o.error for o in report.failed}
        assert "malformed address 'not an address'" in failed["SUP-4"]
        assert "550" in failed["SUP-5"] and "failed" in failed["SUP-5"]
        assert inbox.rcpt_attempts == {"nobody@bounce.example": 1}
        for _ in range(2):
            later = runner.sync_since()
            assert not later.failed
        assert inbox.rcpt_attempts == {"nobody@bounce.example": 1} and not inbox.messages
        assert app.store.notice_counts("sandbox") == {"failed": 2}


def test_a_temporary_refusal_is_retried_a_bounded_number_of_times(tmp_path):
    port = free_port()
    with smtp_server(port) as inbox, setup(tmp_path, port, max_attempts=3) as (sb, app, runner):
        close(sb, "SUP-6")
        errors = [outcome(runner.sync_since(), "SUP-6")[0].error for _ in range(3)]
        assert "pending, retried next pass: recipient refused: 451" in errors[0]
        assert "pending" in errors[1] and "failed: recipient refused: 451" in errors[2]
        assert not runner.sync_since().failed
        assert inbox.rcpt_attempts == {"queue@greylist.example": 3}
        assert app.store.notice_counts("sandbox") == {"failed": 1}


class Killed(BaseException):
    """The process dies here (nothing in the pass catches a BaseException)."""


def test_a_crash_after_sending_before_marking_resends_with_the_same_message_id(tmp_path):
    port = free_port()
    with smtp_server(port) as inbox, setup(tmp_path, port) as (sb, app, runner):
        close(sb, "SUP-2")
        mark = app.store.mark_notice

        def die_after_send(tracker, key, event, state, at_us, **kw):
            if state == "sent":
                raise Killed
            return mark(tracker, key, event, state, at_us, **kw)

        app.store.mark_notice = die_after_send
        with pytest.raises(Killed):
            runner.sync_since()
        app.store.mark_notice = mark
        assert len(inbox.messages) == 1
        runner.sync_since()  # at-least-once: sent again, the same message
        runner.sync_since()
        first, second = inbox.messages
        assert first["Message-ID"] == second["Message-ID"]
        assert first.get_content() == second.get_content()
        assert app.store.notice_counts("sandbox") == {"sent": 1}


def test_dry_run_lists_the_email_without_sending_it(tmp_path):
    port = free_port()
    with smtp_server(port) as inbox, setup(tmp_path, port) as (sb, app, runner):
        close(sb, "SUP-2")
        dry = runner.sync_since(dry_run=True)
        [o] = outcome(dry, "SUP-2")
        assert o.outcome == "would-write"
        assert "closure e-mail to igor@lenta.com: Заявка SUP-2 закрыта: Решена" in o.changes
        assert not inbox.messages and app.store.notice_counts("sandbox") == {}


def test_youtrack_closure_emails_the_reporter_too(tmp_path):
    port = free_port()
    sc = {"project": {"key": "SUP", "name": "Support"}}
    sc["issues"] = [_issue("SUP-1", "now-2m", "Низкий", "olga@magnit.ru")]
    with smtp_server(port) as inbox, start_sandbox("youtrack", scenario=sc) as yt:
        tracker = TrackerSettings(
            name="yt", kind="youtrack", url=yt.url, token=SecretStr(yt.token), scope="project: SUP"
        )
        settings = Settings(
            state_path=tmp_path / "yt.sqlite3",
            trackers=[tracker],
            retry=FAST_RETRY,
            closed_lookback_days=None,
            smtp=smtp_settings(port),
        )
        app = App(settings, clock=lambda: datetime.now(UTC))
        runner = runner_for(app)
        runner.sync_since()
        close(yt, "SUP-1")
        assert not runner.sync_since().failed
        [mail] = inbox.to("olga@magnit.ru")
        assert mail["Subject"] == "Заявка SUP-1 закрыта: Решена"
        app.close()


def test_without_smtp_settings_no_email_is_planned(tmp_path):
    with start_sandbox(scenario=scenario()) as sb:
        app = make_app(sb, tmp_path / "state.sqlite3", clock=lambda: datetime.now(UTC))
        runner = app.runner()
        runner.sync_since()
        close(sb, "SUP-2")
        report = runner.sync_since()
        assert not report.failed
        assert not any("e-mail" in line for o in report.issues for line in o.changes)
        app.close()
