"""Test-wide isolation (each test starts with structlog's defaults), the session's PostgreSQL,
and the order: the fast unit layer first, end to end over HTTP and the service last."""

from __future__ import annotations

from pathlib import Path

import pytest
import structlog

# Directories under tests/, fastest first: the pure domain and mappings, the pass on fakes,
# adapters, then the sandbox, end to end over HTTP, and the service's subprocesses.
_LAYERS = (
    "sla",
    "mappings",
    "config",
    "passes",
    "notify",
    "trackers",
    "report",
    "adapters",
    "sandbox",
    "sync",
    "service",
)
_TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the layers in `_LAYERS` order; files keep their order within a layer."""

    def layer(item: pytest.Item) -> int:
        top = item.path.relative_to(_TESTS).parts[0]
        return _LAYERS.index(top) if top in _LAYERS else -1  # tests/test_*.py first

    items.sort(key=layer)


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
