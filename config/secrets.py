"""Secrets by type: every `SecretStr` of the settings, and URL user-info, never shown.

Redaction works on what a value *is* (a `SecretStr` field, credentials inside a URL), not on
what its key is called: a misspelt `tokn:` or `passwd:` is never echoed either, because the
error for an unknown key does not carry its value.
"""

from __future__ import annotations

import re
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, SecretStr

__all__ = ["describe_value", "has_userinfo", "redact_userinfo", "secret_values"]

# scheme://user:password@host — the user-info part of a URL (RFC 3986 section 3.2.1).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s]+@")
_SCALARS = (str, int, float, bool)


def has_userinfo(text: str) -> bool:
    """Whether a URL carries `user[:password]@`."""
    return bool(_USERINFO.search(text))


def redact_userinfo(text: str) -> str:
    """`https://bot:pw@host` -> `https://***@host`, anywhere in `text`."""
    return _USERINFO.sub(r"\1***@", text)


def secret_values(model: BaseModel) -> tuple[str, ...]:
    """Every `SecretStr` value in a settings model, at any depth (for log and error masks)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, SecretStr):
            if secret := value.get_secret_value():
                found.append(secret)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list | tuple | set):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(model)
    return tuple(dict.fromkeys(found))


def describe_value(model: type[BaseModel], loc: tuple[Any, ...], value: Any) -> Any:
    """`value` when it may be shown in an error about `loc`, else None.

    Shown only when `loc` names a known field that holds no secret, and the value is a plain
    scalar (a list or mapping may hold a secret); URL user-info is masked.
    """
    if not isinstance(value, _SCALARS) or _secret_field(model, loc) is not False:
        return None
    return redact_userinfo(value) if isinstance(value, str) else value


def _secret_field(model: type[BaseModel], loc: tuple[Any, ...]) -> bool | None:
    """True: a secret-typed field; False: a known plain field; None: not a known field."""
    annotation: Any = model
    for part in loc:
        if isinstance(part, int):
            continue  # a list index: the item type is inside the annotation already
        models = [t for t in _types(annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
        field = next((m.model_fields[part] for m in models if part in m.model_fields), None)
        if field is None:
            return None
        annotation = field.annotation
    return SecretStr in _types(annotation)


def _types(annotation: Any) -> set[Any]:
    """Every type an annotation can hold (through Optional, unions, lists, dicts)."""
    origin = get_origin(annotation)
    if origin is None:
        return {annotation}
    out: set[Any] = set()
    if origin is not Union and not str(origin).startswith("types.UnionType"):
        out.add(origin)
    for arg in get_args(annotation):
        out |= _types(arg)
    return out
