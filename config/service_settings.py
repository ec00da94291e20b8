"""The `service:` and `smtp:` sections of the settings (`SLA_SYNC_SERVICE__*`, `SLA_SYNC_SMTP__*`).

Part of `config.settings`, which builds them; kept apart only to keep each module small.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from config.secrets import secret_values

__all__ = ["ServiceSettings", "SmtpSettings", "StrictSection"]

# `pbkdf2_sha256$<iterations>$<salt>$<digest>` (salt and digest URL-safe base64).
_PASSWORD_HASH = re.compile(
    r"pbkdf2_sha256\$[1-9][0-9]{0,8}\$[A-Za-z0-9_-]{8,}=*\$[A-Za-z0-9_-]{16,}=*"
)


class StrictSection(BaseModel):
    """A section of the settings: an unknown key is an error (a typo), never ignored."""

    model_config = ConfigDict(extra="forbid")


class ServiceSettings(StrictSection):
    """`sla-sync run`: the webhook server, the schedule and the webhook queue."""

    host: str = "127.0.0.1"  # 0.0.0.0 in a container
    port: int = Field(default=8765, ge=0, le=65535)  # 0: any free port (tests)
    sync_interval_minutes: float = Field(default=5, gt=0)  # incremental pass
    sweep_interval_seconds: float = Field(default=60, gt=0)  # deadlines / at-risk flips
    healthz_max_age_seconds: float = Field(default=900, gt=0)  # older last pass -> 503
    jira_webhook_secret: SecretStr | None = None  # HMAC key of X-Hub-Signature
    youtrack_webhook_secret: SecretStr | None = None  # value of X-Sla-Sync-Secret
    webhook_allow_unsigned: bool = False  # accept webhooks without a secret (local only)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # Wait this long for a burst on one issue (a Jira edit and its comment arrive within
    # milliseconds), then one recompute for all of it; every webhook waits at least this.
    coalesce_seconds: float = Field(default=0.05, ge=0)
    seen_ids_hours: float = Field(default=24, gt=0)  # remember delivery ids this long
    shutdown_grace_seconds: float = Field(default=5, ge=0)
    threads: int = Field(default=4, ge=1, le=64)  # waitress worker threads
    # Open connections at once (waitress' default, 100, is what ~100 slow clients exhaust);
    # capped at start by the process' open-file limit.
    connection_limit: int = Field(default=1000, ge=10, le=100_000)
    # A connection that sends nothing this long is closed (waitress' default is 120 s).
    channel_timeout_seconds: float = Field(default=30, gt=0)
    # A webhook for an issue is checked against the scope query; a yes is trusted this long.
    scope_cache_seconds: float = Field(default=600, ge=0)
    # The live view (/live) shows customer data: it is served only when one of these is set.
    # A bearer token (also taken as the password of HTTP Basic, any user name), and/or users
    # with password hashes made by `python -m sync.service.live_auth`.
    live_view_token: SecretStr | None = None
    live_view_users: dict[str, SecretStr] = Field(default_factory=dict)
    live_view_refresh_seconds: int = Field(default=60, ge=5, le=3600)  # the page reloads

    @field_validator("live_view_token")
    @classmethod
    def _long_enough(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and len(token.get_secret_value()) < 16:
            raise ValueError("a token of at least 16 characters (e.g. `openssl rand -hex 24`)")
        return token

    @field_validator("live_view_users")
    @classmethod
    def _hashed(cls, users: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for name, value in users.items():
            if ":" in name or not name.strip():
                raise ValueError(f"user names without ':' ({name!r} is not one)")
            if not _PASSWORD_HASH.fullmatch(value.get_secret_value()):
                raise ValueError(
                    f"a password hash for {name!r} made by `python -m sync.service.live_auth` "
                    "(pbkdf2_sha256$…), not the password itself"
                )
        return users

    @property
    def live_view_on(self) -> bool:
        """Whether /live is served (a credential is configured)."""
        return self.live_view_token is not None or bool(self.live_view_users)

    # Webhook workers: issues are recomputed side by side, each issue by one worker at a time.
    workers: int = Field(default=4, ge=1, le=64)
    # PostgreSQL: how often the scheduler lease is tried (standby) or pinged (holder).
    lease_check_seconds: float = Field(default=2, gt=0, le=60)
    # PostgreSQL: a worker's claim on an issue; a dead instance's claims return after this.
    claim_seconds: float = Field(default=120, ge=5)

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for redaction."""
        return secret_values(self)


class SmtpSettings(StrictSection):
    """The SMTP relay for closure e-mails (`SLA_SYNC_SMTP__HOST`, ...); no host: no e-mails."""

    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)  # 587 starttls, 465 ssl, 25 none
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    from_address: str | None = None  # e.g. "Поддержка CERA <support@ceratech.ru>"
    timeout: float = Field(default=10.0, gt=0)
    max_attempts: int = Field(default=5, ge=1, le=100)  # 4xx replies to one message
    down_cooldown_seconds: float = Field(default=30.0, ge=0)  # fail fast after a refusal

    @model_validator(mode="after")
    def _sender(self) -> SmtpSettings:
        if self.host and not self.from_address:
            raise ValueError("a `from_address` too (the sender), since `host` is set")
        return self

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for redaction."""
        return secret_values(self)
