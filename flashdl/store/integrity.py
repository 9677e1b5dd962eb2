"""Noticing a damaged database before writing into it.

A full ``PRAGMA quick_check`` reads every page: too slow for every command
on a large collection, and needless when the file is exactly as flashdl
left it. So a store that closes cleanly records the file's signature
(inode, size, modification time) in ``<db>-clean`` beside it (as SQLite
keeps ``<db>-wal`` there); ``open_store`` runs ``quick_check`` only when the
signature differs (another program touched the file, a crash, a copy) and
refuses to go on when it fails. Any "malformed"/"not a database" error from
SQLite during a session removes the record, so the next open checks again.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from flashdl.store.errors import DatabaseDamagedError, recovery_advice

CLEAN_SUFFIX = "-clean"
MAX_PROBLEMS = 20


def clean_marker(path: Path) -> Path:
    return path.with_name(path.name + CLEAN_SUFFIX)


def _signature(path: Path) -> str | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


def changed_since_clean_close(path: Path) -> bool:
    """Whether ``path`` may have changed since a flashdl last closed it cleanly."""
    current = _signature(path)
    if current is None:
        return False  # no file yet: nothing to check
    try:
        return clean_marker(path).read_text(encoding="ascii").strip() != current
    except (OSError, UnicodeError):
        return True


def record_clean_close(path: Path) -> None:
    """Remember the file as this clean close left it (best effort: a failure only costs a check)."""
    signature = _signature(path)
    if signature is None:
        return
    with contextlib.suppress(OSError):
        clean_marker(path).write_text(signature + "\n", encoding="ascii")


def forget_clean_close(path: Path) -> None:
    with contextlib.suppress(OSError):
        clean_marker(path).unlink(missing_ok=True)


def problems(db: sqlite3.Connection, *, full: bool = False) -> list[str]:
    """SQLite's own check: [] when the file is sound, else its first complaints.

    ``full`` runs ``integrity_check`` (also indexes against tables, as
    ``flashdl db check`` and a restore do), otherwise the faster ``quick_check``.
    """
    pragma = "integrity_check" if full else "quick_check"
    try:
        rows = db.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})").fetchall()
    except sqlite3.DatabaseError as error:
        return [" ".join(str(error).split())]
    found = [line for row in rows for line in str(row[0]).splitlines() if line.strip()]
    return [] if found == ["ok"] else found


def check_before_use(db: sqlite3.Connection, path: Path) -> None:
    """``quick_check`` when the file changed since flashdl last closed it cleanly; refuse damage.

    Called by ``open_store`` before anything is read, backed up or written.
    """
    if not changed_since_clean_close(path):
        return
    found = problems(db)
    if found:
        forget_clean_close(path)
        raise DatabaseDamagedError(
            f"{path}: the database is damaged ({found[0]}); nothing was written to it: "
            + recovery_advice(str(path)))
