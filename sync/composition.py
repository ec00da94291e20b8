"""The composition root: settings in, runners out (built once per process).

Nothing is created on disk here until a command needs it: the state store is opened when the
first runner is built, so `check`, `explain` and `report` leave no file behind. The service's
webhook workers each get a `lane`: runners of their own (their own tracker connection and
HTTP session) over the one shared store, so workers and the scheduled pass never share an
adapter between threads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cached_property

from config.regulation import Regulation, load_regulation
from config.settings import Settings, TrackerSettings
from sync.adapters.mailer import Mailer
from sync.adapters.store_port import Store, open_store
from sync.binding import Binding, connect
from sync.errors import UsageError
from sync.passes.runner import PassOptions, Runner
from sync.passes.scope import ScopeCheck


def pick_trackers(settings: Settings, name: str | None, one: bool = False) -> list[TrackerSettings]:
    """The configured trackers `--tracker NAME` selects (all, or the only one, without it)."""
    configured = settings.all_trackers()
    names = ", ".join(t.name for t in configured)
    if not configured:
        raise UsageError("settings", "no tracker is configured (`trackers:` in the file)")
    if name is None:
        if one and len(configured) > 1:
            raise UsageError("--tracker", f"several trackers are configured; name one of {names}")
        return configured
    found = [t for t in configured if t.name == name]
    if not found:
        raise UsageError("--tracker", f"no tracker named {name!r}; configured: {names}")
    return found


def _utc_now() -> datetime:
    return datetime.now(UTC)


class App:
    """Regulation, state store and one runner per configured tracker."""

    def __init__(
        self,
        settings: Settings,
        clock: Callable[[], datetime] = _utc_now,
        on_response: Callable[[int], None] | None = None,
        on_issue=None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.regulation: Regulation = load_regulation(settings.regulation)
        self.options = PassOptions(
            overlap=timedelta(minutes=settings.overlap_minutes),
            closed_lookback_days=settings.closed_lookback_days,
            hours_refresh=timedelta(minutes=settings.hours_refresh_minutes),
            breach_comment=settings.breach_comment,
        )
        self._on_response = on_response
        self._on_issue = on_issue
        self._runners: dict[str, Runner] = {}
        self._bindings: dict[str, Binding] = {}
        # One SMTP relay for every tracker; none configured means no closure e-mails.
        self.mailer = Mailer(settings.smtp) if settings.smtp.host else None

    @cached_property
    def store(self) -> Store:
        """The state store (SQLite file or PostgreSQL), opened (and created) on first use."""
        return open_store(self.settings)

    def bindings(self, names: list[str] | None = None) -> list[Binding]:
        """One binding per configured tracker (or per tracker named), without the store."""
        out = []
        for cfg in self.settings.all_trackers():
            if names is not None and cfg.name not in names:
                continue
            if cfg.name not in self._bindings:
                self._bindings[cfg.name] = connect(cfg, self.settings.retry, self._on_response)
            out.append(self._bindings[cfg.name])
        return out

    def runners(self, names: list[str] | None = None) -> list[Runner]:
        """One runner per configured tracker (or per tracker named), built on first use."""
        for binding in self.bindings(names):
            if binding.name not in self._runners:
                self._runners[binding.name] = self._runner(binding)
        return [r for name, r in self._runners.items() if names is None or name in names]

    def lane(self) -> dict[str, Runner]:
        """Runners for one more thread: own tracker connections, the same store and scope
        answers as the main runners."""
        lane = {}
        for r in self.runners():
            cfg = next(c for c in self.settings.all_trackers() if c.name == r.b.name)
            binding = connect(cfg, self.settings.retry, self._on_response)
            lane[r.b.name] = self._runner(binding, r.scope)
        return lane

    def _runner(self, binding: Binding, scope: ScopeCheck | None = None) -> Runner:
        return Runner(
            binding,
            self.regulation,
            self.store,
            self.clock,
            self.options,
            self._on_issue,
            mailer=self.mailer,
            scope_cache_seconds=self.settings.service.scope_cache_seconds,
            scope=scope.sharing(binding) if scope else None,
        )

    def runner(self, name: str | None = None) -> Runner:
        """The runner of one tracker (the only one when `name` is None)."""
        (cfg,) = pick_trackers(self.settings, name, one=True)
        return self.runners([cfg.name])[0]

    def close(self) -> None:
        """Close the state store (if it was opened)."""
        if "store" in self.__dict__:
            self.store.close()
