"""A throwaway copy of the database, for ``import --dry-run``.

The import runs for real, with every check and its own transaction, on a copy
in a private hidden folder beside the database, removed afterwards: so a dry
run reports exactly what the import would do, and leaves the user's data as it
was (no database change, no ``-wal``, no backup, no clean-close marker, no media).
The copy is read through a plain connection (``connect``, as ``open_reader``),
whose close leaves no ``-wal`` or ``-shm`` behind; a read-only connection
would (SQLite cannot remove them through it).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flashdl.store.backup import copy_database
from flashdl.store.connection import connect
from flashdl.store.database import _check_file
from flashdl.store.errors import StoreError, database_error


@contextmanager
def scratch_copy(path: Path, *, create_folder: bool) -> Iterator[Path]:
    """The path of a copy of the database at ``path`` (none there: of no database, so that
    ``open_store`` makes a new one), removed with its folder when the block ends.

    ``path`` is held to what ``open_store`` holds it to first (a folder, a device, another
    program's file, a missing folder named explicitly), so a dry run refuses what the import
    would, naming the real path."""
    path = Path(path).expanduser()
    _check_file(path, create_folder=create_folder)
    # beside the database (the user's data, on its file system: a system /tmp may be a small
    # RAM disk), hidden; the system's temporary folder only when that folder is still to be made
    beside = path.parent if path.parent.is_dir() else None
    with tempfile.TemporaryDirectory(prefix=".flashdl-dry-run-", dir=beside) as folder:
        copy = Path(folder) / (path.name or "flashdl.sqlite3")
        if path.is_file():
            try:
                db = connect(path, create=False)
                try:
                    copy_database(db, copy)
                finally:
                    db.close()
            except sqlite3.Error as error:
                raise database_error(error, str(path)) or StoreError(str(error)) from None
        yield copy
