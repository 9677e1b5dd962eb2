"""``parse_source``: a source document (flashcard-export text or lecture-notes outline) to a deck.

Re-exported by the ``flashdl.formats`` package on first use (see its docstring).
"""

from __future__ import annotations

from collections.abc import Callable

from flashdl.errors import InputError, SourcePosition
from flashdl.formats.flashcard_text import looks_like_flashcard_text, parse_flashcard_text
from flashdl.formats.notes_outline import looks_like_notes_outline, parse_notes_outline
from flashdl.formats.result import ParseResult, SourceNote
from flashdl.formats.source_text import first_nonblank, source_lines

AUTO = "auto"
BRAINSCAPE = "brainscape"  # the flashcard-export text layout
NOTES = "notes"
SOURCE_FORMATS = (AUTO, BRAINSCAPE, NOTES)

_PARSERS: dict[str, Callable[[str, str, str | None], ParseResult]] = {
    BRAINSCAPE: parse_flashcard_text,
    NOTES: parse_notes_outline,
}


def detect_layout(text: str, filename: str) -> str:
    """``brainscape`` or ``notes``; ``InputError`` for anything else.

    Only the first lines are looked at, so a huge file in neither layout is
    refused at once rather than parsed.
    """
    lines = source_lines(text, filename)
    if looks_like_flashcard_text(lines):
        return BRAINSCAPE
    if looks_like_notes_outline(lines):
        return NOTES
    first = first_nonblank(lines, first_nonblank(lines) + 1)
    line = first + 1 if first < len(lines) else first_nonblank(lines) + 1
    raise InputError(
        "unknown layout: neither a flashcard export (a title, then numbered cards with "
        "'Q' and 'A' lines) nor a lecture-notes outline (headings and '•' bullets)",
        SourcePosition(filename, line),
    )


def parse_source(
    text: str, filename: str, fmt: str = AUTO, deck_id: str | None = None
) -> ParseResult:
    """Parse a source document into a deck (``fmt``: auto, brainscape or notes)."""
    if fmt not in SOURCE_FORMATS:
        raise InputError(
            f"unknown source format {fmt!r} (expected one of: {', '.join(SOURCE_FORMATS)})",
            SourcePosition(filename),
        )
    layout = detect_layout(text, filename) if fmt == AUTO else fmt
    return _PARSERS[layout](text, filename, deck_id)


__all__ = [
    "BRAINSCAPE",
    "NOTES",
    "SOURCE_FORMATS",
    "ParseResult",
    "SourceNote",
    "detect_layout",
    "parse_source",
]
