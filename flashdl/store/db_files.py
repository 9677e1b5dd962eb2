"""The files a database is made of, which nothing but the store may write.

SQLite keeps ``<db>-wal``, ``<db>-shm`` and (outside WAL mode) ``<db>-journal``
beside the database, and flashdl its clean-close record ``<db>-clean``
(``integrity``). An export or a backup named onto any of them would destroy
the collection or, for the WAL, committed reviews not yet checkpointed; so
``flashdl export`` and ``flashdl db backup`` ask ``database_file_role`` first.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from flashdl.store.errors import StoreError
from flashdl.store.integrity import CLEAN_SUFFIX

DATABASE_FILES = {
    "": "is the database itself",
    "-wal": "is the database's write-ahead log",
    "-shm": "is the database's shared-memory index",
    "-journal": "is the database's rollback journal",
    CLEAN_SUFFIX: "is the database's clean-close record",
}


def database_file_role(target: Path, db: Path) -> str | None:
    """What ``target`` is of the database at ``db`` (a phrase of ``DATABASE_FILES``), or None.

    Compared by real path (symlinks and ``..`` resolved, on both sides: SQLite names the WAL
    after the file it opened) and, for files that exist, by identity (a hard link).
    """
    real = os.path.realpath(target)
    bases = {os.path.abspath(db.expanduser()), os.path.realpath(db.expanduser())}
    for suffix, role in DATABASE_FILES.items():
        for base in bases:
            name = base + suffix
            if real == os.path.realpath(name) or _same_file(target, name):
                return role
    return None


def _same_file(a: Path, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # either is missing or unreadable: not the same existing file
        return False


def refuse_special_side_files(db: Path) -> None:
    """Raise ``StoreError`` when a file kept beside ``db`` exists but is not a regular file.

    SQLite opens ``-journal`` to look for a crash's leftovers before every read: a FIFO there
    blocked it for ever (in C, where Ctrl-C and SIGTERM wait for it to return); a folder made it
    report the database as damaged; a FIFO as ``-wal`` was replaced by a regular file. A stray
    ``-clean`` FIFO blocked flashdl's own read. Asked before SQLite opens the database.
    """
    bases = dict.fromkeys((os.path.abspath(db.expanduser()), os.path.realpath(db.expanduser())))
    for suffix, role in DATABASE_FILES.items():
        for base in bases if suffix else ():
            name = base + suffix
            try:
                mode = os.stat(name).st_mode
            except OSError:  # missing (the usual case), or unreachable: SQLite reports it
                continue
            if not stat.S_ISREG(mode):
                what = role.removeprefix("is the database's ")
                raise StoreError(f"{name}: not a regular file (a folder, device, FIFO or socket) where "
                                 f"the database's {what} belongs; the database was left untouched "
                                 "(move it away)")
