"""Text-level checks and helpers shared by the source parsers.

Parsers take ``str`` (the caller did the I/O), but that string may still be
a binary file decoded leniently, or nothing at all: those are refused here,
once, with one clear error, before any layout is guessed.
"""

from __future__ import annotations

import re
import unicodedata

from flashdl.errors import InputError, SourcePosition

SNIFF_CHARS = 8192
MAX_CONTROL_SHARE = 0.05  # real notes have none; decoded binaries have plenty
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
EXCERPT_CHARS = 60


def source_lines(text: str, filename: str) -> list[str]:
    """The lines of ``text`` without line ends or trailing blanks; refuses non-text.

    Trailing blanks go because they are invisible and would force YAML deck
    files out of their readable literal-block style.
    """
    sample = text[:SNIFF_CHARS]
    if "\x00" in sample or len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise InputError("binary data, not text", SourcePosition(filename))
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("empty file (no text to import)", SourcePosition(filename))
    return [line.rstrip() for line in text.split("\n")]


def first_nonblank(lines: list[str], start: int = 0) -> int:
    """Index of the first non-blank line at or after ``start`` (``len(lines)`` if none)."""
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def slugify(text: str, fallback: str = "deck") -> str:
    """A lowercase ASCII slug usable as a deck id or tag (``Lecture 8`` -> ``lecture-8``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug or fallback


def excerpt(text: str) -> str:
    """A short, single-line quotation of ``text`` for messages."""
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


def strip_blank_edges(lines: list[str]) -> list[str]:
    """``lines`` without leading and trailing blank lines (inner blank lines are kept)."""
    start = first_nonblank(lines)
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]
