"""Secrets out of any text sla-sync shows: known values, their basic-auth form, auth headers."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable

from config.secrets import redact_userinfo

__all__ = ["Redactor"]

_AUTH_HEADER = re.compile(r"(?i)\b(authorization|cookie)(['\"]?\s*[:=]\s*['\"]?)[^'\",}\n]+")
_SCHEME_TOKEN = re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{8,}")


class Redactor:
    """Removes known secrets (and the base64 basic-auth form of them) from text."""

    def __init__(self, secrets: Iterable[str | None] = (), *, user: str | None = None) -> None:
        found = {s for s in secrets if s}
        if user:
            for s in list(found):
                found.add(base64.b64encode(f"{user}:{s}".encode()).decode())
        # Longest first so a token that contains another is removed whole.
        self._secrets = sorted(found, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """Return `text` with secrets and credential-looking headers replaced by ***."""
        for s in self._secrets:
            text = text.replace(s, "***")
        text = redact_userinfo(text)
        text = _AUTH_HEADER.sub(r"\1\2***", text)
        return _SCHEME_TOKEN.sub(r"\1 ***", text)
