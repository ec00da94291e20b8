"""YouTrack sandbox vocabulary: users, custom fields with their bundles, and JSON views of them.

In YouTrack State, Priority and Type are ordinary custom fields, so the whole vocabulary is a
list of `YtField`s. Values are stored as plain Python (bundle value names, logins, datetimes,
numbers) and rendered in the REST shapes on the way out.
https://www.jetbrains.com/help/youtrack/devportal/api-entity-IssueCustomField.html
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.jira.catalog import DEFAULT_USERS, User

__all__ = ["KINDS", "SCENARIO_NAMES", "YtCatalog", "YtField", "epoch_ms"]

# kind (= fieldType.valueType) -> (fieldType.id, IssueCustomField $type, ProjectCustomField $type)
KINDS: dict[str, tuple[str, str, str]] = {
    "state": ("state[1]", "StateIssueCustomField", "StateProjectCustomField"),
    "enum": ("enum[1]", "SingleEnumIssueCustomField", "EnumProjectCustomField"),
    "user": ("user[1]", "SingleUserIssueCustomField", "UserProjectCustomField"),
    # Real servers send date-and-time values as SimpleIssueCustomField (see the moneymeets and
    # deskpro captures); a bare date is DateIssueCustomField.
    "date and time": ("date and time", "SimpleIssueCustomField", "SimpleProjectCustomField"),
    "date": ("date", "DateIssueCustomField", "SimpleProjectCustomField"),
    "float": ("float", "SimpleIssueCustomField", "SimpleProjectCustomField"),
    "integer": ("integer", "SimpleIssueCustomField", "SimpleProjectCustomField"),
    "string": ("string", "SimpleIssueCustomField", "SimpleProjectCustomField"),
    "period": ("period", "PeriodIssueCustomField", "PeriodProjectCustomField"),
    "text": ("text", "TextIssueCustomField", "TextProjectCustomField"),
}
# Jira scenario field types -> YouTrack kinds, so one scenario file seeds both sandboxes.
_JIRA_TYPES = {
    "select": "enum",
    "multicheckboxes": "enum",
    "datetime": "date and time",
    "float": "float",
    "textfield": "string",
}
# Scenario (Jira) names of system fields -> YouTrack custom field names.
SCENARIO_NAMES = {
    "status": "State",
    "priority": "Priority",
    "resolution": "Резолюция",
    "issuetype": "Type",
    "assignee": "Assignee",
}
DEFAULT_FIELDS: list[tuple[str, str, list[Any]]] = [
    (
        "State",
        "state",
        [("Создана", False), ("В работе", False), ("Уточнение", False), ("Выполнено", True)],
    ),
    ("Priority", "enum", ["Критический", "Высокий", "Средний", "Низкий"]),
    ("Type", "enum", ["Заявка на дефект", "Запрос"]),
    ("Assignee", "user", []),
    ("Линия поддержки", "enum", ["1", "2", "3"]),
    ("Заказчик", "enum", ["Магнит", "Лента", "Перекрёсток", "Пятёрочка", "ВкусВилл"]),
    ("Канал", "enum", ["E-mail", "Телефон", "Telegram", "WhatsApp"]),
    (
        "Резолюция",
        "enum",
        ["Решена", "Не воспроизводится", "Ошибка пользователя", "Инфраструктура", "Отозвана"],
    ),
    ("Дата регистрации", "date and time", []),
    ("SLA due", "date and time", []),
    ("SLA state", "enum", ["running", "paused", "stopped"]),
    ("SLA breached", "enum", ["Yes", "No"]),
    ("SLA elapsed h", "float", []),
    ("SLA remaining h", "float", []),
]


def epoch_ms(value: datetime | None) -> int | None:
    """YouTrack's timestamps: milliseconds since the epoch."""
    return None if value is None else int(value.timestamp() * 1000)


@dataclass
class YtField:
    """A custom field attached to the project; `values` are (id, name, isResolved) rows."""

    name: str
    kind: str
    id: str
    pcf_id: str
    values: list[tuple[str, str, bool]] = field(default_factory=list)

    @property
    def issue_type(self) -> str:
        """The IssueCustomField `$type` of this field."""
        return KINDS[self.kind][1]

    def value_row(self, name: str) -> tuple[str, str, bool] | None:
        """A bundle value by name or id (None when the bundle has no such value)."""
        return next((v for v in self.values if name in (v[1], v[0])), None)


