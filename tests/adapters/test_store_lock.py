"""One writer per state store: the lock, its wait, its re-entry and its release at death."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sync.adapters.store import StateStore
from sync.adapters.store_lock import FileLock
from sync.errors import StoreBusyError

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_store_on_the_same_file_is_busy_naming_the_lock_and_the_holder(tmp_path):
    path = tmp_path / "state.sqlite3"
    first, second = StateStore(path), StateStore(path)
    with first.lock(), pytest.raises(StoreBusyError) as exc, second.lock(0):
        pass
    text = str(exc.value)
    assert f"state store {path}: in use by another sla-sync process" in text
    assert f"{path}.lock" in text and "pid " in text and "nothing was done" in text
    with second.lock(0):  # released by the first: free again
        pass
    first.close()
    second.close()


def test_the_wait_is_bounded_and_polled(tmp_path):
    state = tmp_path / "state.sqlite3"
    holder, waiter = FileLock(state), None
    holder.acquire(0)
    now = [0.0]
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        now[0] += seconds

    waiter = FileLock(state, sleep=sleep, clock=lambda: now[0])
    with pytest.raises(StoreBusyError, match="waited 2 s"):
        waiter.acquire(2)
    assert 15 <= len(naps) <= 25  # polled every 0.1 s until the deadline, then gave up
    holder.release()
    waiter.acquire(2)
    waiter.release()


def test_the_lock_is_re_entrant_across_the_threads_of_one_process(tmp_path):
    # `run` holds it for its life; its scheduler, worker and webhook threads pass inside it.
    store = StateStore(tmp_path / "state.sqlite3", lock_wait_seconds=0)
    entered = threading.Event()

    def pass_in_a_thread() -> None:
        with store.lock():
            entered.set()

    with store.lock():
        t = threading.Thread(target=pass_in_a_thread)
        t.start()
        t.join(10)
        assert entered.is_set()
        other = StateStore(store.path)
        # Still held after the thread's block ended.
        with pytest.raises(StoreBusyError), other.lock(0):
            pass
    with other.lock(0):  # the outermost block let go
        pass
    store.close()
    other.close()


def test_a_holder_killed_with_sigkill_leaves_no_stale_lock(tmp_path):
    path = tmp_path / "state.sqlite3"
    code = (
        "import sys, time\n"
        "from sync.adapters.store import StateStore\n"
        f"s = StateStore({str(path)!r})\n"
        "with s.lock(0):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(600)\n"
    )
    cmd = [sys.executable, "-c", code]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        store = StateStore(path)
        with pytest.raises(StoreBusyError, match=f"pid {proc.pid}"), store.lock(0):
            pass
    finally:
        proc.kill()
        proc.wait(10)
    with store.lock(0):  # the kernel released it with the process
        pass
    store.close()
