"""Flashcard-export text (the layout the CLI calls ``brainscape``) -> a deck.

The first line is the deck's title; the cards follow (see
``flashcard_segments`` for how they are told apart). Every card of the source
becomes exactly one card with its text intact, bullets turned into Markdown
lists. A card with one empty side is kept and tagged ``incomplete``; one with
both sides empty is skipped and reported. Pure: text in, data out.
"""

from __future__ import annotations

from pathlib import PurePath

from flashdl.deck.model import (
    MARKUP_PLAIN,
    TAG_INCOMPLETE,
    TAG_MISSING_FIGURE,
    Card,
    Deck,
)
from flashdl.errors import InputError, SourcePosition
from flashdl.formats.figures import refers_to_figure
from flashdl.formats.flashcard_segments import (
    ANSWER_MARKER,
    QUESTION_MARKER,
    RATING_FOOTER,
    CardScanner,
    Segment,
)
from flashdl.formats.markdown_lines import markdown_block
from flashdl.formats.result import ParseResult, SourceNote
from flashdl.formats.source_text import (
    excerpt,
    first_nonblank,
    slugify,
    source_lines,
    strip_blank_edges,
)

CARD_ID_DIGITS = 3  # "082": sorts well and matches how the exports number cards


def looks_like_flashcard_text(lines: list[str]) -> bool:
    """Does the text open with a card (number + ``Q``, terse card, or ``Q``), after a title or not?"""
    scanner = CardScanner(lines)
    _, first = _title_and_first_card(lines, scanner)
    return first < len(lines) and _opens_card(lines, scanner, first)


def _opens_card(lines: list[str], scanner: CardScanner, index: int) -> bool:
    return lines[index] == QUESTION_MARKER or scanner.card_starts_at(index, None, terse_allowed=True)


def _title_and_first_card(lines: list[str], scanner: CardScanner) -> tuple[int | None, int]:
    """Index of the title line (None if the export starts with its first card) and of that card."""
    top = first_nonblank(lines)
    if _opens_card(lines, scanner, top):
        return None, top
    return top, first_nonblank(lines, top + 1)


def parse_flashcard_text(text: str, filename: str, deck_id: str | None = None) -> ParseResult:
    lines = source_lines(text, filename)
    scanner = CardScanner(lines)
    title_index, first = _title_and_first_card(lines, scanner)
    title = lines[title_index].strip() if title_index is not None else PurePath(filename).stem
    if first >= len(lines):
        line = (title_index or 0) + 1
        raise InputError(f"no cards after the title {excerpt(title)!r}", SourcePosition(filename, line))
    if scanner.card_starts_at(first, None, terse_allowed=True) or lines[first] == QUESTION_MARKER:
        segments = scanner.segments(first)
    else:
        raise InputError(
            "not a flashcard export: after the title, expected a card number followed by a "
            f"'Q' line (or a question and an answer line), or a 'Q' line; found {excerpt(lines[first])!r}",
            SourcePosition(filename, first + 1),
        )
    builder = _DeckBuilder(lines, scanner)
    if title_index is None:
        builder.warnings.append(SourceNote(first + 1, f"no title line; the deck is named {title!r}"))
    for position, segment in enumerate(segments, start=1):
        builder.add(segment, position)
    if not builder.cards:
        raise InputError(
            f"no cards with text: all {len(segments)} cards are empty", SourcePosition(filename, first + 1)
        )
    deck = Deck(
        id=deck_id or slugify(title),
        name=title,
        cards=tuple(builder.cards),
        source=PurePath(filename).name,
        markup=MARKUP_PLAIN,  # text from a plain-text source: shown exactly as written
    )
    return ParseResult(deck, tuple(builder.skipped), tuple(builder.warnings))


