"""File I/O of import and export: bounded reads, and atomic writes to the chosen path only.

An export writes a temporary file in the output's own folder and renames it
over the output once complete (``os.replace`` is atomic on one file system),
so a failed or interrupted export leaves the old file or nothing, never half
a file, and nothing is written anywhere else.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from flashdl.deck.files import decode_text, read_limited_bytes
from flashdl.errors import UsageError

MAX_TEXT_BYTES = 512 << 20  # a million-review history is ~60 MB


@contextmanager
def atomic_output(path: Path, *, mode: str = "wb") -> Iterator[IO[Any]]:
    """A file to write; it becomes ``path`` only if the block completes."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"{path}: folder {folder} does not exist")
    if path.is_dir():
        raise UsageError(f"{path}: is a directory")
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    temp = Path(temp_name)
    try:
        binary = "b" in mode
        with os.fdopen(handle, mode, encoding=None if binary else "utf-8",
                       newline=None if binary else "") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def read_bytes(path: Path, *, limit: int = MAX_TEXT_BYTES) -> bytes:
    return read_limited_bytes(path, limit=limit)


def read_text(path: Path, *, limit: int = MAX_TEXT_BYTES) -> str:
    """UTF-8 text (a BOM allowed, newlines normalised); other encodings are refused by name."""
    return decode_text(read_bytes(path, limit=limit), str(path))

