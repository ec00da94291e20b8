"""Fixtures of the CLI tests: a clean environment for a new user's first commands."""

from __future__ import annotations

import pytest


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No SLA_SYNC_* variable, an empty working directory, the state dir under tmp_path."""
    import os

    for key in [k for k in os.environ if k.startswith("SLA_SYNC_")]:
        monkeypatch.delenv(key)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(home)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    return home
