"""Test-wide isolation: each test starts with structlog's defaults."""

from __future__ import annotations

import pytest
import structlog


@pytest.fixture(autouse=True)
def _reset_structlog():
    yield
    structlog.reset_defaults()


@pytest.fixture(scope="session")
def pg_server():
    """One throw-away PostgreSQL cluster for the session (skips, saying why, without one)."""
    from tests.pg_server import PgServer, find_bin

    bindir = find_bin()
    if bindir is None:
        pytest.skip(
            "PostgreSQL tests need the server binaries (initdb, postgres): run "
            "scripts/system-deps.sh as root, or set SLA_SYNC_TEST_PG_BIN"
        )
    server = PgServer(bindir)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server):
    """A new empty database on the session's cluster, dropped after the test."""
    url = pg_server.create_db()
    yield url
    pg_server.drop_db(url)
