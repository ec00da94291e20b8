"""Is a webhook's issue one of the tracker's requests? Asked before anything is written.

A signed webhook only says "look at X"; X may belong to another project (the same Jira sends
every project's events) or fall outside the scope query. The answer comes from the tracker
(the scope query restricted to X) and is remembered for a while, yes or no, per key.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sync.binding import Binding

__all__ = ["ScopeCheck"]


class ScopeCheck:
    """Per-key cached answers of `Tracker.in_scope` for one binding."""

    def __init__(
        self,
        binding: Binding,
        ttl_seconds: float = 600,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.b = binding
        self.ttl = ttl_seconds
        self._now = monotonic
        self._answers: dict[str, tuple[bool, float]] = {}  # key -> (in scope, valid until)
        self._lock = threading.Lock()

    def sharing(self, binding: Binding) -> ScopeCheck:
        """A check asking through another binding (another thread's), with the same answers."""
        other = ScopeCheck(binding, self.ttl, self._now)
        other._answers, other._lock = self._answers, self._lock
        return other

    def contains(self, key: str) -> bool:
        """Whether the scope selects `key` (asks the tracker unless a fresh answer is cached)."""
        cached = self.cached(key)
        if cached is not None:
            return cached
        answer = self.b.tracker.in_scope(key, self.b.scope)
        with self._lock:
            if len(self._answers) > 100_000:  # a flood of distinct keys must not grow memory
                self._answers.clear()
            self._answers[key] = (answer, self._now() + self.ttl)
        return answer

    def cached(self, key: str) -> bool | None:
        """The remembered answer for `key`, if still fresh (no tracker call)."""
        with self._lock:
            hit = self._answers.get(key)
        if hit is None or hit[1] <= self._now():
            return None
        return hit[0]
