"""Test-wide isolation: each test starts with structlog's defaults."""

from __future__ import annotations

import pytest
import structlog


@pytest.fixture(autouse=True)
def _reset_structlog():
    yield
    structlog.reset_defaults()
