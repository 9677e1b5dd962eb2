"""Where each card of a flashcard export begins and ends.

An export card is a number line, then either ``Q`` / question / ``A`` /
answer (optionally followed by the "How well did you know this?" rating
footer), or, in the terse variant, one question line and one answer line.
Some cards (or whole exports) have no number, only ``Q`` / ``A``. Real
exports mix these layouts in any order.

Answers may hold lines that are only digits and numbered lists, so where a
card starts is decided by the card numbering: of all the ways to split the
export into well-formed cards, the one read is the cheapest (``_Segmenter``),
where every card read earns a reward and every card number skipped costs, and
a number that repeats or goes back is impossible. A ``Q`` line and a rating
footer close the card before them. So a terse card right after a marked
card's answer is read as a card of its own when its number continues the
count, and lines like "2 / forward / backward" stay in card 1's answer when
card 2 follows. Splits that rest on the numbering alone are reported by the
parser as notes (``flashcard_text``), never merged silently. The pass is
O(n log n) in the number of lines, whatever the input.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
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
    number: int  # written on its number line, or implied: the previous card's number plus one
    marked: bool  # Q / A markers (False: the terse one-line-each variant)
    body: int  # first line after the number and ``Q`` lines
    written: bool = True  # False: a ``Q`` card without a number line


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
            index < len(lines)
            and lines[index] == RATING_FOOTER[0]
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
        if self._is_marker(after, QUESTION_MARKER):
            return True  # a card without a number follows
        following = self.number_at(after)
        return following is not None and (
            following == number + 1
            or (following > number and self._is_marker(after + 1, QUESTION_MARKER))
        )

    # -- segments -----------------------------------------------------------------

    def segments(self, first: int) -> list[Segment]:
        """The export's cards from ``first`` (card one's line) on.

        An export that opens with a ``Q`` line numbers no cards: every ``Q``
        line starts one. Otherwise the numbering decides (``_Segmenter``).
        """
        if self.lines[first] == QUESTION_MARKER:
            return list(self.unnumbered_segments(first))
        return _Segmenter(self, first).run()

    def unnumbered_segments(self, first: int) -> Iterator[Segment]:
        """Segments of an export without card numbers: every ``Q`` line starts a card."""
        index, position = first, 1
        while index <= self.last_text:
            end = index + 1
            while end <= self.last_text and not self._is_marker(end, QUESTION_MARKER):
                end += len(RATING_FOOTER) if self.footer_at(end) else 1
            if end > self.last_text:
                end = len(self.lines)
            yield Segment(index, end, position, True, index + 1, written=False)
            index, position = end, position + 1


# What a reading of the export costs (lower is better). The card numbers carry
# the evidence: every card read earns ``CARD_REWARD``, every number the reading
# skips costs ``GAP_COST``, so a split that keeps the count consecutive beats
# swallowing a card into its neighbour's answer, and a split that breaks the
# count (a repeated or a smaller number) is impossible. The shape costs break
# ties towards the plainest reading.
CARD_REWARD = 4
GAP_COST = 1
TERSE_COST = 1  # a terse card where a marked one would also do
UNNUMBERED_COST = 2  # a "Q" card without a number, where a number line would also do
# A "Q" right after a number line is read without that number only where the number cannot be the
# card's (it repeats or goes back): then the number line stays in the previous card's answer.
RENUMBERED_COST = 1000
NO_ANSWER_MARKER_COST = 3  # a marked card without its "A" line
LONG_TERSE_COST = 6  # a card without markers that is more than one question and one answer line
INFINITY = float("inf")


@dataclass(slots=True)
class _Start:
    """A line where a card may begin, and how."""

    line: int
    kind: str  # "marked" (number, Q), "terse" (number, question, answer) or "unmarked" (Q alone)
    number: int | None  # the written number (None for "unmarked")
    after_number: bool = False  # an unmarked start right after a number line (that card's own Q)


@dataclass(slots=True)
class _Reading:
    """The best reading of the export up to one start, that start opening a card."""

    cost: float
    number: int  # the card's number: written, or the previous card's plus one
    parent: int  # index of the previous card's start (-1: none)


Best = tuple[float, int]  # (cost, -start index): the later start wins a tie


class _Frontier:
    """The cards a new card may follow, by the cheapest reading that ends each of them.

    A card is published once the scan is past its own structure; a marked
    card is published twice, with the missing-``A`` penalty and, once the
    scan is past its ``A`` line, without. ``below`` answers "the best card
    numbered less than n" through Fenwick trees of prefix minima over the
    numbers' ranks (key ``cost - GAP_COST * number``), so a pass is
    O(n log n) whatever the input.
    """

    def __init__(self, numbers: list[int]) -> None:
        self.numbers = numbers
        self.trees = (_PrefixMinima(len(numbers) + 1), _PrefixMinima(len(numbers) + 1))  # open, answered
        self.best_any: Best = (INFINITY, -1)
        self.by_number: dict[int, Best] = {}
        self.pending: list[tuple[int, int, bool]] = []  # heap: (line it counts from, start, answered)
        self.terse_ends: dict[int, list[int]] = {}

    def publish_until(self, line: int, readings: list[_Reading | None], starts: list[_Start]) -> None:
        while self.pending and self.pending[0][0] <= line:
            _, index, answered = heapq.heappop(self.pending)
            reading = readings[index]
            assert reading is not None
            cost = reading.cost + (0 if answered else _open_penalty(starts[index]))
            entry = (cost, -index)
            rank = bisect_right(self.numbers, reading.number)  # an implied number sits with the written below it
            self.trees[answered].lower(rank, (cost - GAP_COST * reading.number, -index))
            self.best_any = min(self.best_any, entry)
            if entry < self.by_number.get(reading.number, (INFINITY, -1)):
                self.by_number[reading.number] = entry

    def below(self, number: int, rank: int) -> Best | None:
        """Best card numbered below ``number`` (rank ``rank``), its cost including the gap."""
        found = [hit for tree in self.trees if (hit := tree.query(rank - 1)) is not None]
        if not found:
            return None
        key, negative_index = min(found)
        return key + GAP_COST * (number - 1), negative_index


def _open_penalty(start: _Start) -> float:
    """What a card costs when it must stretch to an unknown end: no ``A`` line, or a long terse card."""
    return LONG_TERSE_COST if start.kind == "terse" else NO_ANSWER_MARKER_COST


class _Segmenter:
    """Splits an export into cards by the cheapest consistent reading (dynamic programming).

    Candidates are the lines where a card may start; the best reading of all
    lines up to a candidate depends only on the card before it, so one pass in
    line order finds the best reading of the whole export (``_Frontier``). A
    rating footer closes its card: a candidate right after one starts a card
    that nothing before the footer can reach past.
    """

    def __init__(self, scanner: CardScanner, first: int) -> None:
        self.scanner = scanner
        self.lines = scanner.lines
        self.first = first
        self.footer_lines, self.after_footer = self._footers()

    def _footers(self) -> tuple[set[int], set[int]]:
        """Lines inside rating footers, and the first line with text after each footer."""
        covered: set[int] = set()
        after: set[int] = set()
        index = 0
        while index < len(self.lines):
            if self.scanner.footer_at(index):
                covered.update(range(index, index + len(RATING_FOOTER)))
                index += len(RATING_FOOTER)
                following = index
                while following < len(self.lines) and not self.lines[following].strip():
                    following += 1
                after.add(following)
            else:
                index += 1
        return covered, after

    def _text(self, index: int) -> bool:
        return self.scanner._is_text(index) and index not in self.footer_lines

    def _starts(self) -> list[_Start]:
        starts: list[_Start] = []
        number_at = self.scanner.number_at
        for index in range(self.first, self.scanner.last_text + 1):
            if index in self.footer_lines:
                continue
            line = self.lines[index]
            if line == QUESTION_MARKER:
                after_number = index > self.first and number_at(index - 1) is not None
                starts.append(_Start(index, "unmarked", None, after_number))
                continue
            number = number_at(index)
            if number is None:
                continue
            if self.scanner._is_marker(index + 1, QUESTION_MARKER):
                starts.append(_Start(index, "marked", number))
            elif self._text(index + 1) and self._text(index + 2):
                starts.append(_Start(index, "terse", number))
        if not starts or starts[0].line != self.first:
            starts.insert(0, _Start(self.first, "unmarked", None))  # the caller saw a card start here
        return starts

    def _answer_marker_after(self) -> list[int]:
        """For each line, the first ``A`` line at or after it (len(lines) if none)."""
        following = [len(self.lines)] * (len(self.lines) + 1)
        for index in range(len(self.lines) - 1, -1, -1):
            is_marker = self.lines[index] == ANSWER_MARKER and index not in self.footer_lines
            following[index] = index if is_marker else following[index + 1]
        return following

    @staticmethod
    def _terse_end(start: _Start) -> int:
        """Where a terse card of exactly two lines ends (the layout has no rating footer)."""
        return start.line + 1 + TERSE_CARD_LINES

    @staticmethod
    def _body(start: _Start) -> int:
        return start.line + {"marked": 2, "unmarked": 1, "terse": 1 + TERSE_CARD_LINES}[start.kind]

    def run(self) -> list[Segment]:
        starts = self._starts()
        answer_after = self._answer_marker_after()
        numbers = sorted({start.number for start in starts if start.number is not None})
        rank = {number: position + 1 for position, number in enumerate(numbers)}  # 0: below them all
        readings: list[_Reading | None] = [None] * len(starts)
        frontier = _Frontier(numbers)
        held: list[int] = []  # marked starts wait for their Q line, which closes what came before
        for index, start in enumerate(starts):
            frontier.publish_until(start.line, readings, starts)
            readings[index] = self._best_reading(index, start, readings, frontier, rank)
            if start.kind == "marked":
                held.append(index)
                continue
            if start.kind == "unmarked" or start.line in self.after_footer:
                # A Q line or a footer closes every card before it: no card reads past it.
                frontier = _Frontier(numbers)
            for waiting in [*held, index]:
                self._publish_later(frontier, waiting, starts[waiting], readings, answer_after)
            held.clear()
        return self._segments(starts, readings, answer_after)

    def _publish_later(
        self, frontier: _Frontier, index: int, start: _Start, readings: list[_Reading | None],
        answer_after: list[int],
    ) -> None:
        """Queue a card start, to be followed once the scan is past its own structure (and its A line)."""
        if readings[index] is None:
            return
        body = self._body(start)
        heapq.heappush(frontier.pending, (body, index, False))
        if start.kind == "terse":
            frontier.terse_ends.setdefault(self._terse_end(start), []).append(index)
        elif answer_after[body] < len(self.lines):
            heapq.heappush(frontier.pending, (answer_after[body] + 1, index, True))

    def _best_reading(
        self, index: int, start: _Start, readings: list[_Reading | None], frontier: _Frontier,
        rank: dict[int, int],
    ) -> _Reading | None:
        own = -CARD_REWARD + (TERSE_COST if start.kind == "terse" else 0)
        if index == 0:
            return _Reading(own, start.number if start.number is not None else 1, -1)
        options: list[tuple[float, int, int]] = []  # (cost, -parent, number)
        terse_before = [(readings[parent], parent) for parent in frontier.terse_ends.get(start.line, [])]
        if start.number is None:
            own += RENUMBERED_COST if start.after_number else UNNUMBERED_COST
            for cost, negative_parent in [frontier.best_any] + [
                (reading.cost, -parent) for reading, parent in terse_before if reading is not None
            ]:
                parent_reading = readings[-negative_parent] if cost < INFINITY else None
                if parent_reading is not None:
                    options.append((cost + own, negative_parent, parent_reading.number + 1))
        elif start.kind == "terse":  # its shape is its only evidence: it must continue the count exactly
            exact = frontier.by_number.get(start.number - 1)
            if exact is not None:
                options.append((exact[0] + own, exact[1], start.number))
            options += [
                (reading.cost + own, -parent, start.number)
                for reading, parent in terse_before
                if reading is not None and reading.number == start.number - 1
            ]
        else:
            found = frontier.below(start.number, rank[start.number])
            if found is not None:
                options.append((found[0] + own, found[1], start.number))
            options += [
                (reading.cost + GAP_COST * (start.number - reading.number - 1) + own, -parent, start.number)
                for reading, parent in terse_before
                if reading is not None and reading.number < start.number
            ]
        if not options:
            return None
        cost, negative_parent, number = min(options)
        return _Reading(cost, number, -negative_parent)

    def _segments(
        self, starts: list[_Start], readings: list[_Reading | None], answer_after: list[int]
    ) -> list[Segment]:
        end = len(self.lines)
        finals: list[Best] = []
        for index, reading in enumerate(readings):
            if reading is None:
                continue
            start = starts[index]
            if start.kind == "terse":
                exact = self._terse_end(start) > self.scanner.last_text
                finals.append((reading.cost + (0 if exact else LONG_TERSE_COST), -index))
            else:
                answered = answer_after[self._body(start)] < end
                finals.append((reading.cost + (0 if answered else NO_ANSWER_MARKER_COST), -index))
        chain: list[int] = []
        index = -min(finals)[1]
        while index >= 0:
            chain.append(index)
            reading = readings[index]
            assert reading is not None
            index = reading.parent
        chain.reverse()
        segments: list[Segment] = []
        for position, index in enumerate(chain):
            start, reading = starts[index], readings[index]
            assert reading is not None
            stop = starts[chain[position + 1]].line if position + 1 < len(chain) else end
            body = start.line + (2 if start.kind == "marked" else 1)
            segments.append(Segment(
                start.line, stop, reading.number, start.kind != "terse", body, written=start.number is not None,
            ))
        return segments


class _PrefixMinima:
    """A Fenwick tree of minima over ranks 0..size-1: point lowering, prefix minimum."""

    def __init__(self, size: int) -> None:
        self.tree: dict[int, Best] = {}  # sparse, so a fresh tree costs nothing whatever the size
        self.size = size

    def lower(self, rank: int, value: Best) -> None:
        position = rank + 1
        while position <= self.size:
            current = self.tree.get(position)
            if current is None or value < current:
                self.tree[position] = value
            position += position & -position

    def query(self, rank: int) -> Best | None:
        """The minimum over ranks 0..rank."""
        position, found = rank + 1, None
        while position > 0:
            current = self.tree.get(position)
            if current is not None and (found is None or current < found):
                found = current
            position -= position & -position
        return found
