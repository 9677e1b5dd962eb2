"""File I/O of import and export: bounded reads, and atomic writes to the chosen path only.

An export writes a temporary file in the output's own folder and renames it
over the output once complete (``os.replace`` is atomic on one file system),
so a failed or interrupted export leaves the old file or nothing, never half
a file, and nothing is written anywhere else.

What may be replaced: a regular file (keeping its permission bits) or a new
name (created with the user's umask, as ``open`` would). A device, FIFO or
socket is refused, never replaced by a regular file (``/dev/null`` stays a
device even for root); a symlink is followed and its target replaced, so
the link stays a link.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

from flashdl.deck.files import decode_text, read_limited_bytes
from flashdl.errors import InputError, SourcePosition, UsageError
from flashdl.store.temp_names import TEMP_TAIL, hidden_prefix

MAX_TEXT_BYTES = 512 << 20  # a million-review history is ~60 MB


def output_target(path: Path) -> tuple[Path, int | None]:
    """Where writing ``path`` really goes (a symlink's target) and the mode to give it.

    The mode is the existing file's permission bits, or None for a new file.
    Raises ``UsageError`` for anything that is not a regular file or a new name.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info = path.stat()  # through any symlink: /dev/stdout is a pipe, not a file to make
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror}") from None
    else:
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{path}: is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{path}: not a regular file (a device, FIFO or socket); "
                             "refusing to replace it")
        mode = stat.S_IMODE(info.st_mode)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{path}: folder {folder} does not exist")
    return target, mode


def refuse_database_files(paths: Sequence[Path], database: Path) -> None:
    """Refuse to write over the database at ``database`` or a file SQLite keeps beside it."""
    from flashdl.store.db_files import database_file_role

    for path in paths:
        role = database_file_role(path, database)
        if role is not None:
            raise UsageError(f"{path}: {role}; refusing to write over it")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def atomic_output(path: Path, *, mode: str = "wb", database: Path | None = None) -> Iterator[IO[Any]]:
    """A file to write; it becomes ``path`` only if the block completes."""
    with atomic_outputs([path], mode=mode, database=database) as (out,):
        yield out


@contextmanager
def atomic_outputs(paths: Sequence[Path], *, mode: str = "wb",
                   database: Path | None = None) -> Iterator[tuple[IO[Any], ...]]:
    """Files to write that replace ``paths`` together: all of them, or none.

    Every output is written and synced to a temporary file first; then each
    is renamed into place, and if a rename fails the ones already done are
    put back as they were (the old file, or no file). With ``database``, a
    path that is one of that database's files is refused (``db_files``).
    """
    targets = [output_target(path) for path in paths]
    if database is not None:
        refuse_database_files(paths, database)
    binary = "b" in mode
    temps: list[Path] = []
    try:
        with ExitStack() as stack:
            handles = []
            for target, _keep in targets:
                handle, temp_name = tempfile.mkstemp(prefix=hidden_prefix(target.name, TEMP_TAIL), suffix=".tmp",
                                                     dir=target.parent)
                temps.append(Path(temp_name))
                handles.append(stack.enter_context(os.fdopen(
                    handle, mode, encoding=None if binary else "utf-8",
                    newline=None if binary else "")))
            yield tuple(handles)
            for out, (_target, keep) in zip(handles, targets):
                out.flush()
                os.fchmod(out.fileno(), keep if keep is not None else 0o666 & ~_umask())
                os.fsync(out.fileno())
        _replace_all(temps, [target for target, _keep in targets])
    except BaseException:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise


def _replace_all(temps: list[Path], targets: list[Path]) -> None:
    """Rename each temp over its target; on a failure, undo the renames already made."""
    links: list[Path] = []  # hard links to the old contents, while they may be needed
    done: list[tuple[Path, Path | None]] = []  # (target, link to its old content) replaced so far
    try:
        for temp, target in zip(temps, targets):
            old = None
            if len(targets) > 1 and target.exists():
                tail = f"{os.getpid()}.old"
                old = target.with_name(hidden_prefix(target.name, len(tail)) + tail)
                old.unlink(missing_ok=True)
                os.link(target, old)
                links.append(old)
            os.replace(temp, target)
            done.append((target, old))
    except BaseException:
        for target, old in reversed(done):
            if old is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(old, target)
        raise
    finally:
        for old in links:
            old.unlink(missing_ok=True)


def require_regular_file(path: Path) -> None:
    """Refuse to read a device, FIFO or socket (it could block, or never end)."""
    try:
        info = path.stat()
    except OSError:
        return  # the reader reports a missing or unreadable file in its own words
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{path}: not a regular file (a device, FIFO or socket)")


def read_bytes(path: Path, *, limit: int = MAX_TEXT_BYTES) -> bytes:
    return read_limited_bytes(path, limit=limit)


def read_text(path: Path, *, limit: int = MAX_TEXT_BYTES) -> str:
    """UTF-8 text (a BOM allowed, newlines normalised); other encodings are refused by name."""
    return decode_text(read_bytes(path, limit=limit), str(path))


def read_stream_text(stream: IO[bytes], name: str, *, limit: int | None = None) -> str:
    """A stream's text (stdin) read as a file's is: at most ``limit`` bytes (``MAX_TEXT_BYTES``),
    so ``< /dev/zero`` or an endless pipe is refused at the limit instead of filling the memory."""
    limit = MAX_TEXT_BYTES if limit is None else limit
    try:
        data = stream.read(limit + 1)
    except OSError as error:
        raise InputError(f"cannot read ({error.strerror or error})", SourcePosition(name)) from None
    if len(data) > limit:
        raise InputError(f"more than the limit of {limit / 1e6:.0f} MB", SourcePosition(name))
    return decode_text(data, name)
