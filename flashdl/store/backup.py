"""Consistent copies of the database: automatic daily backups, ``db backup`` and ``db restore``.

As Anki does, a session that may write (``review``, ``import``, ``study``,
the TUI) first copies the database when the newest automatic backup is more
than a day old, and keeps the last ``FLASHDL_BACKUPS`` (default 7; 0 turns
them off) in ``<db>.backups/`` beside the database (for the default
database, in the user data dir); any command that upgrades the database's
schema first copies it as it was, whenever the last backup was. Copies go
through SQLite's backup API, so they are consistent even while another
flashdl writes, and are written to a temporary name and renamed, so a backup
is whole or absent.

``restore`` refuses a file that fails ``integrity_check`` or is not a
flashdl database, then copies it into the database in one transaction
(see ``restore``).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flashdl.store.db_files import database_file_role, refuse_special_side_files
from flashdl.store.errors import (
    BUSY_MESSAGE,
    NotADatabaseError,
    StoreBusyError,
    StoreError,
    database_error,
)
from flashdl.store.integrity import forget_clean_close, problems
from flashdl.store.temp_names import TEMP_TAIL, hidden_prefix

BACKUPS_ENV = "FLASHDL_BACKUPS"
DEFAULT_KEEP = 7
BACKUP_EVERY = timedelta(days=1)
_STAMP = "%Y-%m-%dT%H-%M-%SZ"
_PREFIX = "backup-"
RESTORE_WAIT_S = 10.0
ABANDONED_AFTER = timedelta(hours=1)


def backup_dir(path: Path) -> Path:
    return path.with_name(path.name + ".backups")


def _make_backup_dir(path: Path) -> Path:
    """``<db>.backups/``, made if missing. A file or a dangling link in its place (backups linked
    to a drive that is not mounted) was reported as a bare "File exists" on every review."""
    folder = backup_dir(path)
    try:
        folder.mkdir(exist_ok=True)
    except FileExistsError:
        raise StoreError(f"{folder}: not a folder (a file, or a link to a folder that is not there), "
                         f"so the database's backups cannot go there; move it away "
                         f"({BACKUPS_ENV}=0 turns the automatic backups off)") from None
    return folder


def keep_count() -> int:
    text = os.environ.get(BACKUPS_ENV, str(DEFAULT_KEEP)).strip()
    if not text.isdigit() or len(text) > 4:
        raise StoreError(f"{BACKUPS_ENV} must be a whole number of backups to keep, not {text!r}")
    return int(text)


def automatic_backups(path: Path) -> list[Path]:
    """The automatic backups of the database at ``path``, oldest first."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{_PREFIX}*.sqlite3") if _stamp_of(p) is not None)


