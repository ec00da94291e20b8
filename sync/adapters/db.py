"""What the store's tables need of a database handle (SQLite's `SqliteFile`, `PgDb`)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Literal, Protocol

__all__ = ["Db", "Dialect"]

Dialect = Literal["sqlite", "postgres"]


class Db(Protocol):
    """Short queries and write transactions with `?` placeholders; errors are `StoreError`."""

    dialect: Dialect

    def one(self, sql: str, *args: object) -> tuple | None:
        """The first row of a query, or None."""
        ...

    def all(self, sql: str, *args: object) -> list[tuple]:
        """Every row of a query."""
        ...

    def tx(self) -> AbstractContextManager[Any]:
        """BEGIN … COMMIT (ROLLBACK on any error); yields something with `execute`."""
        ...

    def pinned(self) -> AbstractContextManager[Any]:
        """Use one connection for every query of this thread within the block."""
        ...

    def close(self) -> None:
        """Close the connections."""
        ...
