"""Fault rules of the sandbox servers: which requests fail, and how."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FAULT_KINDS", "FaultRule"]

FAULT_KINDS = ("429", "500", "503", "latency", "drop", "malformed", "hold")


@dataclass
class FaultRule:
    """One fault: which requests (method/route template or path regex) and what goes wrong.

    `times` limits how often it fires (None = unlimited); `probability` makes it random with the
    server's seeded RNG. `after=True` runs the handler first (the write happens, the answer is
    lost) — for 5xx and `drop`; by default the failing request has no side effect.
    `hold` is test plumbing, not tracker behaviour: the request waits until the test calls
    `SandboxServer.release_holds()` (or `delay_ms`, default 30 s, passes), then is answered
    normally; `SandboxServer.held` counts the requests that started waiting.
    """

    kind: str
    method: str | None = None
    route: str | None = None
    path: str | None = None
    times: int | None = None
    probability: float | None = None
    retry_after: int = 1
    delay_ms: int = 0
    after: bool = False

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> FaultRule:
        """Build a rule from scenario/admin JSON; 400-worthy ValueError when malformed."""
        kind = str(raw.get("kind", ""))
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, got {kind!r}")
        known = set(cls.__dataclass_fields__)
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        return cls(**{**raw, "kind": kind})

    def matches(self, method: str, route: str, path: str) -> bool:
        """Whether this rule applies to a request."""
        if self.method and self.method.upper() != method:
            return False
        if self.route and self.route != route:
            return False
        return not (self.path and not re.search(self.path, path))