class YtCatalog:
    """Everything a YouTrack instance defines for the sandbox project."""

    def __init__(self, overrides: dict[str, Any], users: list[dict[str, Any]], tz: Any) -> None:
        self.tz, self.base = tz, "http://127.0.0.1"
        proj = overrides.get("project") or {"key": "SUP", "name": "Support"}
        self.projects = {
            p["key"]: {"id": f"0-{i}", "shortName": p["key"], "name": p.get("name", p["key"])}
            for i, p in enumerate(overrides.get("projects") or [proj])
        }
        # Groups: All Users, and one team per project (every user but `outsiders`).
        # https://www.jetbrains.com/help/youtrack/devportal/api-entity-UserGroup.html
        self.groups: dict[str, dict[str, Any]] = {
            "3-0": {"id": "3-0", "name": "All Users", "allUsersGroup": True, "project": None}
        }
        for key in self.projects:
            self.add_team(key)
        self.outsiders: set[str] = set()  # logins on no project team
        self.denied: dict[str, set[str]] = {}  # login -> permissions the user lacks (403)
        self.fields: dict[str, YtField] = {}
        for name, kind, values in self._definitions(overrides):
            self.add_field(name, kind, values)
        self.users: dict[str, User] = {}
        for raw in [*DEFAULT_USERS, *users]:
            self.add_user(raw)

    def add_team(self, key: str) -> str:
        """Create the team group of project `key` and return its id."""
        gid = f"3-{len(self.groups)}"
        name = f"{self.projects[key]['name']} Team"
        self.groups[gid] = {"id": gid, "name": name, "allUsersGroup": False, "project": key}
        self.projects[key]["team"] = gid
        return gid

    def in_group(self, login: str, gid: str) -> bool:
        """True when the user is a member of the group."""
        group = self.groups.get(gid)
        if group is None:
            return False
        return group["allUsersGroup"] or login not in self.outsiders

    def allowed(self, login: str, permission: str) -> bool:
        """False when the scenario took `permission` (e.g. "Update Issue") from the user."""
        return permission not in self.denied.get(login, set())

    def group_json(self, gid: str) -> dict[str, Any]:
        """A `UserGroup` (a project's team has `teamForProject`)."""
        g = self.groups[gid]
        project = self.projects.get(g["project"] or "")
        return {
            "$type": "UserGroup",
            "id": gid,
            "name": g["name"],
            "ringId": f"ring-group-{gid}",
            "allUsersGroup": g["allUsersGroup"],
            "teamForProject": None
            if project is None
            else {"$type": "Project", "id": project["id"], "shortName": project["shortName"]},
        }

    @staticmethod
    def _definitions(ov: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
        """Default fields, with the scenario's Jira-style overrides translated."""
        defs = {name: (name, kind, values) for name, kind, values in DEFAULT_FIELDS}
        if ov.get("statuses"):
            states = [(s["name"], s.get("category") == "done") for s in ov["statuses"]]
            defs["State"] = ("State", "state", states)
        for key, name in (("priorities", "Priority"), ("resolutions", "Резолюция")):
            if ov.get(key):
                defs[name] = (name, "enum", [r["name"] for r in ov[key]])
        if ov.get("issuetypes"):
            defs["Type"] = ("Type", "enum", [t["name"] for t in ov["issuetypes"]])
        if ov.get("custom_fields"):
            system = {"State", "Priority", "Type", "Assignee", "Резолюция"}
            defs = {k: v for k, v in defs.items() if k in system}
            for raw in ov["custom_fields"]:
                kind = _JIRA_TYPES.get(str(raw["type"]).rsplit(":", 1)[-1], str(raw["type"]))
                defs[raw["name"]] = (raw["name"], kind, [str(o) for o in raw.get("options", [])])
        return list(defs.values())

    def add_field(self, name: str, kind: str, values: list[Any]) -> YtField:
        """Create a custom field (and its bundle) with the next free ids."""
        if kind not in KINDS:
            raise ValueError(f"unsupported YouTrack field type {kind!r} (known: {sorted(KINDS)})")
        n = len(self.fields)
        rows = [
            (f"{67 + n}-{i}", *(v if isinstance(v, tuple) else (str(v), False)))
            for i, v in enumerate(values)
        ]
        self.fields[name] = YtField(name, kind, f"58-{n}", f"92-{n}", rows)
        return self.fields[name]

    def field(self, ref: str) -> YtField | None:
        """A field by YouTrack name, scenario name (`status`, `priority`...) or id."""
        name = SCENARIO_NAMES.get(ref, ref)
        if name in self.fields:
            return self.fields[name]
        return next((f for f in self.fields.values() if ref in (f.id, f.pcf_id)), None)

    # --- users -------------------------------------------------------------------------
    def add_user(self, raw: dict[str, Any]) -> User:
        """Add (or replace) a user; a token becomes a permanent token `perm:<login>.<name>.<x>`."""
        token = raw.get("token")
        if token and not str(token).startswith("perm:"):
            login = base64.b64encode(raw["name"].encode()).decode()
            token = f"perm:{login}.U2FuZGJveA==.{token}"
        user = User(
            raw["name"],
            raw.get("displayName", raw["name"]),
            raw.get("emailAddress", f"{raw['name']}@example.com"),
            token,
            raw.get("timeZone", str(self.tz)),
        )
        self.users[user.name] = user
        return user

    def user(self, ref: Any) -> User:
        """A user by login, e-mail or scenario mapping (created on first use)."""
        if isinstance(ref, str) and ref in self.users:
            return self.users[ref]
        if isinstance(ref, dict):
            return self.users.get(ref.get("name", "")) or self.add_user(ref)
        return next((u for u in self.users.values() if ref == u.email), None) or self.add_user(
            {"name": str(ref)}
        )

    def user_id(self, user: User) -> str:
        """A stable YouTrack-style entity id of a user."""
        return f"1-{list(self.users).index(user.name) + 1}"

    # --- JSON views ----------------------------------------------------------------------
    def user_json(self, login: str | None) -> dict[str, Any] | None:
        """A `User` entity."""
        if login is None:
            return None
        u = self.user(login)
        return {
            "$type": "User",
            "id": self.user_id(u),
            "login": u.name,
            "name": u.display_name,
            "fullName": u.display_name,
            "email": u.email,
            "ringId": f"ring-{u.account_id}",
            "avatarUrl": f"/hub/api/rest/avatar/{u.account_id}?s=48",
            "guest": False,
            "banned": False,
        }

    def field_type_json(self, f: YtField) -> dict[str, Any]:
        """A `FieldType`."""
        return {
            "$type": "FieldType",
            "id": KINDS[f.kind][0],
            "valueType": f.kind,
            "isMultiValue": False,
        }

    def custom_field_json(self, f: YtField) -> dict[str, Any]:
        """A global `CustomField` definition (`GET /api/admin/customFieldSettings/customFields`)."""
        return {
            "$type": "CustomField",
            "id": f.id,
            "name": f.name,
            "localizedName": None,
            "fieldType": self.field_type_json(f),
            "isAutoAttached": False,
            "isDisplayedInIssueList": True,
            "ordinal": list(self.fields).index(f.name),
            "instances": [self.project_field_json(f, with_field=False)],
        }

    def bundle_value_json(self, f: YtField, row: tuple[str, str, bool]) -> dict[str, Any]:
        """A `StateBundleElement` / `EnumBundleElement`."""
        out = {
            "$type": "StateBundleElement" if f.kind == "state" else "EnumBundleElement",
            "id": row[0],
            "name": row[1],
            "localizedName": None,
            "description": None,
            "ordinal": next(i for i, v in enumerate(f.values) if v == row),
            "archived": False,
            "hasRunningJob": False,
            "color": {"$type": "FieldStyle", "id": "0", "background": "#fff", "foreground": "#444"},
        }
        if f.kind == "state":
            out["isResolved"] = row[2]
        return out

    def project_field_json(self, f: YtField, with_field: bool = True) -> dict[str, Any]:
        """A `ProjectCustomField` (with its bundle for state/enum fields)."""
        out: dict[str, Any] = {
            "$type": KINDS[f.kind][2],
            "id": f.pcf_id,
            "canBeEmpty": f.kind != "state",
            "emptyFieldText": "No " + f.name,
            "isPublic": True,
            "ordinal": list(self.fields).index(f.name),
        }
        if with_field:
            out["field"] = {k: v for k, v in self.custom_field_json(f).items() if k != "instances"}
        if f.kind in ("state", "enum"):
            out["bundle"] = {
                "$type": "StateBundle" if f.kind == "state" else "EnumBundle",
                "id": f"{f.values[0][0].split('-')[0]}-0" if f.values else "0-0",
                "values": [self.bundle_value_json(f, v) for v in f.values],
            }
        return out
