"""Settings: built once in the entry point from a YAML file and `SLA_SYNC_*` variables.

Precedence (highest first): environment variables (`SLA_SYNC_STATE_PATH`,
`SLA_SYNC_JIRA__URL`, `SLA_SYNC_JIRA__TOKEN`, ...), then the YAML file given with `--config`
or `SLA_SYNC_CONFIG`, then the defaults below. In the file, a secret may name the variable
that holds it (`token: {env: JIRA_API_TOKEN}`), so the file itself holds none. Nothing else in
the code reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from config import yaml_text
from config.secrets import describe_value, has_userinfo, secret_values
from config.service_settings import ServiceSettings, SmtpSettings, StrictSection
from sla import ConfigError


class TrackerSettings(StrictSection):
    """One tracker connection and the issues it covers (a scope query)."""

    name: str = "jira"
    kind: str = "jira"  # a registered tracker kind (sync.registry): jira, youtrack
    url: str
    email: str | None = None  # Jira Cloud: e-mail + API token
    token: SecretStr | None = None  # Jira Cloud API token, or YouTrack permanent token
    pat: SecretStr | None = None  # Jira Data Center personal access token
    deployment: Literal["auto", "cloud", "datacenter"] = "auto"
    scope: str = "project = SUP"  # JQL (Jira) or a YouTrack query
    project: str | None = None  # YouTrack: project (short name) of the bundles; default: scope's
    profile: Path | None = None  # mapping profile; default: the shipped one for `kind`
    verify_tls: bool = True
    page_size: int = Field(default=100, ge=1, le=1000)

    @field_validator("url")
    @classmethod
    def _url_with_scheme(cls, url: str) -> str:
        # Without a scheme `requests` fails deep inside (InvalidSchema / MissingSchema).
        parts = urlsplit(url.strip())
        if not parts.scheme or not parts.netloc:
            raise ValueError(
                "a URL with its scheme and host, e.g. https://cera.atlassian.net "
                "(http:// only for a server on your own network)"
            )
        return url.strip()

    @field_validator("url")
    @classmethod
    def _no_credentials_in_url(cls, url: str) -> str:
        if has_userinfo(url):
            # It would end up in every log line and error that names a request.
            raise ValueError("a URL without user:password@ (put them in email and token / pat)")
        return url

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for redaction."""
        return secret_values(self)


class RetrySettings(StrictSection):
    """Bounded retries for 429 / 5xx / connection errors."""

    max_attempts: int = Field(default=6, ge=1, le=20)
    base_delay: float = Field(default=0.5, ge=0)
    max_delay: float = Field(default=30.0, ge=0)
    max_retry_after: float = Field(default=120.0, ge=0)
    max_total: float = Field(default=300.0, ge=0)
    timeout: float = Field(default=30.0, gt=0)


