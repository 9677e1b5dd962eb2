"""Opening the database: connection setup, safety checks, migrations, transactions.

``open_store(path)`` returns a ``Store``: one DB-API connection held for
the store's lifetime (a study session answers cards in a loop; a new
connection per answer would cost more than the answer), WAL journal, and
every connection made by ``connection.connect`` (the one factory: foreign
keys on, a busy timeout, so two flashdl processes on one database wait for
each other instead of failing with "database is locked", and the rest of
flashdl's pragmas). Whether the schema is current is read from
``PRAGMA user_version`` with that plain connection; only a new or older
database goes through SQLAlchemy (``migrations``), so a one-shot command on
a current database never imports it (issue 17: ``flashdl decks`` went from
0.62 s to ~0.07 s).

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
from typing import TYPE_CHECKING, Self

from flashdl.store import integrity
from flashdl.store.connection import Transaction, connect, synchronous_mode
from flashdl.store.db_files import refuse_special_side_files
from flashdl.store.errors import (
    DatabaseDamagedError,
    NotADatabaseError,
    StoreError,
    database_error,
    recovery_advice,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

SQLITE_MAGIC = b"SQLite format 3\x00"


class Store:
    """An open flashdl database. Use as a context manager or call ``close()``.

    Calls from several threads are serialized by a lock; the store is meant
    for one process's UI or command, with other processes coordinating
    through SQLite's own locks. The transactions are plain statements on the
    one DB-API connection (``BEGIN IMMEDIATE``, ``SAVEPOINT``, ``COMMIT``):
    a store at the current schema never imports SQLAlchemy unless a store
    function asks for ``tx.sql``.
    """

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._db = db
        self._tx = Transaction(db)
        self._lock = threading.RLock()
        self._mode: str | None = None
        self._savepoints = 0
        self._damaged = False

    @property
    def dbapi(self) -> sqlite3.Connection:
        """The DB-API connection: for tests and benchmarks, which inspect
        the file; the application goes through store functions and a ``Transaction``."""
        return self._db

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
                with self._savepoint():
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
        """One transaction; an SQLite error about the file leaves it as a ``StoreError`` the user can act on."""
        try:
            with self._plain_transaction(mode, begin):
                yield
        except Exception as error:
            translated = database_error(error, str(self.path))
            if translated is None or translated is error or type(translated) is StoreError:
                raise  # not about the file (e.g. a constraint): callers may handle it themselves
            if isinstance(translated, DatabaseDamagedError):
                self._damaged = True
                integrity.forget_clean_close(self.path)
            raise translated from None

    @contextmanager
    def _plain_transaction(self, mode: str, begin: str) -> Iterator[None]:
        db = self._db
        db.execute(begin)
        self._mode = mode
        try:
            yield
        except BaseException:
            self._mode = None
            if db.in_transaction:  # SQLite may have rolled back already (e.g. SQLITE_FULL)
                db.execute("ROLLBACK")
            raise
        self._mode = None
        try:
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        self._savepoints += 1
        name = f"flashdl_{self._savepoints}"
        db = self._db
        db.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            db.execute(f"ROLLBACK TO {name}")
            db.execute(f"RELEASE {name}")
            raise
        finally:
            self._savepoints -= 1
        db.execute(f"RELEASE {name}")

    def close(self) -> None:
        """Close; a session that met no damage records the file as cleanly closed (``integrity``).

        Under the lock: a transaction another thread has open ends first. Quitting the terminal
        UI while a worker read the database (a practice run starting, the statistics loading)
        closed the connection under its query: a "closed database" error in the worker, or a
        segmentation fault when the close freed a statement it was stepping through."""
        with self._lock:
            self._tx.close_sql()
            self._db.close()
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
    daily automatic backup when one is due (a session that may write), before
    any upgrade. An upgrade, whatever the command, is preceded by a backup of the database as it
    was (``FLASHDL_BACKUPS=0`` excepted). A database already at the current schema is opened with
    sqlite3 alone, and without waiting for another writer (the schema version
    is read first; WAL readers never block); creating or upgrading one goes
    through SQLAlchemy (``migrations``) under the write lock.
    """
    path = Path(path).expanduser()
    _check_file(path, create_folder=create_folder)
    if create_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    synchronous = synchronous_mode()  # a wrong FLASHDL_SYNCHRONOUS is refused before any connection
    current = _is_current(path, synchronous)
    if not current and path.is_file():
        _backup_before_upgrade(path, synchronous)
    if not current:
        _migrate(path)
    try:
        db = connect(path, synchronous=synchronous)
    except sqlite3.DatabaseError as error:
        raise _open_error(path, error) from None
    try:
        integrity.check_before_use(db, path)
        if backup and current:
            from flashdl.store.backup import backup_if_due

            backup_if_due(db, path)
        if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            db.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as error:
        db.close()
        raise _open_error(path, error) from None
    except BaseException:
        db.close()
        raise
    return Store(db, path)


