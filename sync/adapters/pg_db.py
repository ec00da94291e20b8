"""A PostgreSQL database for the state store: a psycopg connection pool, short transactions
with `?` placeholders (the SQL the SQLite store speaks), and every failure as one `StoreError`
line naming the database (never its password) and what to do.

A thread can pin one connection for a block (`pinned`): the per-issue advisory lock lives on
that connection's session, and the thread's queries inside use it too, so a thread holds at
most one connection and the pool cannot run dry under its own holders.
https://www.psycopg.org/psycopg3/docs/advanced/pool.html
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from sync.adapters.migrations import migrate
from sync.errors import StoreError

__all__ = ["PgDb", "connect_kwargs", "pg_store_error", "safe_url"]

_WAIT = 30.0  # seconds a thread waits for a free connection before the store counts as down
# The pool logs each failed reconnect attempt; the store reports the failure as one line.
logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)


def safe_url(url: str) -> str:
    """The URL as it may be shown: without a password (or the whole user-info)."""
    parts = urlsplit(url)
    if parts.password is None and "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host, query=""))


def connect_kwargs(application_name: str = "sla-sync") -> dict[str, Any]:
    """Connection settings every sla-sync session uses."""
    # Client-side keepalives notice a database host that vanished (no FIN) within ~30 s.
    return {
        "autocommit": True,
        "application_name": application_name[:63],
        "connect_timeout": 10,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }


class _Tx:
    """A connection inside a transaction, with `?` placeholders."""

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor:
        return self.conn.execute(_sql(sql), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(_sql(sql), rows)


class PgDb:
    """A pool of connections to one PostgreSQL database, migrated at open."""

    dialect: Literal["postgres"] = "postgres"

    def __init__(self, url: str, *, max_size: int = 10, name: str = "sla-sync") -> None:
        self.url = url
        self.path = self.label = safe_url(url)
        self._local = threading.local()
        try:  # fail at once, with libpq's reason, rather than after the pool's retries
            psycopg.connect(url, **connect_kwargs(name)).close()
        except psycopg.Error as exc:
            raise pg_store_error(self.label, exc) from None
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            kwargs=connect_kwargs(name),
            check=ConnectionPool.check_connection,  # a connection PostgreSQL dropped is replaced
            open=False,
            name=name,
        )
        try:
            self._pool.open(wait=True, timeout=15)
        except PoolTimeout:
            self._pool.close()
            raise self._unreachable() from None
        try:
            migrate("postgres", self.tx, self.label)
        except BaseException:
            self._pool.close()
            raise

    def close(self) -> None:
        """Close every connection."""
        self._pool.close()

    @contextmanager
    def pinned(self) -> Iterator[psycopg.Connection]:
        """One connection for this thread's queries in the block (re-entrant)."""
        held = getattr(self._local, "conn", None)
        if held is not None:
            yield held
            return
        with self._borrow() as conn:
            self._local.conn = conn
            try:
                yield conn
            finally:
                self._local.conn = None

    @contextmanager
    def _borrow(self) -> Iterator[psycopg.Connection]:
        held = getattr(self._local, "conn", None)
        if held is not None:
            yield held
            return
        try:
            with self._pool.connection(timeout=_WAIT) as conn:
                yield conn
        except PoolTimeout:
            raise self._unreachable() from None
        except psycopg.Error as exc:
            raise pg_store_error(self.label, exc) from None

    @contextmanager
    def tx(self) -> Iterator[_Tx]:
        """BEGIN … COMMIT (ROLLBACK on any error)."""
        with self._borrow() as conn:
            try:
                with conn.transaction():
                    yield _Tx(conn)
            except psycopg.Error as exc:
                raise pg_store_error(self.label, exc) from None

    def one(self, sql: str, *args: object) -> tuple | None:
        """The first row of a query, or None."""
        with self._borrow() as conn:
            try:
                return conn.execute(_sql(sql), args).fetchone()
            except psycopg.Error as exc:
                raise pg_store_error(self.label, exc) from None

    def all(self, sql: str, *args: object) -> list[tuple]:
        """Every row of a query."""
        with self._borrow() as conn:
            try:
                return conn.execute(_sql(sql), args).fetchall()
            except psycopg.Error as exc:
                raise pg_store_error(self.label, exc) from None

    def _unreachable(self) -> StoreError:
        try:  # one direct attempt says why (refused, auth, unknown database...)
            psycopg.connect(self.url, **{**connect_kwargs(), "connect_timeout": 5}).close()
        except psycopg.Error as exc:
            return pg_store_error(self.label, exc)
        return StoreError(self.label, "no free connection in time", "raise state_pool_size")


@functools.lru_cache(maxsize=512)
def _sql(sql: str) -> str:
    # The store's SQL has no literal `?` or `%`: placeholders only.
    return sql.replace("?", "%s")


def pg_store_error(label: str, exc: BaseException) -> StoreError:
    """One line for a PostgreSQL failure: what it means for this store and what to do."""
    text = " ".join(str(exc).split())
    for secret in _passwords(exc):
        text = text.replace(secret, "***")
    if isinstance(exc, psycopg.errors.DiskFull):
        return StoreError(label, f"the database's disk is full ({text})", "free space")
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return StoreError(
            label, f"permission denied ({text})", "grant this user CREATE and USAGE on the schema"
        )
    if isinstance(exc, psycopg.OperationalError):
        return StoreError(
            label,
            f"cannot reach the database ({text})",
            "check state_url (host, port, database, user; the password in PGPASSWORD or "
            "~/.pgpass) and that PostgreSQL is up",
        )
    return StoreError(label, text, "check the database and its logs")


def _passwords(exc: BaseException) -> list[str]:
    conn = getattr(exc, "conn", None)
    info = getattr(conn, "info", None)
    password = getattr(info, "password", None)
    return [password] if password else []
