"""Move a SQLite state store into PostgreSQL (`sla-sync migrate-store`).

Both stores are opened (so both are migrated to the same schema version), both pass locks are
held (no `sync` or `run` writes either while copying), the target must hold no sla-sync state
yet, and every table is copied in one PostgreSQL transaction: a copy that fails leaves the
target as empty as it was. Queued webhook events keep their ids (the identity is moved past
them) and their order.
"""

from __future__ import annotations

from sync.adapters.pg_store import PgStore
from sync.adapters.store import StateStore
from sync.errors import StoreError

__all__ = ["TABLES", "copy_store"]

# Every table of the schema but schema_version (each side has its own, at the same version).
TABLES = ("cursors", "issues", "failures", "intents", "notices", "meta",
          "webhook_queue", "webhook_seen")  # fmt: skip
_STATE = ("cursors", "issues", "intents", "notices", "webhook_queue")


def copy_store(src: StateStore, dst: PgStore, wait_seconds: float = 0) -> dict[str, int]:
    """Copy every row of `src` into the empty `dst`; rows per table."""
    with src.lock(wait_seconds), dst.lock(wait_seconds):
        held = {t: dst._f.one(f"SELECT count(*) FROM {t}")[0] for t in _STATE}
        if any(held.values()):
            shown = ", ".join(f"{n} {t}" for t, n in held.items() if n)
            raise StoreError(
                dst.label,
                f"already holds sla-sync state ({shown})",
                "copy into an empty database (nothing was copied)",
            )
        copied: dict[str, int] = {}
        with dst._f.tx() as db:
            for table in TABLES:
                columns = [r[1] for r in src._f.all(f"PRAGMA table_info({table})")]
                names = ", ".join(columns)
                rows = src._f.all(f"SELECT {names} FROM {table}")
                if rows:
                    marks = ", ".join("?" for _ in columns)
                    db.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
                copied[table] = len(rows)
            db.execute(
                "SELECT setval(pg_get_serial_sequence('webhook_queue', 'id'), "
                "coalesce((SELECT max(id) FROM webhook_queue), 0) + 1, false)"
            )
    return copied
