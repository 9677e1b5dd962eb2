"""Errors about the database file itself (all exit code 2 through the CLI).

``database_error(exc)`` is the one translation of an SQLite error (raw
``sqlite3``, or wrapped by SQLAlchemy) into a ``StoreError`` with a message a
user can act on; the CLI calls it for any exception it does not know, so no
code outside ``flashdl.store`` needs to know what sqlite3 raises.
"""

from __future__ import annotations

import sqlite3
import sys

from flashdl.errors import FlashdlError

BUSY_MESSAGE = "busy: another flashdl is writing; try again"


class StoreError(FlashdlError):
    """The database cannot be used as it is."""


class NotADatabaseError(StoreError):
    """The file exists but is not a flashdl SQLite database; it was left untouched."""


class NewerSchemaError(StoreError):
    """The database was written by a newer flashdl; it was left untouched."""


class StoreBusyError(StoreError):
    """Another process held the write lock longer than the busy timeout."""


class DatabaseDamagedError(StoreError):
    """SQLite found the file damaged: nothing is written to it until it is restored."""


class DatabaseWriteError(StoreError):
    """SQLite could not write (read-only file, full disk, I/O error); nothing was committed."""


_DAMAGED = ("malformed", "not a database", "disk image", "corrupt")


def recovery_advice(where: str) -> str:
    return (f"run `flashdl --db {where} db check` for details, then `flashdl db restore` "
            f"the newest file in {where}.backups/ (or `flashdl db backup COPY` first to keep "
            f"what can still be read)")


def is_damage(error: BaseException) -> bool:
    text = str(_original(error)).lower()
    return any(word in text for word in _DAMAGED)


def _original(error: BaseException) -> BaseException:
    """The DB-API exception under SQLAlchemy's wrapper (``.orig``), or ``error`` itself."""
    orig = getattr(error, "orig", None)
    return orig if isinstance(orig, BaseException) else error


def _is_database_exception(error: BaseException) -> bool:
    if isinstance(error, sqlite3.Error):
        return True
    exc = sys.modules.get("sqlalchemy.exc")  # imported only if SQLAlchemy already is
    return exc is not None and isinstance(error, exc.SQLAlchemyError)


def database_error(error: BaseException, where: str | None = None) -> StoreError | None:
    """``error`` as a one-line ``StoreError``, or None when it is not a database error."""
    if isinstance(error, StoreError):
        return error
    if not _is_database_exception(error):
        return None
    original = _original(error)
    text = str(original).splitlines()[0] if str(original) else type(original).__name__
    lowered = text.lower()
    prefix = f"{where}: " if where else ""
    if "locked" in lowered or "busy" in lowered:
        return StoreBusyError(BUSY_MESSAGE)
    if is_damage(original):
        return DatabaseDamagedError(
            f"{prefix}the database is damaged ({text}); nothing more was written to it: "
            + recovery_advice(where or "PATH"))
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseWriteError(f"{prefix}cannot write: the database file is read-only")
    if "full" in lowered:
        return DatabaseWriteError(f"{prefix}cannot write: the disk is full ({text}); "
                                  "the last change was rolled back")
    return StoreError(f"{prefix}database error: {text}")
