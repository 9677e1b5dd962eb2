"""SQLAlchemy Core over a DB-API connection the store already holds (imported only when needed).

The store runs its transactions itself (BEGIN / SAVEPOINT / COMMIT on the
DB-API connection, see ``database.Store``), so SQLAlchemy is given a view
of that connection whose ``commit``/``rollback``/``close`` do nothing:
whatever SQLAlchemy does to "its" transaction (it rolls back after its
first connect, and on every return to the pool), the store's transaction
is untouched, and SQLAlchemy statements run inside it like raw ones.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Connection, create_engine
from sqlalchemy.pool import StaticPool


class _Unmanaged:
    """A DB-API connection proxy with transaction control and closing left to the store."""

    __slots__ = ("_db",)

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def commit(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "_db":
            object.__setattr__(self, name, value)
        else:
            setattr(self._db, name, value)


def sqlalchemy_connection(db: sqlite3.Connection) -> Connection:
    """A SQLAlchemy ``Connection`` whose statements run on ``db`` in the caller's transaction."""
    proxy = _Unmanaged(db)
    engine = create_engine("sqlite://", creator=lambda: proxy, poolclass=StaticPool)
    return engine.connect()
