"""`sla-sync run`: the long-running service (webhooks + schedule + durable queue + metrics).

One process, three kinds of thread: waitress serves the WSGI app (accepts webhooks into the
SQLite queue, answers /healthz and /metrics), the worker drains the queue, the scheduler runs
the incremental pass and the breach sweep. All of them hand `Command`s to `Service.handle`.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

import structlog

from config.settings import Settings
from sla import ConfigError
from sync import registry
from sync.adapters.queue import EventQueue
from sync.composition import App, _utc_now
from sync.service.commands import Command, RecomputeIssue, Service, Sweep, SyncSince
from sync.service.metrics import Metrics
from sync.service.scheduler import Scheduler
from sync.service.worker import Worker
from sync.service.wsgi import WebhookApp

__all__ = [
    "Command",
    "RecomputeIssue",
    "Runtime",
    "Service",
    "Sweep",
    "SyncSince",
    "check_webhook_secrets",
]


def check_webhook_secrets(settings: Settings) -> None:
    """Refuse to start a webhook endpoint without a secret unless unsigned is allowed."""
    svc = settings.service
    if svc.webhook_allow_unsigned:
        return
    for name in dict.fromkeys(t.kind for t in settings.all_trackers()):
        intake = registry.get(name).webhook
        if intake is not None and getattr(svc, intake.secret_setting) is None:
            setting = intake.secret_setting
            raise ConfigError(
                "settings",
                f"service.{setting}",
                f"a webhook secret (SLA_SYNC_SERVICE__{setting.upper()}), "
                "or service.webhook_allow_unsigned: true for a trusted network",
            )


class Runtime:
    """The service's parts wired together; `serve()` runs until SIGTERM/SIGINT."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = _utc_now) -> None:
        if not settings.all_trackers():
            raise ConfigError("settings", "trackers", "at least one tracker")
        check_webhook_secrets(settings)
        s = self.settings = settings.service
        self.metrics = Metrics()
        self.app = App(
            settings,
            clock=clock,
            on_response=self.metrics.on_response,
            on_issue=self.metrics.on_issue,
        )
        self.service = Service(self.app, self.metrics)
        self.queue = EventQueue(settings.state_path)
        self.metrics.watch_store(settings.state_path, self.service.trackers)
        self.metrics.watch_queue(self.queue.depth)
        self.wsgi = WebhookApp(self.service, self.queue, self.metrics, s)
        self.worker = Worker(
            self.queue, self.service.handle, s.coalesce_seconds, s.seen_ids_hours * 3600
        )
        self.scheduler = Scheduler(
            self.service.trackers(),
            self.service.handle,
            s.sync_interval_minutes * 60,
            s.sweep_interval_seconds,
        )
        self.log = structlog.get_logger().bind(component="service")

    def serve(self, out: TextIO = sys.stdout) -> int:
        """Listen, start the worker and the scheduler, block until a stop signal; exit code."""
        from waitress import create_server

        # waitress warns "Task queue depth is N" whenever a request waits for a thread; under
        # a burst that is expected (the queue, not waitress, is what must not lose events).
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        s = self.settings
        server = create_server(
            self.wsgi,
            host=s.host,
            port=s.port,
            threads=s.threads,
            # Bodies above the limit are refused by the app with 413; waitress caps the rest.
            max_request_body_size=s.max_body_bytes + 1,
            clear_untrusted_proxy_headers=True,
            ident="sla-sync",
        )
        url = f"http://{server.effective_host}:{server.effective_port}"  # type: ignore[union-attr]
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def stop(signum: int, _frame: object) -> None:
            self.wsgi.accepting = False
            raise SystemExit(0)  # waitress.run() catches it and closes its sockets

        try:
            for sig in previous:
                signal.signal(sig, stop)
            self.worker.start()
            self.scheduler.start()
            self.log.info("service.listening", url=url, trackers=self.service.trackers())
            print(f"sla-sync: listening on {url}", file=out, flush=True)
            server.run()
        except SystemExit:
            pass
        finally:
            server.close()
            self.shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def shutdown(self) -> None:
        """Stop accepting, finish the issue in hand, leave the rest queued."""
        self.wsgi.accepting = False
        grace = self.settings.shutdown_grace_seconds
        worker_done = self.worker.stop(grace)
        # A pass in progress is not waited for: its cursor only moves after its writes.
        scheduler_done = self.scheduler.stop(min(grace, 1.0))
        self.log.info(
            "service.stopped", queued=self._depth(), worker_done=worker_done,
            scheduler_done=scheduler_done,
        )  # fmt: skip
        if worker_done and scheduler_done:
            self.queue.close()
            self.app.close()

    def _depth(self) -> int | None:
        try:
            return self.queue.depth()
        except Exception:
            return None
