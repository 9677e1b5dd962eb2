"""Reading deck files from disk: the one place in ``flashdl.deck`` that does I/O."""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from flashdl.deck.model import Deck
from flashdl.deck.yaml_deck import parse_deck
from flashdl.deck.yaml_syntax import Progress
from flashdl.errors import InputError, SourcePosition

MAX_TEXT_BYTES = 64 * 1024 * 1024  # four times a 100,000-card deck
DECK_SUFFIXES = (".yaml", ".yml")


def read_limited_bytes(path: Path, *, limit: int) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes.

    The limit counts bytes read, not the size the file claims; a device or
    FIFO is refused before reading (opened non-blocking, so a FIFO with no
    writer cannot hang the open).
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise InputError("no such file", SourcePosition(name)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", SourcePosition(name)) from None
    except PermissionError:
        raise InputError("permission denied", SourcePosition(name)) from None
    except OSError as error:
        raise InputError(f"cannot open ({error.strerror})", SourcePosition(name)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # before fdopen, which fails on a folder naming only the fd
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a file", SourcePosition(name))
        raise InputError("not a regular file (a device, FIFO or socket)", SourcePosition(name))
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise InputError(f"file is {info.st_size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB",
                             SourcePosition(name))
        os.set_blocking(fd, True)
        try:
            data = handle.read(limit + 1)
        except OSError as error:
            raise InputError(f"cannot read ({error.strerror})", SourcePosition(name)) from None
    if len(data) > limit:
        size = max(info.st_size, len(data))
        raise InputError(
            f"file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB", SourcePosition(name)
        )
    return data


def read_text_file(path: Path, *, limit: int = MAX_TEXT_BYTES) -> str:
    """UTF-8 text of ``path``, refusing binaries and files too large to be a deck."""
    return decode_text(read_limited_bytes(path, limit=limit), str(path))


_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def decode_text(data: bytes, name: str) -> str:
    # Named by its byte-order mark: Excel's "Unicode Text" and Windows PowerShell's `>` write
    # UTF-16, which was refused as a "binary file" (its ASCII has zero bytes between letters).
    wide = next((encoding for bom, encoding in _WIDE_BOMS if data.startswith(bom)), None)
    if wide is not None:
        raise InputError(f"{wide} text; flashdl reads UTF-8 (save the file as UTF-8)",
                         SourcePosition(name))
    if b"\x00" in data[:8192]:
        raise InputError("binary file, not text", SourcePosition(name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            SourcePosition(name, line),
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class TextLayout:
    """How a text file is written on disk, beyond its text: what ``decode_text`` takes away.

    An editor that rewrites one card of a deck file gives it back in this layout, so a
    CRLF file (written on Windows) or one that starts with a BOM is not changed on every
    line by an edit of one card.
    """

    newline: str = "\n"
    bom: bool = False

    def encode(self, text: str) -> bytes:
        """``text`` (with ``\n`` line breaks, as read) as this layout's bytes."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")


def text_layout(data: bytes) -> TextLayout:
    """The layout of a file's bytes: CRLF (or CR) when every line break is one, and its BOM."""
    bom = data.startswith(b"\xef\xbb\xbf")
    lf, crlf, cr = data.count(b"\n"), data.count(b"\r\n"), data.count(b"\r")
    if crlf and crlf == lf == cr:
        return TextLayout("\r\n", bom)
    if cr and not lf:
        return TextLayout("\r", bom)
    return TextLayout("\n", bom)  # LF, or mixed: LF, as ``decode_text`` gives it


def read_text_and_layout(path: Path, *, limit: int = MAX_TEXT_BYTES) -> tuple[str, TextLayout]:
    """``read_text_file``'s text and the layout to write it back in."""
    data = read_limited_bytes(path, limit=limit)
    return decode_text(data, str(path)), text_layout(data)


def load_deck_file(path: Path, *, known_families: Collection[str] | None = None,
                   progress: Progress | None = None) -> Deck:
    """The deck in ``path``; ``progress`` as ``parse_deck`` calls it (for a progress line)."""
    return parse_deck(read_text_file(path), str(path), known_families=known_families,
                      progress=progress)


def deck_paths(paths: Iterable[Path]) -> list[Path]:
    """Deck files named by ``paths``: files as given, directories searched (sorted).

    A file named twice (``import decks/ decks/quiz.yaml``, overlapping globs) is listed once:
    it was read twice and refused as "deck id 'quiz' is also the id of" that same file.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.iterdir() if p.suffix in DECK_SUFFIXES and p.is_file())
            )
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def bundled_decks_dir() -> Path:
    """The decks shipped with flashdl (``cards/`` in a checkout, package data when installed)."""
    return Path(__file__).resolve().parent.parent / "bundled_decks"