class _DeckBuilder:
    """Turns segments into cards, collecting what it skipped and what looked odd."""

    def __init__(self, lines: list[str], scanner: CardScanner) -> None:
        self.lines = lines
        self.scanner = scanner
        self.cards: list[Card] = []
        self.skipped: list[SourceNote] = []
        self.warnings: list[SourceNote] = []
        self._previous_number: int | None = None
        self._numbered_seen = False  # a card with a written number came before
        self._previous_closed = True  # the previous card ended with a rating footer (or had no answer to swallow)

    def add(self, segment: Segment, position: int) -> None:
        line = segment.start + 1
        self._note_uncertain_split(segment)
        self._check_numbering(segment)
        question, answer = self._sides(segment)
        front, back = markdown_block(question), markdown_block(answer)
        label = f"card {segment.number}" if segment.written else f"card #{position}"
        if not front.strip() and not back.strip():
            self.skipped.append(SourceNote(line, f"{label} has neither question nor answer text"))
            return
        tags: list[str] = []
        if not front.strip() or not back.strip():
            tags.append(TAG_INCOMPLETE)
            empty = "question" if not front.strip() else "answer"
            self.warnings.append(SourceNote(line, f"{label} has no {empty}; tagged {TAG_INCOMPLETE}"))
        if refers_to_figure(front, back):
            tags.append(TAG_MISSING_FIGURE)
        number = segment.number
        self.cards.append(
            Card(id=f"{number:0{CARD_ID_DIGITS}d}", front=front, back=back, tags=tuple(tags), line=line)
        )

    def _check_numbering(self, segment: Segment) -> None:
        previous, number = self._previous_number, segment.number
        if previous is not None and segment.written and number != previous + 1:
            self.warnings.append(
                SourceNote(segment.start + 1, f"card numbers jump from {previous} to {number}")
            )
        self._previous_number = number

    def _note_uncertain_split(self, segment: Segment) -> None:
        """Say where the split between two cards rests on the numbering alone, so nothing merges silently."""
        line = segment.start + 1
        if not segment.marked and not self._previous_closed:
            self.warnings.append(SourceNote(
                line,
                f"card {segment.number} has no Q/A lines and follows card {self._previous_number}'s answer "
                "without a rating footer: read as a card of its own because its number continues the count",
            ))
        elif not segment.written and self.scanner.number_at(segment.start - 1) is not None:
            self.warnings.append(SourceNote(
                line - 1,
                f"card number {self.lines[segment.start - 1]} does not continue the count after card "
                f"{self._previous_number}: the card is numbered {segment.number}, "
                "the line kept in the answer before it",
            ))
        elif not segment.written and self._numbered_seen:
            self.warnings.append(SourceNote(
                line, f"a 'Q' card without a number line; numbered {segment.number} after the card before it"
            ))

    def _sides(self, segment: Segment) -> tuple[list[str], list[str]]:
        """Question and answer lines of a segment, rating footers removed."""
        body, closed = self._without_footers(segment)
        self._previous_closed = closed or not segment.marked
        self._numbered_seen = self._numbered_seen or segment.written
        if not segment.marked:
            text_lines = strip_blank_edges(body)
            return text_lines[:1], strip_blank_edges(text_lines[1:])
        try:
            split = body.index(ANSWER_MARKER)
        except ValueError:
            self.warnings.append(
                SourceNote(segment.start + 1, f"no '{ANSWER_MARKER}' line: the whole card is its question")
            )
            return strip_blank_edges(body), []
        return strip_blank_edges(body[:split]), strip_blank_edges(body[split + 1 :])

    def _without_footers(self, segment: Segment) -> tuple[list[str], bool]:
        """The segment's lines without rating footers, and whether a footer closed it."""
        kept: list[str] = []
        index = segment.body
        footer_at = None
        while index < segment.end:
            if self.scanner.footer_at(index) and index + len(RATING_FOOTER) <= segment.end:
                footer_at = index
                index += len(RATING_FOOTER)
                continue
            if footer_at is not None and self.lines[index].strip():
                self.warnings.append(
                    SourceNote(index + 1, "text after the rating footer; kept in the answer")
                )
                footer_at = None
            kept.append(self.lines[index])
            index += 1
        return kept, footer_at is not None


__all__ = ["looks_like_flashcard_text", "parse_flashcard_text"]
