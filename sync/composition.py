"""The composition root: settings in, runners out (built once per process).

The service's webhook workers each get a `Lane`: runners of their own (their own tracker
connection and HTTP session) over the one shared store, so workers and the scheduled pass
never share an adapter between threads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from config.regulation import Regulation, load_regulation
from config.settings import Settings
from sla import ConfigError
from sync.adapters.mailer import Mailer
from sync.adapters.store_port import Store, open_store
from sync.binding import Binding, connect
from sync.passes.runner import PassOptions, Runner
from sync.passes.scope import ScopeCheck


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
        self.store: Store = open_store(settings)
        self.options = PassOptions(
            overlap=timedelta(minutes=settings.overlap_minutes),
            closed_lookback_days=settings.closed_lookback_days,
            hours_refresh=timedelta(minutes=settings.hours_refresh_minutes),
            breach_comment=settings.breach_comment,
        )
        self._on_response = on_response
        self._on_issue = on_issue
        self._runners: dict[str, Runner] = {}
        # One SMTP relay for every tracker; none configured means no closure e-mails.
        self.mailer = Mailer(settings.smtp) if settings.smtp.host else None

    def _runner(self, cfg, scope: ScopeCheck | None = None) -> Runner:
        binding = connect(cfg, self.settings.retry, self._on_response)
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

    def lane(self) -> dict[str, Runner]:
        """Runners for one more thread: own tracker connections, the same store and scope
        answers as the main runners."""
        return {r.b.name: self._runner(self._config(r.b.name), r.scope) for r in self.runners()}

    def _config(self, name: str):
        return next(c for c in self.settings.all_trackers() if c.name == name)

    def bindings(self) -> list[Binding]:
        """One binding per configured tracker."""
        return [r.b for r in self.runners()]

    def runners(self) -> list[Runner]:
        """One runner per configured tracker, built on first use."""
        for cfg in self.settings.all_trackers():
            if cfg.name not in self._runners:
                self._runners[cfg.name] = self._runner(cfg)
        return list(self._runners.values())

    def runner(self, name: str | None = None) -> Runner:
        """The runner of one tracker (the only one when `name` is None)."""
        runners = self.runners()
        if name is None and len(runners) == 1:
            return runners[0]
        for r in runners:
            if r.b.name == name:
                return r
        names = ", ".join(r.b.name for r in runners) or "none configured"
        raise ConfigError("settings", "trackers", f"a tracker name ({names})", name)

    def close(self) -> None:
        """Close the state store."""
        self.store.close()
