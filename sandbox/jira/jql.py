"""The JQL subset the sandbox understands: a tokenizer, a recursive-descent parser, a sorter.

Dates in literals are read in the searching user's time zone, as Jira does
(https://support.atlassian.com/jira-software-cloud/docs/jql-fields/#Updated).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.jira.catalog import CATEGORIES, Catalog

__all__ = ["JqlError", "compile_jql"]

Pred = Callable[[Any], bool]
_TOKEN = re.compile(
    r"""\s*(?:
    (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>!=|>=|<=|!~|=|>|<|~|\(|\)|,)
  | (?P<word>[-+]?[\w.\[\]\-:/]+(?:\(\))?)
)""",
    re.X,
)
_KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
_REL = re.compile(r"^([-+]?)(\d+)([wdhm])$")
_TIME_FIELDS = {
    "updated": "updated",
    "updateddate": "updated",
    "created": "created",
    "createddate": "created",
    "resolved": "resolutiondate",
    "resolutiondate": "resolutiondate",
}


class JqlError(ValueError):
    """A query Jira would answer with 400 and this message."""


def _tokens(jql: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(jql):
        if not jql[pos:].strip():
            break
        m = _TOKEN.match(jql, pos)
        if not m or m.end() == pos:
            raise JqlError(
                f"Error in the JQL Query: The character '{jql[pos:].strip()[0]}' "
                f"is a reserved JQL character. (line 1, character {pos + 1})"
            )
        kind = m.lastgroup or "word"
        text = m.group(kind)
        if kind == "str":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        elif kind == "word" and text.lower() in _KEYWORDS:
            kind, text = "kw", text.lower()
        out.append((kind, text))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, jql: str, cat: Catalog, tz: ZoneInfo, now: datetime) -> None:
        self.toks, self.i, self.cat, self.tz, self.now = _tokens(jql), 0, cat, tz, now

    def peek(self, kind: str | None = None, text: str | None = None) -> bool:
        if self.i >= len(self.toks):
            return False
        k, t = self.toks[self.i]
        return (kind is None or k == kind) and (text is None or t == text)

    def take(self, kind: str | None = None, text: str | None = None) -> str:
        if not self.peek(kind, text):
            got = self.toks[self.i][1] if self.i < len(self.toks) else "the end of the query"
            want = text or kind or "a value"
            raise JqlError(f"Error in the JQL Query: Expecting '{want}' but got '{got}'.")
        self.i += 1
        return self.toks[self.i - 1][1]

    def query(self) -> tuple[Pred, list[tuple[str, bool]]]:
        def pred(_issue: Any) -> bool:
            return True

        if self.i < len(self.toks) and not self.peek("kw", "order"):
            pred = self.or_()
        order: list[tuple[str, bool]] = []
        if self.peek("kw", "order"):
            self.take("kw", "order")
            self.take("kw", "by")
            while True:
                name = self.take().lower()
                desc = False
                if self.peek("kw", "asc") or self.peek("kw", "desc"):
                    desc = self.take() == "desc"
                order.append((name, desc))
                if not self.peek("op", ","):
                    break
                self.take("op", ",")
        if self.i < len(self.toks):
            raise JqlError(
                f"Error in the JQL Query: Expecting either 'OR' or 'AND' but got "
                f"'{self.toks[self.i][1]}'."
            )
        return pred, order

    def or_(self) -> Pred:
        parts = [self.and_()]
        while self.peek("kw", "or"):
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else (lambda i: any(p(i) for p in parts))

    def and_(self) -> Pred:
        parts = [self.not_()]
        while self.peek("kw", "and"):
            self.take()
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else (lambda i: all(p(i) for p in parts))

    def not_(self) -> Pred:
        if self.peek("kw", "not"):
            self.take()
            inner = self.not_()
            return lambda i: not inner(i)
        if self.peek("op", "("):
            self.take()
            inner = self.or_()
            self.take("op", ")")
            return inner
        return self.clause()

    def clause(self) -> Pred:
        name = self.take()
        get, conv = self.field(name)
        if self.peek("kw", "is"):
            self.take()
            negate = bool(self.peek("kw", "not") and self.take())
            if not (self.peek("kw", "empty") or self.peek("kw", "null")):
                raise JqlError("Error in the JQL Query: Expecting 'EMPTY' after 'IS'.")
            self.take()
            return lambda i: _empty(get(i)) != negate
        negate = bool(self.peek("kw", "not") and self.take())
        if self.peek("kw", "in"):
            self.take()
            self.take("op", "(")
            values = [conv(self.value())]
            while self.peek("op", ","):
                self.take()
                values.append(conv(self.value()))
            self.take("op", ")")
            return lambda i: any(_eq(get(i), v) for v in values) != negate
        if negate:
            raise JqlError("Error in the JQL Query: Expecting 'IN' after 'NOT'.")
        op = self.take("op")
        value = conv(self.value())
        return _compare(op, get, value, name)

    def value(self) -> Any:
        if self.peek("kw", "empty") or self.peek("kw", "null"):
            self.take()
            return None
        return self.take()

    def field(self, name: str) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
        low, cat = name.lower(), self.cat
        if low in _TIME_FIELDS:
            fid = _TIME_FIELDS[low]
            return (lambda i: i.fields.get(fid)), self.date
        if low in ("key", "issuekey", "id"):
            return (lambda i: (i.key, str(i.id))), (lambda v: v if v is None else str(v).upper())
        if low == "project":
            keys = {p["key"]: p for p in cat.projects.values()}

            def proj(v: Any) -> Any:
                for k, p in keys.items():
                    if str(v).upper() == k or str(v) in (p["id"], p.get("name")):
                        return k
                raise JqlError(f"The value '{v}' does not exist for the field 'project'.")

            return (lambda i: i.project), proj
        if low == "statuscategory":
            cats = {str(c["id"]): k for k, c in CATEGORIES.items()}
            cats.update({c["name"].lower(): k for k, c in CATEGORIES.items()})
            cats.update({k: k for k in CATEGORIES})
            status_cat = {s["id"]: s["category"] for s in cat.statuses}
            return (lambda i: status_cat[i.fields["status"]]), (
                lambda v: self.lookup(cats, v, "statusCategory")
            )
        rows = {
            "status": cat.statuses,
            "priority": cat.priorities,
            "resolution": cat.resolutions,
            "issuetype": cat.issuetypes,
            "type": cat.issuetypes,
        }.get(low)
        if rows is not None:
            fid = "issuetype" if low == "type" else low
            ids = {r["name"].lower(): r["id"] for r in rows} | {r["id"]: r["id"] for r in rows}
            if fid == "resolution":
                ids["unresolved"] = None
            return (lambda i: i.fields.get(fid)), (lambda v: self.lookup(ids, v, name))
        if low in ("labels", "assignee", "reporter", "summary"):
            return (lambda i: i.fields.get(low)), (lambda v: v)
        fid = cat.field_id(name)
        if fid and fid in cat.custom:
            cf = cat.custom[fid]
            opts = dict(cf.options)
            if cf.type == "datetime":
                return (lambda i: i.fields.get(fid)), self.date
            if cf.type == "float":
                return (lambda i: i.fields.get(fid)), (lambda v: v if v is None else float(v))

            def opt(i: Any) -> Any:
                v = i.fields.get(fid)
                return [opts[x] for x in v] if isinstance(v, list) else opts.get(v, v)

            return opt, (lambda v: v)
        raise JqlError(f"Field '{name}' does not exist or you do not have permission to view it.")

    @staticmethod
    def lookup(table: dict[str, Any], v: Any, name: str) -> Any:
        if v is None:
            return None
        if str(v).lower() in table:
            return table[str(v).lower()]
        raise JqlError(f"The value '{v}' does not exist for the field '{name}'.")

    def date(self, v: Any) -> datetime | None:
        if v is None:
            return None
        text = str(v).strip()
        if text.isdigit():
            return datetime.fromtimestamp(int(text) / 1000, tz=self.tz)
        if m := _REL.match(text):
            unit = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}[m.group(3)]
            delta = timedelta(**{unit: int(m.group(2))})
            return self.now - delta if m.group(1) == "-" else self.now + delta
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=self.tz)
            except ValueError:
                continue
        raise JqlError(
            f"Date value '{text}' for field is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', "
            "or a period format e.g. '-5d', '4w 2d'."
        )


def _empty(v: Any) -> bool:
    return v is None or v == [] or v == ""


def _eq(actual: Any, want: Any) -> bool:
    if isinstance(actual, tuple):  # key/id: either matches
        return want in actual
    if isinstance(actual, list):
        return want in actual
    if isinstance(actual, str) and isinstance(want, str):
        return actual.lower() == want.lower()
    return actual == want


def _compare(op: str, get: Callable[[Any], Any], value: Any, name: str) -> Pred:
    if op == "=":
        return (lambda i: _empty(get(i))) if value is None else (lambda i: _eq(get(i), value))
    if op == "!=":
        return (
            (lambda i: not _empty(get(i)))
            if value is None
            else (lambda i: not _empty(get(i)) and not _eq(get(i), value))
        )
    if op == "~":
        return lambda i: str(value).lower() in str(get(i) or "").lower()
    cmp = {
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }.get(op)
    if cmp is None or value is None or isinstance(value, str):
        raise JqlError(f"The operator '{op}' is not supported by the '{name}' field.")
    return lambda i: (a := get(i)) is not None and cmp(a, value)


def compile_jql(
    jql: str, cat: Catalog, tz: ZoneInfo, now: datetime
) -> tuple[Pred, Callable[[list[Any]], list[Any]]]:
    """(predicate, sorter) of a JQL query; JqlError for what the sandbox does not support."""
    pred, order = _Parser(jql or "", cat, tz, now).query()
    prio_rank = {p["id"]: n for n, p in enumerate(cat.priorities)}
    keys: dict[str, Callable[[Any], Any]] = {
        "updated": lambda i: i.fields["updated"],
        "created": lambda i: i.fields["created"],
        "resolved": lambda i: (
            i.fields.get("resolutiondate") is None,
            i.fields.get("resolutiondate") or i.fields["created"],
        ),
        "key": lambda i: (i.project, i.number),
        "id": lambda i: i.id,
        "issuekey": lambda i: (i.project, i.number),
        "priority": lambda i: prio_rank.get(i.fields.get("priority"), 99),
    }
    for name, _desc in order:
        if name not in keys:
            raise JqlError(f"Not able to sort using field '{name}'.")

    def sort(issues: list[Any]) -> list[Any]:
        out = sorted(issues, key=lambda i: i.id)  # the final tie-breaker: id ascending
        for name, desc in reversed(order):  # stable multi-key sort, last key first
            out.sort(key=keys[name], reverse=desc)
        return out

    return pred, sort
