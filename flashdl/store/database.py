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

from flashdl.store import integrity
from flashdl.store.connection import Transaction, connect, synchronous_mode
from flashdl.store.errors import (
    DatabaseDamagedError,
    NotADatabaseError,
    StoreError,
    database_error,
    recovery_advice,
)
from flashdl.store.migrations import migrate
from flashdl.store.schema import SCHEMA_VERSION

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
        self._damaged = False

    @property
    def dbapi(self) -> sqlite3.Connection:
        """The DB-API connection under SQLAlchemy's: for tests and benchmarks, which inspect
        the file; the application goes through store functions and a ``Transaction``."""
        return self._conn.connection.driver_connection  # type: ignore[return-value]

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """One write transaction (BEGIN IMMEDIATE), or a savepoint when nested.

        Refused once this session has met a damaged file: nothing more goes into it.
        """
        with self._lock:
            if self._damaged:
                raise DatabaseDamagedError(
                    f"{self.path}: the database is damaged; nothing more is written to it: "
                    + recovery_advice(str(self.path)))
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
        """One transaction; an SQLite error leaves it as a ``StoreError`` the user can act on."""
        self._conn.info[_BEGIN_KEY] = begin
        self._mode = mode
        try:
            with self._conn.begin():
                yield
        except Exception as error:
            translated = database_error(error, str(self.path))
            if translated is None or translated is error or type(translated) is StoreError:
                raise  # not about the file (e.g. a constraint): callers may handle it themselves
            if isinstance(translated, DatabaseDamagedError):
                self._damaged = True
                integrity.forget_clean_close(self.path)
            raise translated from None
        finally:
            self._mode = None

    def close(self) -> None:
        """Close; a session that met no damage records the file as cleanly closed (``integrity``)."""
        self._conn.close()
        self.engine.dispose()
        if not self._damaged:
            integrity.record_clean_close(self.path)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: Path | str, *, create_folder: bool = True, backup: bool = False) -> Store:
    """Open (creating if needed) and upgrade the database at ``path``.

    A file that is not an SQLite database, is another program's database,
    comes from a newer flashdl, or is damaged raises a ``StoreError`` and is
    left as it was. ``create_folder=False`` refuses a missing parent folder
    instead of creating it (an explicitly named path). ``backup`` makes the
    daily automatic backup when one is due (``backup``; a session that may write).

    Opening never waits for another writer unless there is something to do:
    the schema version is read first (a WAL reader never blocks), and the
    write lock is taken only to create or upgrade the schema.
    """
    path = Path(path).expanduser()
    _check_file(path, create_folder=create_folder)
    if create_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_store_engine(path)
    try:
        connection = engine.connect()
    except SQLAlchemyDatabaseError as error:
        engine.dispose()
        raise _open_error(path, error) from None
    try:
        raw = connection.connection.driver_connection
        assert raw is not None  # a live connection
        integrity.check_before_use(raw, path)
        version = int(raw.execute("PRAGMA user_version").fetchone()[0])
        if backup and version > 0:
            from flashdl.store.backup import backup_if_due

            backup_if_due(raw, path)
        if version != SCHEMA_VERSION:
            migrate(connection, str(path))
        if str(raw.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            raw.execute("PRAGMA journal_mode = WAL")  # outside a transaction: not through SQLAlchemy
    except (SQLAlchemyDatabaseError, sqlite3.Error) as error:
        connection.close()
        engine.dispose()
        raise _open_error(path, error) from None
    except BaseException:
        connection.close()
        engine.dispose()
        raise
    return Store(engine, connection, path)


def _open_error(path: Path, error: Exception) -> StoreError:
    translated = database_error(error, str(path))
    if translated is not None and type(translated) is not StoreError:
        if isinstance(translated, DatabaseDamagedError):
            integrity.forget_clean_close(path)
        return translated
    original = getattr(error, "orig", error)
    return NotADatabaseError(f"{path}: not a usable SQLite database ({original})")


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


def _check_file(path: Path, *, create_folder: bool) -> None:
    """Refuse what SQLite must not open: a folder, a device/FIFO/socket, a non-SQLite file."""
    if path.is_dir():
        raise NotADatabaseError(f"{path}: is a directory, not a database file")
    if not path.exists():
        if not create_folder and not path.parent.is_dir():
            raise StoreError(f"{path}: folder {path.parent} does not exist (create it first)")
        return
    if not path.is_file():
        raise NotADatabaseError(f"{path}: not a regular file (a device, FIFO or socket); "
                                "left untouched")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise StoreError(f"{path}: cannot read ({error.strerror})") from None
    if head and head != SQLITE_MAGIC:
        raise NotADatabaseError(f"{path}: not an SQLite database (the file was left untouched)")
