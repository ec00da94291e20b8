"""A PostgreSQL store that cannot be reached is one line naming it, without its password."""

from __future__ import annotations

import yaml

from sync.cli.main import main
from sync.errors import EXIT_STORE

CANARY = "pw-canary-7f3a"


def test_an_unreachable_database_is_exit_4_with_one_line_and_no_password(tmp_path, capsys):
    cfg = tmp_path / "settings.yaml"
    tracker = {"name": "t", "url": "http://127.0.0.1:9", "email": "a@b.c", "token": "t0k"}
    url = f"postgresql://sla:{CANARY}@127.0.0.1:9/sla"  # port 9: nothing listens
    cfg.write_text(yaml.safe_dump({"state_url": url, "trackers": [tracker]}), "utf-8")
    assert main(["--config", str(cfg), "sync"]) == EXIT_STORE
    out = capsys.readouterr()
    [line] = out.err.strip().splitlines()
    assert line.startswith("sla-sync: state store postgresql://sla@127.0.0.1:9/sla: ")
    assert "cannot reach the database" in line and "check state_url" in line
    assert CANARY not in out.err + out.out
