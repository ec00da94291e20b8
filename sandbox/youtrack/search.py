"""The YouTrack search query language of the sandbox, after the documented BNF.

Grammar (https://www.jetbrains.com/help/youtrack/server/2022.1/Search-Query-Grammar.html):
    SearchRequest ::= OrExpression
    OrExpression  ::= AndExpression ('or' AndExpression)*
    AndExpression ::= AndOperand ('and' AndOperand)*
    AndOperand    ::= '(' OrExpression? ')' | Term
    Term          ::= TermItem*
    TermItem      ::= PositiveSingleValue | NegativeSingleValue | Sort | Has | CategorizedFilter
    CategorizedFilter ::= Attribute ':' AttributeFilter (',' AttributeFilter)*
    AttributeFilter   ::= '-'? Value | '-'? Value '..' Value
    Value ::= '{' value with spaces '}' | value without spaces
Attribute-based search (https://www.jetbrains.com/help/youtrack/server/2022.3/attribute-based-search.html):
values of one attribute are alternatives (`tag: A, B`, and `tag: A tag: B`); `*` opens a range
(`votes: 50 .. *`); `#Unresolved` / `#Resolved`; `#value` / `-value` without the attribute.
Dates (`2026-11-18`, `2026-11-18T10:00[:00]`, `Today`, `Yesterday`) are read in the searching
user's profile time zone. Text search (words without an attribute) is not modelled: 400.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.youtrack.query import QueryError

__all__ = ["Attr", "QueryError", "compile_query"]

Pred = Callable[[Any], bool]


@dataclass(frozen=True)
class Attr:
    """How the sandbox reads one attribute of an issue: kind (date/number/text) and a getter."""

    kind: str  # "date", "number" or "text"
    get: Callable[[Any], Any]  # issue -> value, or list of values, or None


Resolve = Callable[[str], "Attr | None"]  # attribute name -> Attr (None: unknown attribute)
SingleValue = Callable[[str], "tuple[str, Pred] | None"]  # `#value` -> (group, predicate)

_DATE_UNITS = {10: timedelta(days=1), 16: timedelta(minutes=1), 19: timedelta(seconds=1)}
_WORD = re.compile(r"(?i)(and|or)(?=[\s()]|$)")
_SORT = re.compile(r"(?i)sort\s+by:\s*([^()]*)")
_VALUE = re.compile(r"-?(?:\{[^}]*\}|[^\s(),{}]+)")
_RANGE = re.compile(r"\s*\.\.\s*")
_COMMA = re.compile(r"\s*,\s*")


@dataclass(frozen=True)
class _Item:
    """A TermItem: `#value` / `-value` (name None) or `attribute: filter, filter`."""

    name: str | None
    values: tuple[str, ...]


def _tokens(text: str) -> list[tuple[str, Any]]:
    """(kind, payload) tokens: open, close, word (and/or), sort, item."""
    out: list[tuple[str, Any]] = []
    pos, n = 0, len(text)
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            return out
        if text[pos] in "()":
            out.append(("open" if text[pos] == "(" else "close", text[pos]))
            pos += 1
        elif m := _SORT.match(text, pos):
            out.append(("sort", m.group(1).strip()))
            pos = m.end()
        elif m := _WORD.match(text, pos):
            out.append(("word", m.group(1).lower()))
            pos = m.end()
        elif text[pos] in "#-" and (m := _VALUE.match(text, pos + 1)):
            out.append(("item", _Item(None, (text[pos] + m.group(0),))))
            pos = m.end()
        else:
            item, pos = _attribute_item(text, pos)
            out.append(("item", item))


def _attribute_item(text: str, pos: int) -> tuple[_Item, int]:
    brace = re.compile(r"\{([^}]*)\}\s*:").match(text, pos)
    colon = brace or re.compile(r"([^:(){}#]+?)\s*:").match(text, pos)
    if not colon or re.search(r"(?i)\s(and|or)\s", f" {colon.group(1)} "):
        word = re.compile(r"\S+").match(text, pos)
        raise QueryError(f"Text search is not modelled by the sandbox: {word and word.group(0)!r}")
    name, pos = colon.group(1).strip(), colon.end()
    values: list[str] = []
    while True:
        pos = re.compile(r"\s*").match(text, pos).end()  # type: ignore[union-attr]
        first = _VALUE.match(text, pos)
        if not first:
            raise QueryError(f"No value for {name!r} in the query")
        value, pos = first.group(0), first.end()
        if first.group(0).endswith("..") or (rng := _RANGE.match(text, pos)):
            if not value.endswith(".."):
                pos = rng.end()  # type: ignore[union-attr]
                value += ".."
            second = _VALUE.match(text, pos)
            if not second:
                raise QueryError(f"Incomplete range for {name!r} in the query")
            value, pos = value + second.group(0), second.end()
        values.append(value)
        if not (comma := _COMMA.match(text, pos)):
            return _Item(name, tuple(values)), pos
        pos = comma.end()


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
        parsed += _DATE_UNITS.get(len(text), timedelta(seconds=1))
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed


def _number(text: str) -> float | None:
    if text.strip("{} ") == "*":
        return None
    try:
        return float(text.strip("{} "))
    except ValueError:
        raise QueryError(f"Cannot parse number {text!r}") from None


class _Compiler:
    def __init__(self, tz: ZoneInfo, now: datetime, resolve: Resolve, single: SingleValue) -> None:
        self.tz, self.now, self.resolve, self.single = tz, now, resolve, single

    # --- values ------------------------------------------------------------------------
    def _filter(self, attr: Attr, text: str) -> Pred:
        negative = _negative(text)
        text = text[1:] if negative else text
        lo, sep, hi = text.partition("..")
        if attr.kind == "date":
            a = _bound(lo, self.tz, self.now, upper=False)
            b = _bound(hi if sep else lo, self.tz, self.now, upper=True)
            pred = _in_range(attr.get, a, b, right_open=True)
        elif attr.kind == "number" or sep:
            if attr.kind != "number":
                raise QueryError(f"A range needs a date or number attribute, not {text!r}")
            a, b = _number(lo), _number(hi if sep else lo)
            pred = _in_range(attr.get, a, b, right_open=False)
        else:
            wanted = text.strip("{} ").casefold()

            def pred(issue: Any) -> bool:
                values = attr.get(issue)
                values = values if isinstance(values, list) else [values]
                if wanted in ("null", "unassigned") or wanted.startswith("no "):
                    return all(v is None for v in values)
                return any(v is not None and str(v).casefold() == wanted for v in values)

        return (lambda i: not pred(i)) if negative else pred

    def _item(self, item: _Item) -> tuple[str, Pred]:
        """(group, predicate) of one TermItem; items of one group are alternatives."""
        if item.name is None:
            text = item.values[0]
            ref = text[1:].strip("{} ")
            found = self.single(ref)
            if found is None:
                raise QueryError(f"Unknown value {ref!r} in the query")
            group, pred = found
            return (f"-{group}", lambda i: not pred(i)) if text[0] == "-" else (group, pred)
        if item.name.casefold() == "has":
            attrs = [self._attr(v.strip("{} ")) for v in item.values]
            return "has", lambda i: all(_has(a.get(i)) for a in attrs)
        attr = self._attr(item.name)
        # `state: -open, -submitted` excludes both; positive values are alternatives.
        neg = [self._filter(attr, v) for v in item.values if _negative(v)]
        plain = [v for v in item.values if not _negative(v)]
        pos = [_one_of(attr, plain)] if _plain_text(attr, plain) else []
        pos = pos or [self._filter(attr, v) for v in plain]
        return (
            item.name.casefold(),
            lambda i: (not pos or any(p(i) for p in pos)) and all(n(i) for n in neg),
        )

    def _attr(self, name: str) -> Attr:
        attr = self.resolve(name)
        if attr is None:
            raise QueryError(f"Unknown search attribute {name!r}")
        return attr

    # --- structure -----------------------------------------------------------------------
    def compile(self, tokens: list[tuple[str, Any]]) -> Pred:
        self.toks, self.pos = tokens, 0
        pred = self._or()
        if self.pos != len(self.toks):
            raise QueryError(f"Unexpected {self.toks[self.pos][1]!r} in the query")
        return pred

    def _peek(self) -> tuple[str, Any]:
        return self.toks[self.pos] if self.pos < len(self.toks) else ("end", "")

    def _or(self) -> Pred:
        parts = [self._and()]
        while self._peek() == ("word", "or"):
            self.pos += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda i: any(p(i) for p in parts))

    def _and(self) -> Pred:
        parts = [self._operand()]
        while self._peek() == ("word", "and"):
            self.pos += 1
            parts.append(self._operand())
        return parts[0] if len(parts) == 1 else (lambda i: all(p(i) for p in parts))

    def _operand(self) -> Pred:
        kind, _ = self._peek()
        if kind == "open":
            self.pos += 1
            inner = (lambda i: True) if self._peek()[0] == "close" else self._or()
            if self._peek()[0] != "close":
                raise QueryError("Missing ')' in the query")
            self.pos += 1
            return inner
        groups: dict[str, list[Pred]] = {}
        while self._peek()[0] == "item":
            group, pred = self._item(self._peek()[1])
            groups.setdefault(group, []).append(pred)
            self.pos += 1
        if not groups:
            raise QueryError(f"Expected a search term, got {self._peek()[1] or 'the end'!r}")
        alternatives = list(groups.values())
        return lambda i: all(any(p(i) for p in ps) for ps in alternatives)


def _plain_text(attr: Attr, values: list[str]) -> bool:
    """Several plain values of a text attribute (`issue id: A-1, A-2, ...`): one set lookup."""
    folded = [v.strip("{} ").casefold() for v in values]
    return (
        attr.kind == "text"
        and len(values) > 1
        and not any(".." in v for v in values)
        and not any(f in ("null", "unassigned") or f.startswith("no ") for f in folded)
    )


def _one_of(attr: Attr, values: list[str]) -> Pred:
    wanted = {v.strip("{} ").casefold() for v in values}

    def pred(issue: Any) -> bool:
        found = attr.get(issue)
        found = found if isinstance(found, list) else [found]
        return any(v is not None and str(v).casefold() in wanted for v in found)

    return pred


def _negative(text: str) -> bool:
    return text.startswith("-") and not re.match(r"-\d", text)


def _has(value: Any) -> bool:
    return bool(value) if isinstance(value, list) else value not in (None, "")


def _in_range(get: Callable[[Any], Any], lo: Any, hi: Any, *, right_open: bool) -> Pred:
    def pred(issue: Any) -> bool:
        values = get(issue)
        for v in values if isinstance(values, list) else [values]:
            if v is None or (lo is not None and v < lo):
                continue
            if hi is None or (v < hi if right_open else v <= hi):
                return True
        return False

    return pred


def compile_query(
    query: str, tz: ZoneInfo, now: datetime, resolve: Resolve, single: SingleValue
) -> tuple[Pred, Callable[[Any], Any], bool]:
    """(predicate, sort key, descending) of a query; QueryError when it is not understood."""
    tokens = _tokens(query)
    sorts = [t for t in tokens if t[0] == "sort"]
    tokens = [t for t in tokens if t[0] != "sort"]
    pred = _Compiler(tz, now, resolve, single).compile(tokens) if tokens else (lambda i: True)
    key, desc = _sort(sorts[-1][1] if sorts else "", resolve)
    return pred, key, desc


def _sort(spec: str, resolve: Resolve) -> tuple[Callable[[Any], Any], bool]:
    spec = re.sub(r"(?i)^sort\s+by:\s*", "", spec).strip()
    if not spec:
        return (lambda i: i.seq), False  # the sandbox's default order: issue creation order
    m = re.fullmatch(r"(?i)(updated|created|resolved date)(?:\s+(asc|desc))?", spec)
    if not m:
        raise QueryError(f"Sorting by {spec!r} is not modelled by the sandbox")
    attr = resolve(m.group(1))
    assert attr is not None
    return (lambda i: (attr.get(i) is None, attr.get(i) or 0, i.seq)), (
        (m.group(2) or "").lower() == "desc"
    )