def _backup_before_upgrade(path: Path, synchronous: str) -> None:
    """A backup of a database about to be upgraded, taken from it as it was, due or not; none of
    one from a newer flashdl, which is refused untouched (a backup of it would restore nothing).

    It was the daily backup, made only for a command that writes: an upgrade by `flashdl decks`
    or `due` left no copy the older flashdl could open, and one on the day's second session kept
    only the day's first backup, without that day's reviews."""
    from flashdl.store.backup import backup_if_due
    from flashdl.store.schema_version import SCHEMA_VERSION

    try:
        db = connect(path, create=False, synchronous=synchronous)
    except sqlite3.Error:
        return  # not a database SQLite opens: _migrate says what is wrong with it
    try:
        if 0 < int(db.execute("PRAGMA user_version").fetchone()[0]) < SCHEMA_VERSION:
            backup_if_due(db, path, always=True)
    except sqlite3.DatabaseError:
        pass  # the migration below reports the file's problem
    finally:
        db.close()


def _open_error(path: Path, error: Exception) -> StoreError:
    """The user's message for an SQLite error met while opening: damage, busy, read-only, or not usable."""
    translated = database_error(error, str(path))
    if translated is not None and type(translated) is not StoreError:
        if isinstance(translated, DatabaseDamagedError):
            integrity.forget_clean_close(path)
        return translated
    original = getattr(error, "orig", error)
    return NotADatabaseError(f"{path}: not a usable SQLite database ({original})")


def _is_current(path: Path, synchronous: str) -> bool:
    """Whether ``path`` holds a database at ``SCHEMA_VERSION`` (a plain read, no SQLAlchemy)."""
    from flashdl.store.schema_version import SCHEMA_VERSION

    if not path.is_file():
        return False
    try:
        db = connect(path, create=False, synchronous=synchronous)
    except sqlite3.Error:
        return False
    try:
        return bool(db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION)
    except sqlite3.DatabaseError:
        return False  # the SQLAlchemy path below says what is wrong with it
    finally:
        db.close()


def upgrade_file(path: Path) -> None:
    """Bring the database file at ``path`` to this flashdl's schema, with no backup of it
    (``db restore`` upgrades a copy of an older backup before it goes in)."""
    _migrate(path)


def _migrate(path: Path) -> None:
    """Create or upgrade the schema through SQLAlchemy (``migrations.migrate``), or refuse the file."""
    from sqlalchemy.exc import DatabaseError as SQLAlchemyDatabaseError

    from flashdl.store.migrations import migrate

    engine = create_store_engine(path)
    try:
        try:
            connection = engine.connect()
        except SQLAlchemyDatabaseError as error:
            raise _open_error(path, error) from None
        try:
            migrate(connection, str(path))
        except SQLAlchemyDatabaseError as error:
            raise _open_error(path, error) from None
        finally:
            connection.close()
    finally:
        engine.dispose()


def create_store_engine(path: Path) -> Engine:
    """An engine whose every connection comes from ``connection.connect`` (flashdl's pragmas);
    for creating and upgrading the schema."""
    from sqlalchemy import Connection, create_engine, event
    from sqlalchemy.engine import URL
    from sqlalchemy.pool import NullPool

    synchronous = synchronous_mode()
    engine = create_engine(
        URL.create("sqlite", database=str(path)),
        poolclass=NullPool,
        creator=lambda: connect(path, synchronous=synchronous),
    )

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine

def _check_file(path: Path, *, create_folder: bool) -> None:
    """Refuse what SQLite must not open: a folder, a device/FIFO/socket, a non-SQLite file."""
    if path.is_dir():
        raise NotADatabaseError(f"{path}: is a directory, not a database file")
    refuse_special_side_files(path)
    if not path.exists():
        if not create_folder and not path.parent.is_dir():
            raise StoreError(f"{path}: folder {path.parent} does not exist (create it first)")
        return
    if not path.is_file():
        raise NotADatabaseError(f"{path}: not a regular file (a device, FIFO or socket); left untouched")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise StoreError(f"{path}: cannot read ({error.strerror})") from None
    if head and head != SQLITE_MAGIC:
        raise NotADatabaseError(f"{path}: not an SQLite database (the file was left untouched)")
