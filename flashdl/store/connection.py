"""The one way to open the database file, and the transaction object every store function takes.

``connect(path)`` is the only place a DB-API connection is made, with one
set of pragmas (below). ``database.open_store`` holds one for the store's
lifetime and ``open_reader`` one for a plain read. Nothing here imports
SQLAlchemy: a one-shot command on a database already at the current schema
(``flashdl decks``, ``due``, ``show``, ``stats``, ``review``) never pays its
~0.4 s import (issue 17; ``benchmarks/bench_cli_startup.py``).

``Transaction`` is what ``Store.read()``/``write()`` and ``Reader.read()``
yield. Services hold it and pass it on; they never look inside. Each store
function chooses how to run its statement: a fixed raw statement through
``tx.db`` (the DB-API connection: every read and the review hot path), or
SQLAlchemy Core through ``tx.sql``, a SQLAlchemy connection over the same
DB-API connection, built (and SQLAlchemy imported) on first use. The
transaction is the store's own BEGIN ... COMMIT on ``tx.db``; ``tx.sql``
only runs statements inside it and never commits or rolls back. A second
database engine means a second ``connect`` and the statements behind these
functions, not new services.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Self

from flashdl.store.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy import Connection

BUSY_TIMEOUT_MS = 30_000
SYNCHRONOUS_ENV = "FLASHDL_SYNCHRONOUS"
# A checkpoint (copying the WAL into the database, with two fsyncs) runs in
# the commit that crosses this many WAL pages. SQLite's default, 1,000, puts
# one in every ~200 reviews and shows in the p99 of answering a card; 10,000
# pages (40 MB) makes it one in ~2,000.
WAL_CHECKPOINT_PAGES = 10_000
WAL_SIZE_LIMIT = 64 * 1024 * 1024  # bytes the WAL file is truncated to after a checkpoint
CACHE_KIB = -16_000  # 16 MB page cache per store connection (SQLite's default is 2 MB)
# A one-shot plain read (``flashdl stats``) keeps SQLite's default: filling a 16 MB cache in a
# fresh process costs page faults it never wins back (stats --json: 0.172 s CPU -> 0.188 s).
READER_CACHE_KIB = -2_000


def synchronous_mode() -> str:
    """``NORMAL`` (the default) or ``FULL``, from ``FLASHDL_SYNCHRONOUS``; see ``database``."""
    mode = os.environ.get(SYNCHRONOUS_ENV, "NORMAL").upper()
    if mode not in ("NORMAL", "FULL"):
        raise StoreError(f"{SYNCHRONOUS_ENV} must be NORMAL or FULL, not {mode!r}")
    return mode


def connect(path: Path, *, create: bool = True, synchronous: str | None = None,
            cache_kib: int = CACHE_KIB) -> sqlite3.Connection:
    """A DB-API connection to ``path`` with flashdl's pragmas (sqlite-utils' advice).

    Autocommit mode: the caller issues BEGIN itself. ``create=False`` opens an
    existing file only (``sqlite3.OperationalError`` otherwise). Callable
    from any thread (the store serializes its own use with a lock).
    ``synchronous`` and ``cache_kib`` are tuning a plain reader sets: it writes
    nothing and lives for one command.
    """
    mode = synchronous or synchronous_mode()
    if create:
        db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    else:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, isolation_level=None,
                             check_same_thread=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA synchronous = {mode}")
        db.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        db.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        db.execute(f"PRAGMA cache_size = {cache_kib}")
    except BaseException:
        db.close()
        raise
    return db


class Transaction:
    """An open transaction: the argument of every store function (see the module docstring)."""

    __slots__ = ("_sql", "db")

    def __init__(self, db: sqlite3.Connection, sql: Connection | None = None) -> None:
        self.db = db
        self._sql = sql

    @property
    def sql(self) -> Connection:
        """A SQLAlchemy connection running inside this transaction (SQLAlchemy imported on first use)."""
        if self._sql is None:
            from flashdl.store.sql_bridge import sqlalchemy_connection

            self._sql = sqlalchemy_connection(self.db)
        return self._sql

    def close_sql(self) -> None:
        """Release the SQLAlchemy connection, if one was made (the DB-API connection stays open)."""
        if self._sql is not None:
            self._sql.close()
            self._sql = None


class Reader:
    """A database at a known schema, read through the DB-API connection alone (no SQLAlchemy)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._tx = Transaction(db)

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """One read transaction: every query inside sees the same snapshot."""
        db = self._tx.db
        db.execute("BEGIN")
        try:
            yield self._tx
        finally:
            db.execute("ROLLBACK")  # nothing was written

    def close(self) -> None:
        self._tx.close_sql()
        self._tx.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_reader(path: Path | str, schema_version: int) -> Reader | None:
    """A ``Reader`` of the flashdl database at ``path``, or None.

    None when the file is missing, is not an SQLite database, or is not at
    ``schema_version``: then it needs ``open_store``, which creates, upgrades
    or refuses it with the right message. Nothing is written through it.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        return None
    try:
        db = connect(path, create=False, synchronous="NORMAL", cache_kib=READER_CACHE_KIB)
    except sqlite3.Error:
        return None
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] == schema_version:
            return Reader(db)
    except sqlite3.DatabaseError:
        pass
    db.close()
    return None
