"""The state store and the webhook queue as ports: what the pass, the service and the CLI use.

Two backends each: SQLite (`store.StateStore`, `queue.EventQueue`: the default, one file, one
writing process) and PostgreSQL (`pg_store.PgStore`, `pg_queue.PgEventQueue`: several
instances). `open_store` / `open_queue` pick one from the settings (`state_url` wins over
`state_path`).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from config.settings import Settings
from sync.adapters.live_store import LiveStore
from sync.adapters.queue import Batch
from sync.adapters.store_tables import IssueState, NoticeRow

__all__ = ["Batch", "Store", "WebhookQueue", "open_queue", "open_store"]


class Store(Protocol):
    """Cursors, per-issue state, failures, intents and notices, with their locks."""

    shared: bool  # several processes may write it at once (PostgreSQL)
    label: str  # how errors and logs name it (a path, or a URL without password)

    def close(self) -> None: ...
    def lock(self, wait_seconds: float | None = None) -> AbstractContextManager[None]:
        """One pass at a time (re-entrant in this process; `StoreBusyError` after the wait)."""
        ...

    def writer(self) -> AbstractContextManager[None]:
        """What a single issue's recompute must hold besides `issue_lock`."""
        ...

    def issue_lock(self, tracker: str, key: str) -> AbstractContextManager[None]:
        """One holder per issue at a time (every thread of every process)."""
        ...

    def health(self) -> str | None: ...
    def live(self) -> LiveStore:
        """The live view's read model, kept in the same database."""
        ...

    def swap_pass_start(self, tracker: str, now_us: int) -> int | None: ...
    def mark_pass_ok(self, tracker: str, wall_us: int) -> None: ...
    def last_pass_ok(self) -> int | None: ...
    def cursor(self, tracker: str, scope: str) -> int | None: ...
    def advance_cursor(self, tracker: str, scope: str, updated_us: int) -> None: ...
    def issue(self, tracker: str, key: str) -> IssueState | None: ...
    def record_issue(
        self,
        tracker: str,
        key: str,
        *,
        seen_updated_us: int | None,
        check_us: int | None,
        state: str,
        breached: bool,
        due_us: int | None,
        hours_written_us: int | None = None,
        recorded_us: int | None = None,
    ) -> None: ...
    def due_for_check(self, tracker: str, now_us: int, limit: int = 1000) -> list[str]: ...
    def count_by_state(self, tracker: str) -> dict[str, int]: ...
    def state_counts(self) -> list[tuple[str, str, int, int]]: ...
    def projects(self, tracker: str) -> set[str]: ...
    def record_failure(self, tracker: str, key: str, reason: str, at_us: int) -> None: ...
    def failures(self, tracker: str) -> dict[str, str]: ...
    def intent(self, tracker: str, key: str, kind: str) -> str | None: ...
    def mark_intent(self, tracker: str, key: str, kind: str, state: str, at_us: int) -> None: ...
    def clear_intent(self, tracker: str, key: str, kind: str) -> None: ...
    def notice(self, tracker: str, key: str, event: str) -> NoticeRow | None: ...
    def notices(self, tracker: str, key: str) -> dict[str, NoticeRow]: ...
    def open_notices(self, tracker: str, key: str) -> list[NoticeRow]: ...
    def add_notice(self, tracker: str, key: str, n: NoticeRow, at_us: int) -> None: ...
    def mark_notice(
        self,
        tracker: str,
        key: str,
        event: str,
        state: str,
        at_us: int,
        *,
        attempts: int | None = None,
        error: str | None = None,
        only_open: bool = False,
    ) -> None: ...
    def claim_notice(
        self, tracker: str, key: str, event: str, expected: str, at_us: int, attempts: int
    ) -> bool: ...
    def notice_counts(self, tracker: str) -> dict[str, int]: ...


class WebhookQueue(Protocol):
    """Accepted webhook events, committed before the answer, deleted after their recompute."""

    label: str
    last_error: str | None  # the last failed commit, until one succeeds (for /healthz)
    generation: int  # wake-ups so far (see `wait`)

    def put(
        self, tracker: str, key: str, delivery_id: str | None = None, now_us: int | None = None
    ) -> bool:
        """Commit one event; False when its delivery id was seen already."""
        ...

    def claim(self, ready_before_us: int) -> Batch | None:
        """The events of the oldest issue nobody holds whose first event is old enough."""
        ...

    def next_ready_us(self) -> int | None:
        """When the oldest unheld issue's first event arrived (the workers' next wake-up)."""
        ...

    def release(self, batch: Batch) -> None:
        """Give a claimed issue back, its events kept (the recompute failed)."""
        ...

    def done(self, batch: Batch) -> None:
        """Delete a processed batch and let go of its issue; later events stay queued."""
        ...

    def wait(self, timeout: float, since: int | None = None) -> None:
        """Block until woken or `timeout`; at once when `generation` moved past `since`."""
        ...

    def wake(self) -> None: ...
    def depth(self) -> int: ...
    def prune_seen(self, older_than_us: int) -> int: ...
    def close(self) -> None: ...


def open_store(settings: Settings) -> Store:
    """The state store the settings name: PostgreSQL for `state_url`, else the SQLite file."""
    if settings.state_url is not None:
        from sync.adapters.pg_store import PgStore

        return PgStore(
            settings.state_url.get_secret_value(),
            settings.state_lock_wait_seconds,
            pool_size=settings.state_pool_size,
        )
    from sync.adapters.store import StateStore

    return StateStore(settings.state_path, settings.state_lock_wait_seconds)


def open_queue(settings: Settings) -> WebhookQueue:
    """The webhook queue beside the state store the settings name."""
    if settings.state_url is not None:
        from sync.adapters.pg_queue import PgEventQueue

        return PgEventQueue(
            settings.state_url.get_secret_value(),
            claim_seconds=settings.service.claim_seconds,
            pool_size=settings.service.threads + 2,
        )
    from sync.adapters.queue import EventQueue

    return EventQueue(settings.state_path)
