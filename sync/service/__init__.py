"""`sla-sync run`: the long-running service (webhooks + schedule + durable queue + metrics).

One process, three kinds of thread: waitress serves the WSGI app (accepts webhooks into the
durable queue, answers /healthz and /metrics), `service.workers` workers drain the queue (one
issue on one worker at a time), the scheduler runs the incremental pass and the breach sweep.
All of them hand `Command`s to `Service.handle`. On a SQLite store the process holds the
one-writer lock for its whole life (its threads share it); on PostgreSQL several instances
serve side by side and the one holding the scheduler lease (`Lease`) runs the schedule.
On SIGTERM/SIGINT it keeps listening while the workers finish the issues in hand, answering
webhooks 503 (trackers retry them), then closes the listener.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import resource
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

import structlog

from config.settings import Settings
from sla import ConfigError
from sync import registry
from sync.adapters.store_port import open_queue
from sync.composition import App, _utc_now
from sync.errors import ListenError
from sync.service.commands import Command, RecomputeIssue, Service, Sweep, SyncSince
from sync.service.lease import Lease
from sync.service.live import LiveView
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
        self.store = self.app.store
        if self.store.shared:  # the leader pings its lease; a frozen one loses it
            self.store.keep_lease(max(15.0, 5 * s.lease_check_seconds))  # type: ignore[attr-defined]
        self.queue = open_queue(settings)
        self.lease = Lease(self.store, s.lease_check_seconds)
        self.metrics.watch_store(self.store.state_counts, self.service.trackers)
        self.metrics.watch_queue(self.queue.depth)
        self.metrics.watch_lease(lambda: self.lease.held.is_set())
        self.live = LiveView(
            settings, self.app.regulation, clock, self.service.monotonic, self.store
        )
        self.wsgi = WebhookApp(self.service, self.queue, self.metrics, s, self.lease, self.live)
        self.workers = [
            Worker(
                self.queue,
                functools.partial(self.service.handle, lane=self.service.new_lane()),
                s.coalesce_seconds,
                s.seen_ids_hours * 3600,
                name=f"sla-sync-worker-{i + 1}",
            )
            for i in range(s.workers)
        ]
        self.worker = self.workers[0]
        self.scheduler = Scheduler(
            self.service.trackers(),
            self.service.handle,
            s.sync_interval_minutes * 60,
            s.sweep_interval_seconds,
            self.lease,
        )
        self.log = structlog.get_logger().bind(component="service")
        self._stop = threading.Event()
        self._stopped: tuple[bool, bool] | None = None  # (worker done, scheduler done)

    def serve(self, out: TextIO = sys.stdout) -> int:
        """Take the store, listen, run the worker and the scheduler until a stop signal.

        `StoreBusyError` when another process holds the state store, `ListenError` when the
        address cannot be bound; 0 after a signal.
        """
        # waitress warns "Task queue depth is N" whenever a request waits for a thread; under
        # a burst that is expected (the queue, not waitress, is what must not lose events).
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        # SQLite: one process writes the file, for its whole life (exit 3 when another does).
        # PostgreSQL: instances share the store; the lease decides which one schedules.
        with contextlib.nullcontext() if self.store.shared else self.store.lock():
            server = self._listen()
            url = f"http://{server.effective_host}:{server.effective_port}"
            previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

            def stop(signum: int, _frame: object) -> None:
                self.wsgi.accepting = False  # from now on webhooks get 503, /healthz 503
                self._stop.set()

            try:
                for sig in previous:
                    signal.signal(sig, stop)
                self.lease.start()
                for worker in self.workers:
                    worker.start()
                self.scheduler.start()
                self.log.info(
                    "service.listening", url=url, trackers=self.service.trackers(),
                    live_view=self.live.on, store=self.store.label, workers=len(self.workers),
                )  # fmt: skip
                if self.live.on and not _loopback(self.settings.host):
                    # Customer data and credentials over plain HTTP: TLS belongs in front.
                    self.log.warning(
                        "live_view.exposed", host=self.settings.host,
                        detail="the live view is served beyond this machine over plain HTTP; "
                        "put a TLS proxy in front",
                    )  # fmt: skip
                print(f"sla-sync: listening on {url}", file=out, flush=True)
                self._loop(server)
            finally:
                _close(server)
                self.shutdown()
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
        return 0

    def _listen(self) -> Any:
        from waitress import create_server

        s = self.settings
        address = f"{s.host}:{s.port}"
        try:
            return create_server(
                self.wsgi,
                host=s.host,
                port=s.port,
                threads=s.threads,
                # Bodies above the limit are refused by the app with 413; waitress caps the rest.
                max_request_body_size=s.max_body_bytes + 1,
                clear_untrusted_proxy_headers=True,
                ident="sla-sync",
                # Slow clients hold connections, not threads: allow many, drop idle ones soon.
                connection_limit=_connection_limit(s.connection_limit, self.log),
                channel_timeout=s.channel_timeout_seconds,
                cleanup_interval=max(1.0, min(30.0, s.channel_timeout_seconds / 2)),
            )
        except (socket.gaierror, ValueError) as exc:
            # waitress turns a host getaddrinfo cannot resolve into ValueError("Invalid
            # host/port specified."), with the gaierror as its context.
            cause = exc if isinstance(exc, socket.gaierror) else exc.__context__
            why = cause.strerror if isinstance(cause, socket.gaierror) else str(exc)
            raise ListenError(
                address,
                f"cannot resolve the host ({why})",
                "set service.host (or --host) to an address of this machine, "
                "e.g. 127.0.0.1 or 0.0.0.0",
            ) from None
        except OSError as exc:
            raise ListenError(address, *_bind_problem(exc)) from None

    def _loop(self, server: Any) -> None:
        """Serve until a stop signal, then until the worker let go of the issue in hand."""
        loop_map = getattr(server, "map", None) or server._map
        adj = server.adj
        drain: threading.Thread | None = None
        while drain is None or drain.is_alive():
            server.asyncore.loop(
                timeout=min(adj.asyncore_loop_timeout, 0.2),
                map=loop_map,
                use_poll=adj.asyncore_use_poll,
                count=1,
            )
            if self._stop.is_set() and drain is None:
                self.log.info("service.stopping", queued=self._depth())
                drain = threading.Thread(target=self._drain, name="sla-sync-drain", daemon=True)
                drain.start()

    def _drain(self) -> None:
        grace = self.settings.shutdown_grace_seconds
        for worker in self.workers:
            worker.stopping.set()  # all of them at once; each finishes its issue in hand
        self.queue.wake()
        deadline = time.monotonic() + grace
        workers_done = all([w.stop(max(0.0, deadline - time.monotonic())) for w in self.workers])
        # A pass in progress is not waited for: its cursor only moves after its writes.
        scheduler_done = self.scheduler.stop(min(grace, 1.0))
        self.lease.stop(1.0)
        self._stopped = (workers_done, scheduler_done)

    def shutdown(self) -> None:
        """Stop accepting, finish the issues in hand, leave the rest queued."""
        self.wsgi.accepting = False
        if self._stopped is None:
            self._drain()
        worker_done, scheduler_done = self._stopped or (False, False)
        self.log.info(
            "service.stopped", queued=self._depth(), worker_done=worker_done,
            scheduler_done=scheduler_done,
        )  # fmt: skip
        if worker_done and scheduler_done:
            self.queue.close()
            self.live.close()
            self.app.close()

    def _depth(self) -> int | None:
        try:
            return self.queue.depth()
        except Exception:
            return None


def _loopback(host: str) -> bool:
    """Whether `host` only listens on this machine."""
    return host in ("localhost", "::1") or host.startswith("127.")


def _close(server: Any) -> None:
    """Stop waitress' threads and close the listener and every open connection."""
    from waitress import wasyncore

    dispatcher = getattr(server, "task_dispatcher", None)
    if dispatcher is not None:
        dispatcher.shutdown()
    wasyncore.close_all(getattr(server, "map", None) or server._map)


def _bind_problem(exc: OSError) -> tuple[str, str]:
    if exc.errno == errno.EADDRINUSE:
        return (
            "the port is in use (another service, or another `sla-sync run`)",
            "stop it, or set service.port (or --port) to a free port",
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return (
            "the address is not one of this machine's",
            "set service.host (or --host) to 127.0.0.1, 0.0.0.0 or an address of this host",
        )
    if exc.errno == errno.EACCES:
        return (
            "permission denied (ports below 1024 need privileges)",
            "choose a port above 1023 and put a proxy in front",
        )
    return exc.strerror or type(exc).__name__, "check service.host and service.port"


def _connection_limit(wanted: int, log: Any) -> int:
    """`wanted`, within the process' open-file limit (raised toward the hard limit if needed)."""
    reserve = 64  # the state file, the tracker's connections, logs
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted + reserve:
        target = wanted + reserve
        if hard != resource.RLIM_INFINITY:
            target = min(target, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY or soft - reserve >= wanted:
        return wanted
    usable = max(10, soft - reserve)
    log.warning("service.connection_limit", wanted=wanted, usable=usable, open_files=soft)
    return usable
