"""The SMTP mailer on its own: failures sorted into retry / give up, settings, Message-ID."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller

from config.settings import SmtpSettings, load_settings
from sla import ConfigError
from sync.adapters.mailer import Mailer, MailError, valid_address


class Counting:
    def __init__(self) -> None:
        self.data = 0

    async def handle_DATA(self, server, session, envelope):
        self.data += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings(port: int, **kw) -> SmtpSettings:
    base = {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5}
    return SmtpSettings(**(base | {"from_address": "support@ceratech.ru"} | kw))


def message(mailer: Mailer):
    mid = mailer.message_id("sandbox", "SUP-1", "closure:1")
    return mailer.message("olga@magnit.ru", "Заявка SUP-1", "Текст", mid, datetime.now(UTC))


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("olga@magnit.ru", True),
        ("Ольга <olga@magnit.ru>", True),
        ("not an address", False),
        ("olga@magnit", False),
        ("olga@@magnit.ru", False),
        ("", False),
        (None, False),
    ],
)
def test_addresses_a_relay_could_never_deliver_to_are_caught_before_sending(address, ok):
    assert valid_address(address) is ok


def test_message_id_is_stable_per_notification_and_uses_the_sender_domain():
    mailer = Mailer(settings(25, from_address="Поддержка <support@ceratech.ru>"))
    a = mailer.message_id("sandbox", "SUP-1", "closure:1763456789000")
    assert a == mailer.message_id("sandbox", "SUP-1", "closure:1763456789000")
    assert a == "<sla-sync.sandbox.SUP-1.closure-1763456789000@ceratech.ru>"


def test_a_refused_connection_fails_fast_for_the_cooldown_then_is_tried_again():
    port, now = free_port(), [0.0]
    mailer = Mailer(settings(port, down_cooldown_seconds=30), monotonic=lambda: now[0])
    with pytest.raises(MailError) as first:
        mailer.send(message(mailer))
    assert not first.value.counted and not first.value.permanent
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with pytest.raises(MailError, match="unavailable"):
            mailer.send(message(mailer))  # within the cooldown: no connection at all
        assert handler.data == 0
        now[0] = 31.0
        mailer.send(message(mailer))
        assert handler.data == 1
    finally:
        controller.stop()


def test_starttls_against_a_relay_without_it_is_a_settings_problem_not_the_messages():
    port = free_port()
    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mailer = Mailer(settings(port, security="starttls"))
        with pytest.raises(MailError, match="check smtp settings") as exc:
            mailer.send(message(mailer))
        assert not exc.value.counted and not exc.value.permanent
    finally:
        controller.stop()


def test_smtp_settings_come_from_sla_sync_smtp_variables(monkeypatch):
    env = {
        "SLA_SYNC_SMTP__HOST": "smtp.example.com",
        "SLA_SYNC_SMTP__PORT": "465",
        "SLA_SYNC_SMTP__SECURITY": "ssl",
        "SLA_SYNC_SMTP__USERNAME": "bot",
        "SLA_SYNC_SMTP__PASSWORD": "s3cret-pw",
        "SLA_SYNC_SMTP__FROM_ADDRESS": "support@ceratech.ru",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    smtp = load_settings(environ=env).smtp
    assert (smtp.host, smtp.port, smtp.security) == ("smtp.example.com", 465, "ssl")
    assert smtp.secrets() == ("s3cret-pw",) and "s3cret-pw" not in repr(smtp)


def test_an_smtp_host_without_a_sender_address_is_a_config_error_naming_the_key(monkeypatch):
    monkeypatch.setenv("SLA_SYNC_SMTP__HOST", "smtp.example.com")
    with pytest.raises(ConfigError) as exc:
        load_settings(environ={})
    assert "smtp" in str(exc.value) and "from_address" in str(exc.value)