def _stamp_of(backup: Path) -> datetime | None:
    try:
        return datetime.strptime(backup.stem.removeprefix(_PREFIX), _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def backup_if_due(db: sqlite3.Connection, path: Path, now: datetime | None = None, *,
                  always: bool = False) -> Path | None:
    """A new automatic backup when the newest is over a day old (or absent), or ``always`` (before
    an upgrade) unless the database is unchanged since the newest; prunes old ones.

    ``now`` is the real time (not ``--now``: backups follow the wall clock).
    """
    keep = keep_count()
    if keep == 0:
        return None
    now = now or datetime.now(UTC)
    existing = automatic_backups(path)
    newest = _stamp_of(existing[-1]) if existing else None
    if always and existing and not _changed_since(path, existing[-1]):
        return None  # an upgrade that failed (busy, say) and is retried: each retry pruned a backup
    if not always and newest is not None and now - newest < BACKUP_EVERY and newest <= now:
        return None
    folder = _make_backup_dir(path)
    target = folder / f"{_PREFIX}{now.strftime(_STAMP)}.sqlite3"
    copy_database(db, target)
    for old in automatic_backups(path)[:-keep] + _abandoned_copies(folder, now):
        old.unlink(missing_ok=True)
    return target


def _changed_since(path: Path, backup: Path) -> bool:
    """Whether the database (its file or its write-ahead log) was written since ``backup`` was."""
    made = backup.stat().st_mtime_ns
    for file in (path, Path(f"{path}-wal")):
        try:
            if file.stat().st_mtime_ns >= made:
                return True
        except FileNotFoundError:
            continue
    return False


def _abandoned_copies(folder: Path, now: datetime) -> list[Path]:
    """Temporary files of automatic backups that a flashdl killed while copying left (the whole
    database, and its journal): kept for good, one more at every interruption. One written to in
    the last hour may be another flashdl's copy under way, and is left."""
    cutoff = (now - ABANDONED_AFTER).timestamp()
    found = []
    for temp in folder.glob(f".{_PREFIX}*.sqlite3.*.tmp*"):
        try:
            info = temp.lstat()
        except OSError:
            continue
        if temp.name.endswith((".tmp", ".tmp-journal")) and stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
            found.append(temp)
    return found


def copy_database(db: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of ``db`` at ``target`` (a regular file or a new name), whole or absent."""
    refuse_special(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise StoreError(f"{target}: folder {folder} does not exist")
    # room for the "-journal" SQLite keeps beside the copy while it writes it
    prefix = hidden_prefix(target.name, TEMP_TAIL + len("-journal"))
    handle, temp_name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    os.close(handle)
    temp = Path(temp_name)
    try:
        copy = sqlite3.connect(temp_name)
        try:
            db.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
        with open(temp_name, "rb+") as out:
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def refuse_special(target: Path) -> None:
    """Refuse to replace anything but a regular file (a device, FIFO or socket)."""
    try:
        info = target.stat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreError(f"{target}: {error.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{target}: is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{target}: not a regular file (a device, FIFO or socket); left untouched")


def check_file(path: Path) -> list[str]:
    """``integrity_check`` of the SQLite file at ``path``, opened read-only: [] when sound."""
    refuse_special(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    refuse_special_side_files(path)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return [str(error)]
    try:
        return problems(db, full=True)
    finally:
        db.close()


def restore(source: Path, path: Path, schema_version: int) -> None:
    """Make the database at ``path`` a copy of ``source``, atomically; refuses a damaged source.

    The copy is written into the live database through SQLite's backup API:
    one write transaction, so it is atomic, and any flashdl that has the
    database open sees the restored content on its next read (a file
    renamed over it would leave them writing to the old, unlinked one). A
    database too damaged for SQLite to open is replaced by renaming instead.
    A backup made by an older flashdl goes in upgraded to this one's schema
    (``_upgraded``): a flashdl with the database open read columns the old
    schema lacks ("no such column") until it was closed.
    """
    source = source.expanduser()
    found = check_file(source)
    if found:
        raise NotADatabaseError(f"{source}: fails SQLite's integrity check ({found[0]}); "
                                "nothing was restored")
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = int(src.execute("PRAGMA user_version").fetchone()[0])
        if not 0 < version <= schema_version:
            raise NotADatabaseError(f"{source}: not a flashdl database this version can read "
                                    f"(schema {version}); nothing was restored")
        target = Path(os.path.realpath(path)) if path.is_symlink() else path
        refuse_special(target)
        refuse_special_side_files(target)
        with _upgraded(src, target, version) as copy:
            if not target.exists() or not _restore_in_place(copy, target):
                _restore_by_rename(copy, target)
    except sqlite3.Error as error:
        raise database_error(error, str(path)) or StoreError(str(error)) from None
    finally:
        src.close()
    forget_clean_close(target)


@contextmanager
def _upgraded(src: sqlite3.Connection, target: Path, version: int) -> Iterator[sqlite3.Connection]:
    """``src``, or for an older schema a temporary copy of it beside ``target`` upgraded to
    this flashdl's (the source file itself is never written); the copy is removed afterwards."""
    from flashdl.store.schema_version import SCHEMA_VERSION

    if version >= SCHEMA_VERSION:
        yield src
        return
    from flashdl.store.database import upgrade_file

    handle, temp_name = tempfile.mkstemp(prefix=hidden_prefix(target.name, TEMP_TAIL + len("-journal")),
                                         suffix=".tmp", dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        copy_database(src, temp)
        upgrade_file(temp)
        copy = sqlite3.connect(temp_name)
        try:
            yield copy
        finally:
            copy.close()
    finally:
        for suffix in ("", "-wal", "-shm", "-journal", "-clean"):
            Path(f"{temp_name}{suffix}").unlink(missing_ok=True)


def _restore_in_place(src: sqlite3.Connection, target: Path) -> bool:
    """Copy ``src`` over the live database at ``target``; False when SQLite cannot open it."""
    dst = sqlite3.connect(str(target), isolation_level=None, timeout=RESTORE_WAIT_S)
    try:
        try:
            dst.execute("BEGIN IMMEDIATE")  # waits for a writer, up to the timeout
            dst.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StoreBusyError(f"{BUSY_MESSAGE} (nothing was restored)") from None
            return False
        except sqlite3.DatabaseError:
            return False  # not a database any more: replaced by rename
        deadline = time.monotonic() + RESTORE_WAIT_S

        def give_up_when_late(_status: int, _remaining: int, _total: int) -> None:
            if time.monotonic() > deadline:
                raise StoreBusyError(f"{BUSY_MESSAGE} (nothing was restored)")

        try:
            src.backup(dst, progress=give_up_when_late)
        except sqlite3.DatabaseError:
            if problems(dst):  # too damaged to write into: replaced by rename
                return False
            raise
        return True
    finally:
        dst.close()


def _restore_by_rename(src: sqlite3.Connection, target: Path) -> None:
    """Replace a file SQLite cannot open with a copy, and drop the -wal/-shm files that were its."""
    copy_database(src, target)
    for suffix in ("-wal", "-shm", "-journal"):  # a stale WAL must never be applied to the copy
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def backup_now(path: Path, target: Path | None = None) -> Path:
    """``flashdl db backup [PATH]``: a consistent copy of the database at ``path``.

    Without ``target``, the copy joins the automatic ones in ``<db>.backups/``.
    Works on a damaged database too, as far as SQLite can read it.
    """
    if not path.is_file():
        raise StoreError(f"{path}: no such database file")
    refuse_special_side_files(path)
    if target is None:
        target = _make_backup_dir(path) / f"{_PREFIX}{datetime.now(UTC).strftime(_STAMP)}.sqlite3"
    target = target.expanduser()
    refuse_special(target)  # through any symlink: /dev/stdout is a pipe, not a file to make
    target = Path(os.path.realpath(target)) if target.is_symlink() else target
    role = database_file_role(target, path)
    if role is not None:
        raise StoreError(f"{target}: {role}; refusing to write over it")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            copy_database(db, target)
        finally:
            db.close()
    except sqlite3.Error as error:
        raise database_error(error, str(path)) or StoreError(str(error)) from None
    return target
