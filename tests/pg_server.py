"""A throw-away PostgreSQL server for the tests (and `make bench`): initdb in a temporary
directory, a free port on 127.0.0.1, its socket in that directory, stopped at the end.

The binaries come from the distribution's package (`scripts/system-deps.sh` installs
`postgresql` when missing): `SLA_SYNC_TEST_PG_BIN`, else `pg_ctl`'s directory on PATH, else the
newest `/usr/lib/postgresql/<version>/bin`. PostgreSQL refuses to run as root, so under root the
server runs as the `postgres` user (or `nobody`). Each test gets a database of its own.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

__all__ = ["PgServer", "find_bin"]


def find_bin() -> Path | None:
    """The directory holding `initdb` and `postgres`, if any."""
    named = os.environ.get("SLA_SYNC_TEST_PG_BIN")
    candidates = [Path(named)] if named else []
    if found := shutil.which("pg_ctl"):
        candidates.append(Path(found).parent)

    def version(p: Path) -> float:
        try:
            return float(p.parent.name)
        except ValueError:
            return 0.0

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for c in candidates:
        if (c / "initdb").is_file() and (c / "postgres").is_file():
            return c
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One running cluster; `url(db)` names a database on it, `create_db()` makes a new one."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="sla-sync-pg-"))
        self.data, self.port = self.dir / "data", _free_port()
        self.user = None if os.geteuid() != 0 else _unprivileged()
        if self.user is not None:
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        self._run([str(bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                   "--auth=trust", "-E", "UTF8", "--no-sync"])  # fmt: skip
        # Tests: no fsync (a crash of this machine is not what they test). The bench keeps it.
        fast = [] if durable else ["-c", "fsync=off", "-c", "full_page_writes=off"]
        self.log = (self.dir / "server.log").open("wb")
        self.proc = subprocess.Popen(
            [str(bindir / "postgres"), "-D", str(self.data), "-p", str(self.port),
             "-k", str(self.dir), "-c", "listen_addresses=127.0.0.1",
             "-c", "max_connections=300", *fast],
            stdout=self.log, stderr=subprocess.STDOUT,
            user=self.user.pw_name if self.user else None,
        )  # fmt: skip
        self._wait_ready()

    def url(self, db: str = "postgres") -> str:
        """A connection URL for one database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def create_db(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_db(self, url: str) -> None:
        """Drop a database made by `create_db` (its sessions are ended first)."""
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        """Fast shutdown, then remove the directory."""
        if self.proc.poll() is None:
            self.proc.send_signal(2)  # SIGINT: fast shutdown
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _run(self, cmd: list[str]) -> None:
        user = self.user.pw_name if self.user else None
        done = subprocess.run(cmd, capture_output=True, text=True, user=user, check=False)
        if done.returncode:
            raise RuntimeError(f"{cmd[0]} failed: {done.stderr.strip()[-500:]}")

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    text = (self.dir / "server.log").read_text(errors="replace")[-800:]
                    raise RuntimeError(f"PostgreSQL did not start: {text}") from None
                time.sleep(0.1)


def _unprivileged() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root with neither a `postgres` nor a `nobody` user")


@contextlib.contextmanager
def running(durable: bool = False) -> Iterator[PgServer]:
    """A server for the block (RuntimeError when there are no binaries)."""
    bindir = find_bin()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb, postgres) found")
    server = PgServer(bindir, durable=durable)
    try:
        yield server
    finally:
        server.stop()
