"""The `fields=` parameter of the YouTrack sandbox: parsing it and cutting responses to it.

https://www.jetbrains.com/help/youtrack/devportal/api-fields-syntax.html
(The search query language lives in `sandbox.youtrack.search`.)
"""

from __future__ import annotations

from typing import Any

__all__ = ["QueryError", "parse_fields", "project"]


class QueryError(ValueError):
    """A request parameter the sandbox does not understand (400 bad_request)."""


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
