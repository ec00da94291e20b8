"""A state store that cannot be used is one line naming the file and what to do (exit 4)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from sync.adapters.queue import EventQueue
from sync.adapters.store import StateStore
from sync.cli.main import main
from sync.errors import EXIT_STORE, StoreError


@contextmanager
def unwritable(path: Path):
    """Make a file or directory unwritable for this process, root included (chattr +i)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], check=False).returncode:
        pytest.skip("running as root without a working `chattr +i`: cannot make a path read-only")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def test_a_directory_as_state_path_is_named_with_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="is a directory; set state_path to a file") as exc:
        StateStore(tmp_path)
    assert str(tmp_path) in str(exc.value)


def test_random_bytes_are_not_a_state_store(tmp_path):
    path = tmp_path / "state.sqlite3"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError, match=r"is not a usable SQLite database.*move it away"):
        StateStore(path)


def test_another_applications_sqlite_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "crm.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    db.commit()
    db.close()
    before = path.read_bytes()
    for opener in (StateStore, EventQueue):
        with pytest.raises(StoreError, match=r"another application's SQLite database.*customers"):
            opener(path)
    assert path.read_bytes() == before


def test_a_state_file_from_before_gets_its_new_column_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)  # the schema as shipped before clock-jump detection
    db.executescript(
        "CREATE TABLE issues (tracker TEXT NOT NULL, key TEXT NOT NULL, seen_updated_us INTEGER,"
        " check_us INTEGER, hours_written_us INTEGER, state TEXT, breached INTEGER,"
        " due_us INTEGER, PRIMARY KEY (tracker, key));"
        "INSERT INTO issues VALUES ('jira', 'SUP-1', 5, NULL, 7, 'running', 0, NULL);"
    )
    db.close()
    store = StateStore(path)
    seen = store.issue("jira", "SUP-1")
    assert (seen.seen_updated_us, seen.hours_written_us, seen.recorded_us) == (5, 7, None)
    store.close()


def test_a_read_only_state_file_is_named_with_the_fix(tmp_path):
    path = tmp_path / "state.sqlite3"
    StateStore(path).close()
    with unwritable(path), pytest.raises(StoreError, match=r"cannot be written.*read-only"):
        StateStore(path)


def test_an_unwritable_directory_is_named_with_the_fix(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    with unwritable(folder), pytest.raises(StoreError, match=r"directory .* is not writable"):
        StateStore(folder / "state.sqlite3")


def test_a_full_disk_during_a_pass_is_one_store_error_and_the_row_stays_consistent(tmp_path):
    store = StateStore(tmp_path / "state.sqlite3")
    # SQLite's page limit makes this connection's disk "full" exactly as ENOSPC does
    # (SQLITE_FULL, "database or disk is full"): https://sqlite.org/pragma.html#pragma_max_page_count
    pages = store._f.one("PRAGMA page_count")[0]
    store._f.one(f"PRAGMA max_page_count={pages}")
    with pytest.raises(StoreError, match="the disk is full"):
        for n in range(10_000):
            store.record_failure("jira", f"SUP-{n}", "x" * 500, n)
    store._f.one("PRAGMA max_page_count=1073741823")
    store.record_failure("jira", "SUP-AFTER", "ok", 1)  # usable again once there is room
    assert store.failures("jira")["SUP-AFTER"] == "ok"
    store.close()


@pytest.mark.parametrize("kind", ["directory", "random bytes", "another application"])
def test_sync_on_an_unusable_store_exits_4_with_one_line_naming_the_path(tmp_path, capsys, kind):
    state = tmp_path / "state.sqlite3"
    if kind == "directory":
        state.mkdir()
    elif kind == "random bytes":
        state.write_bytes(os.urandom(2048))
    else:
        db = sqlite3.connect(state)
        db.execute("CREATE TABLE t (x)")
        db.commit()
        db.close()
    cfg = tmp_path / "settings.yaml"
    tracker = {"name": "t", "url": "http://127.0.0.1:9", "email": "a@b.c", "token": "t0k"}
    cfg.write_text(yaml.safe_dump({"state_path": str(state), "trackers": [tracker]}), "utf-8")
    assert main(["--config", str(cfg), "sync"]) == EXIT_STORE
    out = capsys.readouterr()
    [line] = out.err.strip().splitlines()
    assert line.startswith(f"sla-sync: state store {state}: ") and "Traceback" not in out.err
