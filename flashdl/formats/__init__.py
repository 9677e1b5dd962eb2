"""Source documents in, decks out: the flashcard-export text and lecture-notes layouts.

``parse_source`` is what ``flashdl import --format auto|brainscape|notes``
calls. It is pure (the caller reads the file) and either returns a whole
deck, with what it skipped and what looked odd, or raises one ``InputError``
naming the file, the line where useful, and the problem.

The package's names are read from ``flashdl.formats.source_formats`` on first use, so that
importing one of its modules (``anki_media``, to show a card) does not import the parsers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flashdl.formats.source_formats import (
        BRAINSCAPE,
        NOTES,
        SOURCE_FORMATS,
        ParseResult,
        SourceNote,
        detect_layout,
        parse_source,
    )

__all__ = [
    "BRAINSCAPE",
    "NOTES",
    "SOURCE_FORMATS",
    "ParseResult",
    "SourceNote",
    "detect_layout",
    "parse_source",
]


def __getattr__(name: str) -> Any:
    """The parsers' names, imported when first asked for; AttributeError for anything else,
    so that ``from flashdl.formats import anki_media`` still imports that submodule."""
    if name in __all__ or name == "AUTO":
        from flashdl.formats import source_formats

        return getattr(source_formats, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
