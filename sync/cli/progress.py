"""Progress of long work on a terminal: issues read, processed, written, failed; elapsed time.

On a terminal a pass over thousands of issues shows one live line per tracker (rich) instead
of a log line per issue, and ends with a one-line summary. Off a terminal nothing changes:
the JSON log lines go on as before, one per issue.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import structlog

from sync.binding import Binding
from sync.ports import Known, Page, SearchQuery

__all__ = ["Progress", "count_reads"]


class _Counting:
    """A tracker whose searches report every page of issues read."""

    def __init__(self, tracker: Any, on_read: Any) -> None:
        self._tracker, self._on_read = tracker, on_read

    def search(
        self,
        query: SearchQuery,
        field_ids: Sequence[str],
        history_field_ids: Sequence[str] = (),
        *,
        known: Known | None = None,
    ) -> Iterator[Page]:
        for page in self._tracker.search(query, field_ids, history_field_ids, known=known):
            self._on_read(len(page.issues))
            yield page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)


def count_reads(binding: Binding, on_read: Any) -> None:
    """Make the binding's searches report the number of issues of each page read."""
    if not isinstance(binding.tracker, _Counting):
        binding.tracker = _Counting(binding.tracker, on_read)  # type: ignore[assignment]


def _quiet_info_lines(_logger: Any, name: str, event: dict[str, Any]) -> dict[str, Any]:
    # The live line counts what they say (one per issue, one per write); warnings and errors
    # still print above it.
    if name == "info" or event.get("level") == "info":
        raise structlog.DropEvent
    return event


class Progress:
    """Live counts per tracker while it runs (terminal only); `summary` lines at the end."""

    def __init__(self, verb: str, enabled: bool | None = None, console: Any = None) -> None:
        self.verb = verb
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._console = console
        self._live: Any = None
        self._tasks: dict[str, Any] = {}
        self.counts: dict[str, Counter[str]] = {}
        self.started: dict[str, float] = {}

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress as Live
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            self._live = Live(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TextColumn("{task.fields[stats]}"),
                TimeElapsedColumn(),
                console=self._console or Console(stderr=True),
                transient=True,
            )
            self._live.start()
            # In place: loggers bound before (the adapters') share this list.
            procs = structlog.get_config()["processors"]
            procs.insert(len(procs) - 1, _quiet_info_lines)  # the renderer stays last
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()
            procs = structlog.get_config()["processors"]
            if _quiet_info_lines in procs:
                procs.remove(_quiet_info_lines)

    def start(self, tracker: str) -> None:
        """A tracker's work begins."""
        self.counts[tracker] = Counter()
        self.started[tracker] = time.monotonic()
        if self._live is not None:
            self._tasks[tracker] = self._live.add_task(
                f"{self.verb} {tracker}", stats="", total=None
            )

    def read(self, tracker: str, n: int) -> None:
        """`n` more issues were read from the tracker."""
        self._bump(tracker, "read", n)

    def issue(self, tracker: str, outcome: Any) -> None:
        """One issue went through (the runner's `on_issue`)."""
        self._bump(tracker, "done", 1)
        self._bump(tracker, getattr(outcome, "outcome", str(outcome)), 1)

    def elapsed(self, tracker: str) -> float:
        """Seconds since the tracker's work began."""
        return time.monotonic() - self.started.get(tracker, time.monotonic())

    def _bump(self, tracker: str, what: str, n: int) -> None:
        counts = self.counts.setdefault(tracker, Counter())
        counts[what] += n
        if self._live is not None and tracker in self._tasks:
            c = counts
            written = c["written"] + c["would-write"]
            stats = (
                f"read {c['read']} · processed {c['done']} · written {written} · "
                f"failed {c['failed']}"
            )
            self._live.update(self._tasks[tracker], stats=stats)
