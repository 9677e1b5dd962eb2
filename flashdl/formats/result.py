"""What a source parser hands back: the deck, plus everything it chose not to import.

Skipped items and warnings are returned, never printed, so the caller (the
``import`` command, the regeneration tool, a test) decides how to show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flashdl.deck.model import Deck


@dataclass(frozen=True)
class SourceNote:
    """Something about one place in the source a person may want to check."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParseResult:
    deck: Deck
    skipped: tuple[SourceNote, ...] = ()
    warnings: tuple[SourceNote, ...] = ()
