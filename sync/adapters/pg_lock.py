"""One pass at a time on a PostgreSQL store: a session advisory lock on a connection of its own.

PostgreSQL frees a session's advisory locks when the session ends, however it ends: a holder
killed with SIGKILL closes its socket and the server lets go at once; a holder whose host
vanished is dropped by TCP keepalives and, for the service, by `idle_session_timeout` (the
service pings its lease every `service.lease_check_seconds`, so only a dead or frozen holder
goes idle that long). No lease row, no clock to trust.
https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS
https://www.postgresql.org/docs/15/runtime-config-client.html#GUC-IDLE-SESSION-TIMEOUT
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable

import psycopg
import structlog

from sync.adapters.migrations import NAMESPACE, PASS_LOCK
from sync.adapters.pg_db import connect_kwargs, pg_store_error
from sync.errors import StoreBusyError

__all__ = ["AdvisoryLock", "holder_name"]

_POLL = 0.1


def holder_name() -> str:
    """How this process names itself to PostgreSQL (`application_name`): host and pid."""
    return f"sla-sync {socket.gethostname()} pid {os.getpid()}"


class AdvisoryLock:
    """The pass lock `(NAMESPACE, PASS_LOCK)`, held on a dedicated session."""

    def __init__(
        self,
        url: str,
        label: str,
        *,
        idle_timeout_seconds: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url, self.label = url, label
        self.idle_timeout = idle_timeout_seconds
        self._conn: psycopg.Connection | None = None
        self._guard = threading.Lock()  # the session is used by the keeper and by `release`
        self._sleep = sleep

    def acquire(self, wait_seconds: float) -> None:
        """Take the lock, waiting up to `wait_seconds` for its holder (`StoreBusyError`)."""
        if self._conn is not None:
            raise RuntimeError("the pass lock is already held by this object")
        conn = self._connect()
        deadline = time.monotonic() + max(0.0, wait_seconds)
        logged = False
        try:
            while not conn.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (NAMESPACE, PASS_LOCK)
            ).fetchone()[0]:
                holder = self.holder(conn)
                if time.monotonic() >= deadline:
                    raise StoreBusyError(
                        self.label,
                        f"in use by another sla-sync process ({holder or 'unknown holder'}; "
                        f"waited {wait_seconds:g} s)",
                        "nothing was done; the running pass or service covers this run "
                        "(raise state_lock_wait_seconds to wait longer)",
                    )
                if not logged:
                    logged = True
                    structlog.get_logger().info("store.lock_wait", store=self.label, holder=holder)
                self._sleep(_POLL)
        except BaseException as exc:
            conn.close()
            if isinstance(exc, psycopg.Error):
                raise pg_store_error(self.label, exc) from None
            raise
        self._conn = conn

    def release(self) -> None:
        """Let go: unlock, then close the session.

        Closing alone would release the lock only when the server's backend has exited, a
        moment after the client's close returns: the next pass of this very process (the
        sweep after a cron pass) could find its own lock still held."""
        with self._guard:
            conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute("SELECT pg_advisory_unlock(%s, %s)", (NAMESPACE, PASS_LOCK))
        except psycopg.Error:
            pass  # the session is gone, and the lock with it
        finally:
            conn.close()

    @property
    def held_here(self) -> bool:
        """Whether this object holds the lock (as far as it knows)."""
        return self._conn is not None

    def alive(self) -> bool:
        """Ping the session; False (and let go) when it is gone: the lock went with it."""
        with self._guard:
            conn = self._conn
            if conn is None:
                return False
            try:
                conn.execute("SELECT 1")
                return True
            except psycopg.Error:
                self._conn = None
        conn.close()
        return False

    @staticmethod
    def holder(conn: psycopg.Connection) -> str:
        """Who holds the pass lock now (its application_name and address), if visible."""
        row = conn.execute(
            "SELECT a.application_name, a.client_addr FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
            "AND l.classid = %s AND l.objid = %s AND l.objsubid = 2 AND l.granted",
            (NAMESPACE, PASS_LOCK),
        ).fetchone()
        if row is None:
            return ""
        name, addr = row
        return f"{name or 'a session'}" + (f" from {addr}" if addr else "")

    def _connect(self) -> psycopg.Connection:
        options = []
        if self.idle_timeout:
            ms = int(self.idle_timeout * 1000)
            options.append(f"-c idle_session_timeout={ms}")
        # The server notices a vanished holder's socket this soon (no FIN after a host loss).
        options += ["-c tcp_keepalives_idle=5", "-c tcp_keepalives_interval=2",
                    "-c tcp_keepalives_count=3"]  # fmt: skip
        try:
            return psycopg.connect(
                self.url, **connect_kwargs(holder_name()), options=" ".join(options)
            )
        except psycopg.Error as exc:
            raise pg_store_error(self.label, exc) from None
