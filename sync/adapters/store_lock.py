"""One pass at a time per state store, and one thread per issue at a time.

SQLite: an OS lock on `<state file>.lock`, held for a pass or a service (one writer per file).

`flock(2)` locks belong to the open file, so the kernel releases them when the holder exits,
however it exits (kill -9 included): a stale lock cannot outlive its process. Two opens of the
file conflict even within one process, so the service takes it once and its threads share it.
https://man7.org/linux/man-pages/man2/flock.2.html
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import structlog

from sync.errors import StoreBusyError, StoreError

__all__ = ["FileLock", "KeyLocks", "PassLock", "lock_path"]

_POLL = 0.1  # how often a waiting process tries again


def lock_path(state: Path) -> Path:
    """The lock file next to a state file."""
    return state.with_name(state.name + ".lock")


class FileLock:
    """An exclusive, non-reentrant lock on one file, waited for a bounded time."""

    def __init__(
        self,
        state: Path,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = state
        self.path = lock_path(state)
        self._fd: int | None = None
        self._sleep, self._clock = sleep, clock

    @contextmanager
    def held(self, wait_seconds: float) -> Iterator[None]:
        """Hold the lock for the block; `StoreBusyError` when it stays taken for `wait_seconds`."""
        self.acquire(wait_seconds)
        try:
            yield
        finally:
            self.release()

    def acquire(self, wait_seconds: float) -> None:
        """Take the lock, waiting up to `wait_seconds` for its holder to let go."""
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this object")
        fd = self._open()
        deadline = self._clock() + max(0.0, wait_seconds)
        logged = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if self._clock() >= deadline:
                    holder = self._holder()
                    os.close(fd)
                    raise StoreBusyError(
                        self.state,
                        f"in use by another sla-sync process ({holder}lock file {self.path}, "
                        f"waited {wait_seconds:g} s)",
                        "nothing was done; the running pass or service covers this run "
                        "(do not run `sync` from cron beside `run`; raise "
                        "state_lock_wait_seconds to wait longer)",
                    ) from None
                if not logged:
                    logged = True
                    structlog.get_logger().info(
                        "store.lock_wait", lock=str(self.path), holder=self._holder().strip("; ")
                    )
                self._sleep(_POLL)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        """Let go (closing the file releases the lock)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    @property
    def held_here(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                self.state,
                f"cannot create its lock file {self.path} ({exc.strerror})",
                "make the directory writable for this user or change state_path",
            ) from None

    def _holder(self) -> str:
        try:
            pid = self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return ""
        return f"pid {pid}; " if pid.isdigit() else ""


class _Exclusive(Protocol):
    @property
    def held_here(self) -> bool: ...
    def acquire(self, wait_seconds: float) -> None: ...
    def release(self) -> None: ...


class PassLock:
    """A process-wide, re-entrant hold on an exclusive lock (a `FileLock`, an advisory lock).

    `run` takes it for its life (SQLite) or while it holds the scheduler lease (PostgreSQL);
    the passes its threads run inside take it again without waiting.
    """

    def __init__(self, lock: _Exclusive, wait_seconds: float) -> None:
        self.lock, self.wait = lock, wait_seconds
        self._holders = 0
        self._guard = threading.Lock()

    @contextmanager
    def held(self, wait_seconds: float | None = None) -> Iterator[None]:
        """Hold for the block (`StoreBusyError` after the wait)."""
        self.enter(wait_seconds)
        try:
            yield
        finally:
            self.exit()

    def enter(self, wait_seconds: float | None = None) -> None:
        """Take it (or count one more holder); taken anew if it was lost meanwhile (an
        advisory lock whose session ended)."""
        with self._guard:
            if not self.lock.held_here:
                self.lock.acquire(self.wait if wait_seconds is None else wait_seconds)
            self._holders += 1

    def exit(self) -> None:
        """Count one holder less; the last lets go."""
        with self._guard:
            self._holders -= 1
            if self._holders == 0:
                self.lock.release()

    @property
    def holders(self) -> int:
        """Open `held` blocks and `enter`s of this process."""
        return self._holders


class KeyLocks:
    """In-process locks by key (one thread per issue at a time), freed when nobody waits."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[object, list] = {}  # key -> [lock, threads holding or waiting]

    @contextmanager
    def held(self, key: object) -> Iterator[None]:
        """Hold `key`'s lock for the block."""
        with self._guard:
            entry = self._locks.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        entry[0].acquire()
        try:
            yield
        finally:
            entry[0].release()
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[key]
