"""Opening the database: connection setup, safety checks, migrations, transactions.

``open_store(path)`` returns a ``Store``: one SQLAlchemy connection held
for the store's lifetime (a study session answers cards in a loop; a pool
checkout per answer would cost more than the answer), WAL journal, and
every connection made by ``connection.connect`` (the one factory: foreign
keys on, a busy timeout, so two flashdl processes on one database wait for
each other instead of failing with "database is locked", and the rest of
flashdl's pragmas).

Transactions: ``store.write()`` is ``BEGIN IMMEDIATE`` (takes the write lock
up front, so a read-then-write cannot deadlock with another writer) and
``store.read()`` a deferred ``BEGIN`` (a consistent snapshot; WAL readers
never block writers). Either commits on success and rolls back on any
exception; nested ``write()`` calls become savepoints. Both yield the
store's ``connection.Transaction``, which services pass to store functions.

Durability: ``synchronous=NORMAL`` in WAL mode. A committed transaction is
in the WAL file before COMMIT returns, so it survives the process being
killed (SIGKILL, crash); only an OS crash or power loss can lose the last
few commits, and never corrupts the file. FULL would add an fsync per
review (milliseconds on most disks) for protection a flashcard app does
not need; set ``FLASHDL_SYNCHRONOUS=FULL`` to choose it anyway.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError
from sqlalchemy.pool import NullPool

from flashdl.store.connection import Transaction, connect, synchronous_mode
from flashdl.store.errors import NotADatabaseError, StoreError
from flashdl.store.migrations import migrate

SQLITE_MAGIC = b"SQLite format 3\x00"
_BEGIN_KEY = "flashdl_begin"


class Store:
    """An open flashdl database. Use as a context manager or call ``close()``.

    Calls from several threads are serialized by a lock; the store is meant
    for one process's UI or command, with other processes coordinating
    through SQLite's own locks.
    """

    def __init__(self, engine: Engine, connection: Connection, path: Path) -> None:
        self.engine = engine
        self.path = path
        self._conn = connection
        self._tx = Transaction(self.dbapi, connection)
        self._lock = threading.RLock()
        self._mode: str | None = None

    @property
    def dbapi(self) -> sqlite3.Connection:
        """The DB-API connection under SQLAlchemy's: for tests and benchmarks, which inspect
        the file; the application goes through store functions and a ``Transaction``."""
        return self._conn.connection.driver_connection  # type: ignore[return-value]

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """One write transaction (BEGIN IMMEDIATE), or a savepoint when nested."""
        with self._lock:
            if self._mode == "read":
                raise RuntimeError("a write transaction cannot nest inside a read")
            if self._mode == "write":
                with self._conn.begin_nested():
                    yield self._tx
                return
            with self._transaction("write", "BEGIN IMMEDIATE"):
                yield self._tx

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """One read transaction: every query inside sees the same snapshot."""
        with self._lock:
            if self._mode is not None:
                yield self._tx
                return
            with self._transaction("read", "BEGIN"):
                yield self._tx

    @contextmanager
    def _transaction(self, mode: str, begin: str) -> Iterator[None]:
        self._conn.info[_BEGIN_KEY] = begin
        self._mode = mode
        try:
            with self._conn.begin():
                yield
        finally:
            self._mode = None

    def close(self) -> None:
        self._conn.close()
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: Path | str) -> Store:
    """Open (creating if needed) and upgrade the database at ``path``.

    A file that is not an SQLite database, is another program's database,
    or comes from a newer flashdl raises a ``StoreError`` and is left as it was.
    """
    path = Path(path).expanduser()
    _check_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_store_engine(path)
    try:
        connection = engine.connect()
    except SQLAlchemyDatabaseError as error:
        engine.dispose()
        raise NotADatabaseError(f"{path}: cannot open as SQLite ({error.orig})") from None
    try:
        migrate(connection, str(path))
        raw = connection.connection.driver_connection
        assert raw is not None  # a live connection
        raw.execute("PRAGMA journal_mode = WAL")  # outside a transaction: not through SQLAlchemy
    except SQLAlchemyDatabaseError as error:
        connection.close()
        engine.dispose()
        raise NotADatabaseError(f"{path}: not a usable SQLite database ({error.orig})") from None
    except BaseException:
        connection.close()
        engine.dispose()
        raise
    return Store(engine, connection, path)


def create_store_engine(path: Path) -> Engine:
    """An engine whose every connection comes from ``connection.connect`` (flashdl's pragmas)."""
    synchronous = synchronous_mode()  # a wrong FLASHDL_SYNCHRONOUS is refused before any connection
    engine = create_engine(
        URL.create("sqlite", database=str(path)),
        poolclass=NullPool,
        creator=lambda: connect(path, synchronous=synchronous),
    )

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.info.get(_BEGIN_KEY, "BEGIN IMMEDIATE"))

    return engine


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise NotADatabaseError(f"{path}: is a directory, not a database file")
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise StoreError(f"{path}: cannot read ({error.strerror})") from None
    if head and head != SQLITE_MAGIC:
        raise NotADatabaseError(f"{path}: not an SQLite database (the file was left untouched)")