class Settings(BaseSettings):
    """Everything sla-sync can be told, with the defaults a first run needs."""

    model_config = SettingsConfigDict(
        env_prefix="SLA_SYNC_", env_nested_delimiter="__", extra="forbid"
    )

    regulation: Path | None = None  # default: the shipped config/regulation.yaml
    # A place the user can write to; created on the first pass, never by `check` or `report`.
    state_path: Path = Field(default_factory=lambda: default_state_path())
    # PostgreSQL instead of the SQLite file (postgresql://user@host:5432/db); several
    # instances share it. A secret: it may carry a password (prefer PGPASSWORD / ~/.pgpass).
    state_url: SecretStr | None = None
    state_pool_size: int = Field(default=10, ge=2, le=200)  # PostgreSQL connections per process
    # One process writes the state store at a time; another waits this long, then exits 3.
    state_lock_wait_seconds: float = Field(default=10, ge=0)
    jira: TrackerSettings | None = None  # one tracker from the environment
    trackers: list[TrackerSettings] = Field(default_factory=list)  # several, from the YAML file
    overlap_minutes: int = Field(default=5, ge=0)  # re-read this much before the cursor
    closed_lookback_days: int | None = Field(default=30, ge=0)  # first pass: closed issues
    hours_refresh_minutes: int = Field(default=60, ge=1)  # elapsed/remaining hours refresh
    breach_comment: bool | None = None  # None: as the mapping profile says
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    retry: RetrySettings = Field(default_factory=RetrySettings)
    service: ServiceSettings = Field(default_factory=ServiceSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The YAML file arrives through init kwargs, below the environment.
        return env_settings, init_settings

    @field_validator("state_url")
    @classmethod
    def _postgres_url(cls, url: SecretStr | None) -> SecretStr | None:
        if url is not None and not url.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError("a postgresql:// URL (or no state_url: the SQLite state_path)")
        return url

    def all_trackers(self) -> list[TrackerSettings]:
        """The configured trackers: the YAML list plus the one from the environment."""
        return [*self.trackers, *([self.jira] if self.jira else [])]

    def secrets(self) -> tuple[str, ...]:
        """Every secret value of every section (by type: each `SecretStr`), for redaction."""
        return secret_values(self)


def default_state_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$XDG_STATE_HOME/sla-sync/state.sqlite3` (by default under ~/.local/state)."""
    environ = os.environ if environ is None else environ
    # https://specifications.freedesktop.org/basedir-spec/latest/ ("XDG_STATE_HOME")
    base = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "sla-sync" / "state.sqlite3"


TrackerCheck = Callable[[TrackerSettings], "tuple[str, str] | None"]


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    check_tracker: TrackerCheck | None = None,
) -> Settings:
    """Build the settings once; a wrong file or variable raises ConfigError naming it.

    `check_tracker` (the tracker registry's) returns (key, what is expected) for a tracker
    whose kind or credentials are wrong; the error names where that tracker was configured.
    """
    environ = os.environ if environ is None else environ
    named = environ.get("SLA_SYNC_CONFIG")
    path = Path(config_file or named or "") if (config_file or named) else None
    data = _read_file(path) if path is not None else {}
    if path is not None:
        data = _env_references(data, environ, path, ())
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        raise _validation_error(exc.errors()[0], data, path, environ) from None
    except SettingsError as exc:
        # pydantic-settings could not decode a variable (e.g. a JSON list that is not JSON).
        field = str(exc).partition('field "')[2].partition('"')[0]
        var = f"SLA_SYNC_{field.upper()}" if field else "an SLA_SYNC_ variable"
        raise ConfigError(f"environment {var}", "", "valid JSON (a list or mapping)") from None
    if check_tracker is not None:
        for prefix, cfg in _configured(settings):
            if problem := check_tracker(cfg):
                key, expected = problem
                where = (
                    path
                    if prefix.startswith("trackers") and path
                    else f"environment {_env(prefix)}"
                )
                raise ConfigError(where, ".".join(p for p in (prefix, key) if p), expected)
    return settings


def _env_references(value: Any, environ: Mapping[str, str], path: Path, at: tuple) -> Any:
    """Replace each `{env: NAME}` of the file by that variable's value (a secret kept out of it)."""
    if isinstance(value, dict):
        if set(value) == {"env"}:
            name = value["env"]
            key = ".".join(str(p) for p in at)
            if not isinstance(name, str) or not name:
                raise ConfigError(path, key, "{env: NAME} with the name of a variable", name)
            if not environ.get(name):
                raise ConfigError(
                    path,
                    key,
                    f"the environment variable {name} to be set (the file says "
                    f"{{env: {name}}}): export it, or write the value here",
                )
            return environ[name]
        return {k: _env_references(v, environ, path, (*at, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_env_references(v, environ, path, (*at, i)) for i, v in enumerate(value)]
    return value


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml_text.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(path, "", "a readable YAML settings file", exc.strerror) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            path, "", f"UTF-8 text (byte {exc.start} is not UTF-8; save it as UTF-8)"
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, "", "valid YAML", str(exc).splitlines()[0]) from None
    if not isinstance(data, dict):
        raise ConfigError(path, "", "a mapping of settings", type(data).__name__)
    return data


def _validation_error(
    err: Any, data: Mapping[str, Any], path: Path | None, environ: Mapping[str, str]
) -> ConfigError:
    """One line naming where the wrong value was set; the value itself only when harmless."""
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc)
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "missing":
        msg = "this key (it is missing)"
    elif err["type"] == "extra_forbidden":
        msg = "no such setting (a typo?)"
    got = None
    if err["type"] not in ("missing", "extra_forbidden"):
        # Unknown keys may be misspelt secrets; secret-typed or nested values are never shown.
        got = describe_value(Settings, loc, err.get("input"))
    return ConfigError(_source(loc, data, path, environ), key, msg, got)


def _source(
    loc: tuple[Any, ...], data: Mapping[str, Any], path: Path | None, environ: Mapping[str, str]
) -> str | Path:
    """The variable or the file that held the value at `loc` (variables win, as in Settings)."""
    names = {k.upper() for k in (*os.environ, *environ)}
    parts = [str(p).upper() for p in loc]
    for n in range(len(parts), 0, -1):
        var = "SLA_SYNC_" + "__".join(parts[:n])
        if var in names:
            return f"environment {var}"
    if path is not None and loc and _has(data, loc[:-1] if len(loc) > 1 else loc):
        return path
    full = "SLA_SYNC_" + "__".join(parts) + ("" if len(parts) > 1 else "__*")
    if any(n.startswith(f"SLA_SYNC_{parts[0]}__") for n in names):
        return f"environment {full}"
    return path if path is not None else f"environment {full}"


def _has(data: Any, loc: tuple[Any, ...]) -> bool:
    for part in loc:
        if (isinstance(data, Mapping) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and part < len(data)
        ):
            data = data[part]
        else:
            return False
    return True


def _configured(settings: Settings) -> list[tuple[str, TrackerSettings]]:
    found = [(f"trackers.{i}", t) for i, t in enumerate(settings.trackers)]
    return found + ([("jira", settings.jira)] if settings.jira else [])


def _env(prefix: str) -> str:
    return "SLA_SYNC_" + prefix.upper().replace(".", "__")
