"""The deck model: plain, immutable data shared by parsers, store and UI.

A card's identity is ``DECK/CARD`` with explicit, stable ids, so that fixing a
typo in a card never resets its review history (a lesson from hashcards,
whose content-hash ids did exactly that).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

DECK_FORMAT = "flashdl-deck/1"
TAG_INCOMPLETE = "incomplete"
TAG_MISSING_FIGURE = "missing-figure"

# How a card's text is shown (the deck file's optional ``markup:``, per deck or per card).
MARKUP_MARKDOWN = "markdown"  # the default: Markdown with $...$ LaTeX
MARKUP_PLAIN = "plain"  # character for character with its line breaks; only $...$ LaTeX rendered
MARKUPS = (MARKUP_MARKDOWN, MARKUP_PLAIN)


def with_deck_tags(card_tags: tuple[str, ...], deck_tags: tuple[str, ...]) -> tuple[str, ...]:
    """A card's tags as they apply: its own, then its deck's (DESIGN §2: a deck's ``tags`` apply
    to every card), each once. Searches, practice filters and the card's views read these; the
    deck file and its editors keep the card's own."""
    if not deck_tags:
        return card_tags
    return card_tags + tuple(tag for tag in deck_tags if tag not in card_tags)


TAG_SEPARATOR = "::"  # Anki's tag hierarchy: `dl::cnn` is a child of `dl`


def has_tags(card_tags: Iterable[str], wanted: Iterable[str]) -> bool:
    """Whether a card's tags meet every ``tag:NAME`` of a search, as Anki's do: case-insensitive,
    ``NAME`` also finds its children (``tag:dl`` finds ``dl::cnn``), ``*`` stands for any run of
    characters (``tag:conv*``)."""
    have = tuple(card_tags)
    return all(any(_tag_pattern(tag).fullmatch(own) for own in have) for tag in wanted)


@lru_cache(maxsize=256)
def _tag_pattern(tag: str) -> re.Pattern[str]:
    body = ".*".join(re.escape(part) for part in tag.split("*"))
    return re.compile(f"{body}(?:{re.escape(TAG_SEPARATOR)}.*)?", re.IGNORECASE | re.DOTALL)


def tag_search_words(tags: Iterable[str]) -> tuple[str, ...]:
    """The ``tag:`` names that can also narrow a search's text match, which the store does in
    SQL before ``has_tags`` decides: SQLite's LIKE folds only ASCII case, so a non-ASCII name
    (``tag:ÖKONOMIE`` for ``ökonomie``) would drop the very cards it names."""
    return tuple(tag for tag in tags if tag.isascii())


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """Makes a card computed: the engine family and the params of its own example."""

    family: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    vary: bool = False


# What every front end and export puts before an erratum's note (the TUI, line mode, Anki).
CORRECTION_MARK = "✎ Corrected: "


@dataclass(frozen=True, slots=True)
class Erratum:
    """A correction made by hand, kept visible to the student.

    ``original`` is the full source text of ``field`` before the correction;
    with no ``original`` the entry is a note only (the text was left as the
    source had it, e.g. a typo pointed out but not changed).
    """

    note: str
    field: str | None = None
    original: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    front: str
    back: str
    tags: tuple[str, ...] = ()
    engine: EngineSpec | None = None
    errata: tuple[Erratum, ...] = ()
    line: int | None = field(default=None, compare=False)
    markup: str | None = None  # None: the deck's

    def source_text(self, side: str) -> str:
        """The text of ``side`` as the source document had it, before errata."""
        for erratum in self.errata:
            if erratum.field == side and erratum.original is not None:
                return erratum.original
        return self.front if side == "front" else self.back


@dataclass(frozen=True, slots=True)
class Deck:
    id: str
    name: str
    cards: tuple[Card, ...] = ()
    source: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    markup: str = MARKUP_MARKDOWN

    def markup_of(self, card: Card) -> str:
        """How ``card``'s text is shown: its own ``markup`` or else the deck's."""
        return card.markup or self.markup

    def card(self, card_id: str) -> Card:
        for card in self.cards:
            if card.id == card_id:
                return card
        raise KeyError(card_id)

    def full_id(self, card: Card) -> str:
        return f"{self.id}/{card.id}"
