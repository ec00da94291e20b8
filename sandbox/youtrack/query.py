"""The YouTrack search-query subset of the sandbox, and the `fields=` projection of responses.

Queries: `project: SUP`, `issue id: SUP-1` / `#SUP-1`, `#Unresolved` / `#Resolved`,
`updated: X .. Y` / `created: X .. Y` (X, Y: `2026-11-18T10:00[:00]`, `2026-11-18`, `*`, `Today`,
`Yesterday`, read in the searching user's profile time zone as YouTrack does),
`<enum or state field>: {Value}` or `Value`, joined by `and` or spaces, parentheses allowed,
and a trailing `sort by: updated|created asc|desc`.
https://www.jetbrains.com/help/youtrack/cloud/search-and-command-attributes.html
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["QueryError", "compile_query", "parse_fields", "project"]

Pred = Callable[[Any], bool]
_TERM = re.compile(
    r"\s*(?:(?P<tag>#[\w-]+)"
    r"|(?P<attr>[^:{}()#]+?|\{[^}]+\}):\s*(?P<val>\{[^}]*\}|\S+?)"
    r"(?:\s*\.\.\s*(?P<to>\{[^}]*\}|\S+?))?(?=\s|\)|$))"
)


class QueryError(ValueError):
    """A query the sandbox does not understand (400 bad_request)."""


def _bound(text: str, tz: ZoneInfo, now: datetime, upper: bool) -> datetime | None:
    text = text.strip("{} ")
    if text == "*":
        return None
    day = {"today": 0, "yesterday": -1}.get(text.lower())
    if day is not None:
        local = now.astimezone(tz).date() + timedelta(days=day + (1 if upper else 0))
        return datetime.combine(local, time(), tzinfo=tz)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise QueryError(f"Cannot parse date {text!r}") from None
    if upper:  # an upper bound includes its whole day / minute / second
        parsed += {10: timedelta(days=1), 16: timedelta(minutes=1)}.get(
            len(text), timedelta(seconds=1)
        )
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed


def compile_query(
    query: str, tz: ZoneInfo, now: datetime, field_value: Callable[[Any, str], str | None]
) -> tuple[Pred, Callable[[list[Any]], list[Any]]]:
    """A predicate over issues and a sorter for a query; QueryError when unsupported."""
    text, *rest = re.split(r"(?i)\bsort by:\s*", query, maxsplit=1)
    sort = rest[0] if rest else ""
    text = text.replace("(", " ").replace(")", " ")
    if re.search(r"(?i)(^|\s)or(\s|$)", text):
        raise QueryError("The sandbox supports 'and' only in queries")
    text = re.sub(r"(?i)(^|\s)and(?=\s|$)", " ", text).strip()
    preds: list[Pred] = []
    pos = 0
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos:
            raise QueryError(f"Unsupported query term near {text[pos : pos + 30]!r}")
        pos = m.end()
        while pos < len(text) and text[pos] == " ":
            pos += 1
        preds.append(_term(m, tz, now, field_value))
    sort_key, reverse = _sort(sort)

    def pred(issue: Any) -> bool:
        return all(p(issue) for p in preds)

    return pred, lambda issues: sorted(issues, key=sort_key, reverse=reverse)


def _term(
    m: re.Match[str], tz: ZoneInfo, now: datetime, field_value: Callable[[Any, str], str | None]
) -> Pred:
    if tag := m.group("tag"):
        word = tag[1:].lower()
        if word == "unresolved":
            return lambda i: i.resolved is None
        if word == "resolved":
            return lambda i: i.resolved is not None
        return lambda i: i.key.lower() == word  # `#SUP-1`
    attr = m.group("attr").strip("{} ").lower()
    val = m.group("val").strip("{} ")
    if attr in ("updated", "created"):
        lo = _bound(val, tz, now, upper=False)
        # A single value (`updated: 2026-11-18`) is a range over that day or minute.
        hi = _bound(m.group("to") or val, tz, now, upper=True)
        return lambda i: (
            (lo is None or getattr(i, attr) >= lo) and (hi is None or getattr(i, attr) < hi)
        )
    if attr == "project":
        return lambda i: i.project.lower() == val.lower()
    if attr in ("issue id", "issue"):
        return lambda i: val.lower() in (i.key.lower(), i.id)
    if m.group("to"):
        raise QueryError(f"Ranges are supported for updated/created only, not {attr!r}")
    return lambda i: (field_value(i, m.group("attr").strip("{} ")) or "").lower() == val.lower()


def _sort(spec: str) -> tuple[Callable[[Any], Any], bool]:
    spec = spec.strip().lower()
    if not spec:
        return (lambda i: i.seq), False  # the sandbox's default order: issue creation order
    m = re.fullmatch(r"(updated|created)(?:\s+(asc|desc))?", spec)
    if not m:
        raise QueryError(f"Unsupported sort {spec!r}")
    attr = m.group(1)
    return (lambda i: (getattr(i, attr), i.seq)), m.group(2) == "desc"


# --- fields= -------------------------------------------------------------------------------
def parse_fields(spec: str | None) -> dict[str, Any] | None:
    """`id,reporter(login),customFields(name,value(name))` -> nested dict (None: no spec)."""
    if spec is None or not spec.strip():
        return None
    stack: list[dict[str, Any]] = [{}]
    name = ""
    last: str | None = None
    for ch in spec + ",":
        if ch in ",()":
            if name.strip():
                last = name.strip()
                stack[-1].setdefault(last, None)
            name = ""
            if ch == "(":
                if last is None:
                    raise QueryError(f"Bad fields specification {spec!r}")
                sub = stack[-1][last] or {}
                stack[-1][last] = sub
                stack.append(sub)
            elif ch == ")":
                if len(stack) == 1:
                    raise QueryError(f"Bad fields specification {spec!r}")
                stack.pop()
        else:
            name += ch
    if len(stack) != 1:
        raise QueryError(f"Bad fields specification {spec!r}")
    return stack[0]


def project(value: Any, tree: dict[str, Any] | None) -> Any:
    """Keep the requested attributes (and `$type`, which YouTrack always sends) of a value."""
    if isinstance(value, list):
        return [project(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    out = {"$type": value["$type"]} if "$type" in value else {}
    for key, sub in (tree or {}).items():
        if key in value:
            out[key] = project(value[key], sub)
    return out
