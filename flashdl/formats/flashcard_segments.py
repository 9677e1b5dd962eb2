"""Where each card of a flashcard export begins and ends.

An export card is a number line, then either ``Q`` / question / ``A`` /
answer (optionally followed by the "How well did you know this?" rating
footer), or, in the terse variant, one question line and one answer line.
Some exports have no numbers at all, only ``Q`` / ``A``.

Answers may hold lines that are only digits and numbered lists, so a number
line starts a card only when it continues the numbering *and* is followed by
a card's structure: ``Q`` on the next line, or (in the terse variant, where
that is all there is) a question line, an answer line and then the next
number or the end. The terse reading is only tried where it cannot swallow a
marked card's answer: at the start, after a rating footer, or after another
terse card. Every test looks a fixed number of lines ahead, so a scan is
linear in the input, whatever the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

QUESTION_MARKER = "Q"
ANSWER_MARKER = "A"
MARKERS = (QUESTION_MARKER, ANSWER_MARKER)
RATING_FOOTER = ("How well did you know this?", "1", "Not at all", "2", "3", "4", "5", "Perfectly")
CARD_NUMBER = re.compile(r"[0-9]{1,6}")
TERSE_CARD_LINES = 2  # one question line, one answer line


@dataclass(frozen=True)
class Segment:
    """The lines of one card: ``start`` is its number (or ``Q``) line, ``end`` is exclusive."""

    start: int
    end: int
    number: int | None  # None in exports without card numbers
    marked: bool  # Q / A markers (False: the terse one-line-each variant)
    body: int  # first line after the number and ``Q`` lines


class CardScanner:
    """Splits an export's lines (from the first card on) into card segments."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        last = len(lines) - 1
        while last >= 0 and not lines[last].strip():
            last -= 1
        self.last_text = last  # index of the last non-blank line

    # -- recognising single lines -------------------------------------------------

    def footer_at(self, index: int) -> bool:
        lines = self.lines
        return (
            lines[index] == RATING_FOOTER[0]
            and tuple(lines[index : index + len(RATING_FOOTER)]) == RATING_FOOTER
        )

    def number_at(self, index: int) -> int | None:
        if index >= len(self.lines):
            return None
        line = self.lines[index]
        return int(line) if CARD_NUMBER.fullmatch(line) else None

    def _is_marker(self, index: int, marker: str) -> bool:
        return index < len(self.lines) and self.lines[index] == marker

    def _is_text(self, index: int) -> bool:
        return index < len(self.lines) and bool(self.lines[index].strip()) and (
            self.lines[index] not in MARKERS
        )

    def _at_end(self, index: int) -> bool:
        return index > self.last_text

    # -- recognising card starts ----------------------------------------------------

    def card_starts_at(self, index: int, previous: int | None, *, terse_allowed: bool) -> bool:
        """Does card number ``previous + 1`` (any number if ``previous`` is None) start here?

        A marked card may also skip numbers (the export lost a card); a terse
        card, whose only evidence is its shape, must continue the count exactly.
        """
        number = self.number_at(index)
        if number is None:
            return False
        if self._is_marker(index + 1, QUESTION_MARKER):
            return previous is None or number > previous
        if not terse_allowed or (previous is not None and number != previous + 1):
            return False
        return self._terse_shape(index, number)

    def _terse_shape(self, index: int, number: int) -> bool:
        """A question line, an answer line, then the end or what can only be the next card."""
        after = index + 1 + TERSE_CARD_LINES
        if not (self._is_text(index + 1) and self._is_text(index + 2)):
            return False
        if self._at_end(after):
            return True
        following = self.number_at(after)
        return following is not None and (
            following == number + 1
            or (following > number and self._is_marker(after + 1, QUESTION_MARKER))
        )

    # -- segments -----------------------------------------------------------------

    def numbered_segments(self, first: int) -> Iterator[Segment]:
        """Segments of an export whose cards are numbered; ``first`` is card one's line."""
        index = first
        while index <= self.last_text:
            number = self.number_at(index)
            assert number is not None  # every segment ends where card_starts_at said yes
            marked = self._is_marker(index + 1, QUESTION_MARKER)
            body = index + 2 if marked else index + 1
            if not marked and self._terse_card_ends(body, number):
                end = body + TERSE_CARD_LINES
            else:
                end = self._scan_to_next(body, number, terse_allowed=not marked)
            yield Segment(index, end, number, marked, body)
            index = end

    def _terse_card_ends(self, body: int, number: int) -> bool:
        """Is the terse card at ``body`` exactly one question and one answer line?"""
        after = body + TERSE_CARD_LINES
        return (
            self._is_text(body)
            and self._is_text(body + 1)
            and (self._at_end(after) or self.card_starts_at(after, number, terse_allowed=True))
        )

    def _scan_to_next(self, body: int, number: int, *, terse_allowed: bool) -> int:
        """End of the card whose body starts at ``body``.

        After a rating footer a terse card may follow: the footer has closed the
        marked card, so the terse card's shape can no longer be part of its answer.
        """
        index = body
        footer_seen = False
        while index <= self.last_text:
            if self.footer_at(index):
                footer_seen = True
                index += len(RATING_FOOTER)
                continue
            if self.card_starts_at(index, number, terse_allowed=terse_allowed or footer_seen):
                return index
            index += 1
        return len(self.lines)

    def unnumbered_segments(self, first: int) -> Iterator[Segment]:
        """Segments of an export without card numbers: every ``Q`` line starts a card."""
        index = first
        while index <= self.last_text:
            end = index + 1
            while end <= self.last_text and not self._is_marker(end, QUESTION_MARKER):
                end += len(RATING_FOOTER) if self.footer_at(end) else 1
            if end > self.last_text:
                end = len(self.lines)
            yield Segment(index, end, None, True, index + 1)
            index = end
