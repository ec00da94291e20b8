"""Jira sandbox vocabulary: users, statuses, priorities, resolutions, fields, and value codecs.

Field values are stored internally as plain Python (ids, names, datetimes) and rendered in the
REST shapes of /rest/api/2 on the way out, so one store serves Cloud and Data Center.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sandbox.jira.catalog_json import CatalogJson
from sandbox.jira.fieldtypes import CATEGORIES, CF, CUSTOM_SCHEMA, SYSTEM_FIELDS

__all__ = [
    "CATEGORIES",
    "CF",
    "SYSTEM_FIELDS",
    "Catalog",
    "CustomField",
    "FieldError",
    "User",
    "fmt_time",
    "parse_jira_time",
]

DEFAULT_STATUSES = [
    ("10000", "Создана", "new"),
    ("3", "В работе", "indeterminate"),
    ("10001", "Уточнение", "indeterminate"),
    ("10002", "Выполнено", "done"),
]
DEFAULT_PRIORITIES = [
    ("1", "Критический", "#d04437"),
    ("2", "Высокий", "#f15c75"),
    ("3", "Средний", "#f79232"),
    ("4", "Низкий", "#707070"),
]
DEFAULT_RESOLUTIONS = [
    ("10000", "Решена"),
    ("10001", "Не воспроизводится"),
    ("10002", "Ошибка пользователя"),
    ("10003", "Инфраструктура"),
    ("10004", "Отозвана"),
]
DEFAULT_ISSUETYPES = [("10004", "Заявка на дефект"), ("10005", "Запрос")]
DEFAULT_CUSTOM = [
    ("Линия поддержки", "select", ["1", "2", "3"]),
    ("Заказчик", "select", ["Магнит", "Лента", "Перекрёсток", "Пятёрочка", "ВкусВилл"]),
    ("Канал", "select", ["E-mail", "Телефон", "Telegram", "WhatsApp"]),
    ("Дата регистрации", "datetime", []),
    ("SLA due", "datetime", []),
    ("SLA state", "select", ["running", "paused", "stopped"]),
    ("SLA breached", "select", ["Yes", "No"]),
    ("SLA elapsed h", "float", []),
    ("SLA remaining h", "float", []),
]
DEFAULT_USERS = [
    {
        "name": "sla-bot",
        "displayName": "SLA bot",
        "emailAddress": "sla-bot@example.com",
        "token": "sandbox-bot-token",
    },
    {
        "name": "agent",
        "displayName": "Анна Смирнова",
        "emailAddress": "agent@example.com",
        "token": "sandbox-agent-token",
    },
]
EDITABLE_SYSTEM = {"summary", "priority", "labels", "assignee", "description"}


class FieldError(ValueError):
    """A field value Jira would reject with 400 (`errors[field]` = message)."""


def fmt_time(value: datetime | None, tz: Any) -> str | None:
    """Jira's timestamp format: 2024-01-01T18:00:00.000+0300."""
    if value is None:
        return None
    local = value.astimezone(tz)
    return (
        local.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{local.microsecond // 1000:03d}"
        + local.strftime("%z")
    )


def parse_jira_time(text: str) -> datetime:
    """Parse the date-time strings Jira accepts on write (ISO with offset, ±HHMM or ±HH:MM)."""
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(
            "Invalid date format. Please enter the date in the format "
            "\"yyyy-MM-dd'T'HH:mm:ss.SSSZ\"."
        ) from None
    if parsed.tzinfo is None:
        raise FieldError("Invalid date format: a UTC offset is required.")
    return parsed


@dataclass
class User:
    """A Jira user; users with a token can authenticate."""

    name: str
    display_name: str
    email: str
    token: str | None = None
    time_zone: str = "Europe/Moscow"

    @cached_property
    def account_id(self) -> str:
        """A stable Cloud-style account id derived from the name."""
        return "5b10" + hashlib.sha1(self.name.encode()).hexdigest()[:20]


@dataclass
class CustomField:
    """A custom field; `options` are (id, value) pairs for select/multicheckboxes.

    `contexts` are its custom field contexts (Cloud REST shape). The sandbox keeps one option
    list per field, shared by all its contexts (real Jira keeps one per context).
    """

    id: str
    name: str
    type: str
    options: list[tuple[str, str]] = field(default_factory=list)
    contexts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def custom_id(self) -> int:
        """The number in `customfield_NNNNN`."""
        return int(self.id.rsplit("_", 1)[1])


class Catalog(CatalogJson):
    """Everything a Jira instance defines: the vocabulary issues are built from."""

    def __init__(
        self, overrides: dict[str, Any], users: list[dict[str, Any]], tz: Any, mode: str
    ) -> None:
        self.tz, self.mode, self.base = tz, mode, "http://127.0.0.1"
        self.changelog_field_id = False  # DC changelog items carry no fieldId by default
        proj = overrides.get("project") or {"key": "SUP", "name": "Support"}
        self.projects = {
            p["key"]: {"id": str(10000 + i), **p}
            for i, p in enumerate(overrides.get("projects") or [proj])
        }
        self.statuses = self._triples(
            overrides.get("statuses"), DEFAULT_STATUSES, ("id", "name", "category")
        )
        self.priorities = self._triples(
            overrides.get("priorities"), DEFAULT_PRIORITIES, ("id", "name", "statusColor")
        )
        self.resolutions = self._triples(
            overrides.get("resolutions"), DEFAULT_RESOLUTIONS, ("id", "name")
        )
        self.issuetypes = self._triples(
            overrides.get("issuetypes"), DEFAULT_ISSUETYPES, ("id", "name")
        )
        self.custom: dict[str, CustomField] = {}
        self._fid_cache: dict[str, str | None] = {}
        for raw in overrides.get("custom_fields") or [
            {"name": n, "type": t, "options": o} for n, t, o in DEFAULT_CUSTOM
        ]:
            self.add_custom(raw["name"], raw["type"], [str(o) for o in raw.get("options", [])])
        self.users: dict[str, User] = {}
        for raw in [*DEFAULT_USERS, *users]:
            self.add_user(raw)

    @staticmethod
    def _triples(given: Any, default: list[tuple[str, ...]], keys: tuple[str, ...]) -> list[dict]:
        rows = given or [dict(zip(keys, row, strict=True)) for row in default]
        return [{**r, "id": str(r.get("id", 10100 + i))} for i, r in enumerate(rows)]

    def add_user(self, raw: dict[str, Any]) -> User:
        """Add (or replace) a user from a scenario mapping."""
        user = User(
            raw["name"],
            raw.get("displayName", raw["name"]),
            raw.get("emailAddress", f"{raw['name']}@example.com"),
            raw.get("token"),
            raw.get("timeZone", str(self.tz)),
        )
        self.users[user.name] = user
        return user

    def user(self, ref: Any) -> User:
        """A user by name, e-mail, account id or scenario mapping (created on first use)."""
        if isinstance(ref, str) and ref in self.users:
            return self.users[ref]
        if isinstance(ref, dict):
            return self.users.get(ref.get("name", "")) or self.add_user(ref)
        for u in self.users.values():
            if ref in (u.name, u.email, u.account_id):
                return u
        return self.add_user({"name": str(ref)})

    def add_custom(self, name: str, ftype: str, options: list[str]) -> CustomField:
        """Create a custom field with the next free id (customfield_10100, ...)."""
        short = ftype.removeprefix(CF)
        if short not in CUSTOM_SCHEMA:
            raise FieldError(f"Unsupported custom field type '{ftype}'.")
        fid = f"customfield_{10100 + len(self.custom)}"
        opts = [(str(10200 + 10 * len(self.custom) + i), o) for i, o in enumerate(options)]
        cf = self.custom[fid] = CustomField(fid, name, short, opts)
        # A new field gets a global context for all issue types (what Jira's UI and REST
        # field creation leave behind; the REST docs do not say so explicitly).
        self.add_context(cf, f"Default Configuration Scheme for {name}", [], [])
        self._fid_cache.clear()
        return cf

    def add_context(
        self, cf: CustomField, name: str, project_ids: list[str], issue_type_ids: list[str]
    ) -> dict[str, Any]:
        """A custom field context; empty project / issue type lists mean all of them."""
        self._next_context = getattr(self, "_next_context", 10099) + 1
        ctx = {
            "id": str(self._next_context),
            "name": name,
            "description": "",
            "projectIds": [str(p) for p in project_ids],
            "issueTypeIds": [str(t) for t in issue_type_ids],
        }
        cf.contexts.append(ctx)
        return ctx

    def add_option(self, cf: CustomField, value: str) -> str:
        """Append an option to a select field; its new id."""
        self._next_option = getattr(self, "_next_option", 19999) + 1
        cf.options.append((str(self._next_option), value))
        return str(self._next_option)

    def field_id(self, ref: str) -> str | None:
        """A field id from an id, a name, or `cf[NNNNN]`; None when unknown."""
        if ref not in self._fid_cache:
            self._fid_cache[ref] = self._field_id(ref)
        return self._fid_cache[ref]

    def _field_id(self, ref: str) -> str | None:
        if ref in SYSTEM_FIELDS or ref in self.custom:
            return ref
        if ref.startswith("cf[") and f"customfield_{ref[3:-1]}" in self.custom:
            return f"customfield_{ref[3:-1]}"
        for fid, (name, *_rest) in SYSTEM_FIELDS.items():
            if ref.lower() == name.lower():
                return fid
        return next((cf.id for cf in self.custom.values() if cf.name == ref), None)

    def field_name(self, fid: str) -> str:
        """The display name of a field id."""
        return self.custom[fid].name if fid in self.custom else SYSTEM_FIELDS[fid][0]

    def find(self, table: list[dict], ref: Any, what: str) -> dict:
        """A status/priority/resolution/issuetype row by id or name; FieldError when missing."""
        for row in table:
            if str(ref) in (row["id"], row["name"]):
                return row
        raise FieldError(f"{what} '{ref}' does not exist.")
