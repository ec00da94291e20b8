"""Field value codecs for the Jira sandbox: REST rendering, write parsing, changelog items."""

from __future__ import annotations

from typing import Any

from sandbox.jira.catalog import SYSTEM_FIELDS, Catalog, FieldError, fmt_time
from sandbox.jira.catalog import parse_jira_time as _parse_time

__all__ = ["history_item", "parse_input", "render", "scenario_value"]

_ROWS = {
    "status": "statuses",
    "priority": "priorities",
    "resolution": "resolutions",
    "issuetype": "issuetypes",
}
_TIMES = {"created", "updated", "resolutiondate"}


def render(cat: Catalog, fid: str, value: Any) -> Any:
    """The REST JSON of an internally stored field value."""
    if value is None or (value == [] and fid != "labels"):
        return [] if fid == "labels" else None
    if fid in _ROWS:
        row = cat.find(getattr(cat, _ROWS[fid]), value, fid)
        return getattr(cat, f"{fid}_json")(row)
    if fid in _TIMES:
        return fmt_time(value, cat.tz)
    if fid == "project":
        return cat.project_json(value)
    if fid in ("reporter", "assignee"):
        return cat.user_json(cat.user(value))
    cf = cat.custom.get(fid)
    if cf is None:
        return value
    if cf.type == "select":
        return _option_json(cat, fid, value)
    if cf.type == "multicheckboxes":
        return [_option_json(cat, fid, v) for v in value]
    if cf.type == "datetime":
        return fmt_time(value, cat.tz)
    return value


def _option_json(cat: Catalog, fid: str, option_id: str) -> dict[str, Any]:
    value = dict(cat.custom[fid].options)[option_id]
    return {
        "self": f"{cat.base}/rest/api/2/customFieldOption/{option_id}",
        "value": value,
        "id": option_id,
    }


def _option(cat: Catalog, fid: str, raw: Any) -> str:
    """An option id from `{"value": ..}`, `{"id": ..}` or (scenario) a bare value."""
    opts = cat.custom[fid].options
    if isinstance(raw, dict) and "id" in raw:
        if any(oid == str(raw["id"]) for oid, _ in opts):
            return str(raw["id"])
        raise FieldError(f"Option id '{raw['id']}' is not valid")
    value = str(raw.get("value")) if isinstance(raw, dict) else str(raw)
    for oid, ovalue in opts:
        if ovalue == value:
            return oid
    raise FieldError(f"Option value '{value}' is not valid")


def parse_input(cat: Catalog, fid: str, raw: Any) -> Any:
    """The internal value of a REST write (`PUT issue` fields); FieldError when Jira says 400."""
    if raw is None:
        return [] if fid == "labels" else None
    if fid in ("priority", "resolution"):
        if not isinstance(raw, dict):
            raise FieldError(f"Could not find valid 'id' or 'name' in {fid} object.")
        return cat.find(getattr(cat, _ROWS[fid]), raw.get("id", raw.get("name")), fid)["id"]
    if fid in ("assignee", "reporter"):
        if not isinstance(raw, dict):
            raise FieldError("expected Object")
        ref = raw.get("accountId") or raw.get("name") or raw.get("key")
        if ref is None:
            return None
        found = [u for u in cat.users.values() if ref in (u.name, u.account_id)]
        if not found:
            raise FieldError(f"User '{ref}' does not exist.")
        return found[0].name
    if fid == "labels":
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise FieldError("expected a list of strings")
        return sorted(set(raw))
    if fid in ("summary", "description"):
        if not isinstance(raw, str):
            raise FieldError("Operation value must be a string")
        return raw
    cf = cat.custom[fid]
    if cf.type == "select":
        return _option(cat, fid, raw)
    if cf.type == "multicheckboxes":
        if not isinstance(raw, list):
            raise FieldError("data was not an array")
        return sorted({_option(cat, fid, x) for x in raw})
    if cf.type == "datetime":
        if not isinstance(raw, str):
            raise FieldError("Operation value must be a string")
        return _parse_time(raw)
    if cf.type == "float":
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise FieldError("Operation value must be a number")
        return float(raw)
    if not isinstance(raw, str):
        raise FieldError("Operation value must be a string")
    return raw


def scenario_value(cat: Catalog, fid: str, raw: Any, time_of: Any) -> Any:
    """The internal value of a scenario entry (names instead of REST objects)."""
    if raw is None:
        return [] if fid == "labels" else None
    if fid in _ROWS:
        return cat.find(getattr(cat, _ROWS[fid]), raw, fid)["id"]
    if fid in ("assignee", "reporter"):
        return cat.user(raw).name
    if fid in _TIMES:
        return time_of(raw)
    cf = cat.custom.get(fid)
    if cf and cf.type == "datetime":
        return time_of(raw)
    if cf and cf.type == "float":
        return float(raw)
    if cf and cf.type == "select":
        return _option(cat, fid, raw)
    if cf and cf.type == "multicheckboxes":
        return sorted({_option(cat, fid, x) for x in raw})
    return sorted(set(raw)) if fid == "labels" else str(raw)


def _display(cat: Catalog, fid: str, value: Any) -> tuple[str | None, str | None]:
    """(from/to, fromString/toString) of one side of a changelog item, as Jira records them."""
    if value is None or value == []:
        return None, ("" if fid == "labels" else None)
    if fid in _ROWS:
        return value, cat.find(getattr(cat, _ROWS[fid]), value, fid)["name"]
    if fid in ("assignee", "reporter"):
        user = cat.user(value)
        return (user.account_id if cat.mode == "cloud" else user.name), user.display_name
    if fid == "labels":
        return None, " ".join(value)
    cf = cat.custom.get(fid)
    if cf and cf.type == "select":
        return value, dict(cf.options)[value]
    if cf and cf.type == "multicheckboxes":
        names = dict(cf.options)
        return "[" + ", ".join(value) + "]", ",".join(names[v] for v in value)
    if cf and cf.type == "datetime":
        # Jira keeps the ISO instant in from/to and a user-formatted date in the strings.
        local = value.astimezone(cat.tz)
        return fmt_time(value, cat.tz), local.strftime("%d/%b/%y %I:%M %p").replace(" 0", " ")
    if cf and cf.type == "float":
        return None, str(int(value)) if float(value).is_integer() else repr(value)
    return None, str(value)


def history_item(cat: Catalog, fid: str, old: Any, new: Any) -> dict[str, Any] | None:
    """One changelog item for a field change, or None when the value did not change."""
    if old == new:
        return None
    frm, frm_s = _display(cat, fid, old)
    to, to_s = _display(cat, fid, new)
    custom = fid in cat.custom
    item: dict[str, Any] = {
        "field": cat.field_name(fid) if custom else fid,
        "fieldtype": "custom" if custom else "jira",
    }
    if cat.mode == "cloud" or cat.changelog_field_id:
        item["fieldId"] = fid
    item.update({"from": frm, "fromString": frm_s, "to": to, "toString": to_s})
    if fid in SYSTEM_FIELDS and fid in ("assignee", "reporter") and cat.mode == "cloud":
        item["tmpFromAccountId"], item["tmpToAccountId"] = frm, to
    return item
