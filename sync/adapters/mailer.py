"""Closure e-mails over SMTP (stdlib `smtplib`), with each failure sorted: retry or give up.

https://docs.python.org/3/library/smtplib.html -- one connection per message: closures are
rare, and a fresh connection never inherits a half-broken session.
"""

from __future__ import annotations

import re
import smtplib
import ssl
import time
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from config.settings import SmtpSettings

# Deliberately plain: one @, a dotted domain, no spaces or address punctuation. Anything
# stranger is a typo in the tracker's field, and the relay would bounce it later anyway.
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]+")
_TOKEN = re.compile(r"[^A-Za-z0-9.-]+")


class MailError(Exception):
    """A message was not accepted.

    `permanent`: sending it again cannot help (5xx reply, bad address). `counted`: the
    failure belongs to this message (a 4xx reply to it) and uses up one of its bounded
    attempts; an unreachable relay or a wrong SMTP setting does not, so a long outage
    loses nothing.
    """

    def __init__(self, reason: str, *, permanent: bool = False, counted: bool = True) -> None:
        super().__init__(reason)
        self.reason, self.permanent, self.counted = reason, permanent, counted


def message_id(from_address: str | None, *parts: str) -> str:
    """`<sla-sync.<parts>@<sender's domain>>`: one notification, one id, however often sent."""
    domain = (parseaddr(from_address or "")[1].rpartition("@")[2]) or "sla-sync"
    return "<sla-sync." + ".".join(_TOKEN.sub("-", p) for p in parts) + f"@{domain}>"


def valid_address(address: str | None) -> bool:
    """Is this something an SMTP relay could deliver to (syntax only)?"""
    if not address:
        return False
    addr = parseaddr(address)[1]
    return bool(addr) and _ADDRESS.fullmatch(addr) is not None


class Mailer:
    """Sends one message at a time to the configured relay."""

    def __init__(
        self, settings: SmtpSettings, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        if not settings.host or not settings.from_address:
            raise ValueError("SMTP needs `host` and `from_address`")
        self.s = settings
        self._monotonic = monotonic
        self._down_until = 0.0
        self._down_reason = ""

    @property
    def max_attempts(self) -> int:
        """Attempts a message gets for replies like 4xx before it is given up."""
        return self.s.max_attempts

    def message_id(self, *parts: str) -> str:
        """A Message-ID that is the same for every send of one notification (re-sends too)."""
        return message_id(self.s.from_address, *parts)

    def message(
        self, to: str, subject: str, body: str, message_id: str, date: datetime
    ) -> EmailMessage:
        """The e-mail as it goes out (plain text, UTF-8)."""
        msg = EmailMessage()
        msg["From"] = self.s.from_address
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = format_datetime(date)
        msg["Message-ID"] = message_id
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to this
        msg.set_content(body)
        return msg

    def send(self, msg: EmailMessage) -> None:
        """Hand the message to the relay; raise MailError saying whether a retry may help."""
        if self._monotonic() < self._down_until:
            # The relay refused a moment ago: fail the rest of the pass fast, not one
            # connect timeout per closed request.
            raise MailError(f"SMTP relay unavailable ({self._down_reason})", counted=False)
        try:
            with self._connect() as smtp:
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            reason = f"recipient refused: {code} {_text(text)}"
            raise MailError(reason, permanent=code >= 500) from None
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            raise self._down(f"disconnected: {exc}") from None
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused) as exc:
            if exc.smtp_code == 421:  # "service not available, closing channel"
                raise self._down(f"421 {_text(exc.smtp_error)}") from None
            # Our configuration, not this message: keep it, say what to check.
            raise MailError(
                f"SMTP relay refused the sender or login ({exc.smtp_code}): check smtp settings",
                counted=False,
            ) from None
        except smtplib.SMTPResponseException as exc:
            code = exc.smtp_code
            raise MailError(f"SMTP {code} {_text(exc.smtp_error)}", permanent=code >= 500) from None
        except (smtplib.SMTPException, ssl.SSLError) as exc:
            raise MailError(f"SMTP: {exc}: check smtp settings", counted=False) from None
        except OSError as exc:  # refused, unreachable, timed out
            raise self._down(exc.strerror or type(exc).__name__) from None

    def _down(self, reason: str) -> MailError:
        self._down_reason = f"{self.s.host}:{self.s.port} {reason}"
        self._down_until = self._monotonic() + self.s.down_cooldown_seconds
        return MailError(f"SMTP relay unavailable ({self._down_reason})", counted=False)

    def _connect(self) -> smtplib.SMTP:
        s, host = self.s, self.s.host or ""
        if s.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.username and s.password:
                smtp.login(s.username, s.password.get_secret_value())
        except BaseException:
            smtp.close()
            raise
        return smtp


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
