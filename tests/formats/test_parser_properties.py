"""Properties of the source parsers over generated inputs.

* Generated flashcard exports (every variant, mixed, with digit lines, numbered
  lists, bullets and blank lines in the answers) parse back to exactly the
  cards they were made from: nothing lost, nothing merged.
* Any text at all either parses or raises ``InputError``; when it parses, every
  non-empty line that is not structure (title, marker, card number, rating
  footer) is in some card, modulo the bullet -> Markdown rewrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flashdl.deck.model import TAG_INCOMPLETE
from flashdl.deck.yaml_deck import dump_deck, parse_deck
from flashdl.errors import InputError
from flashdl.formats import BRAINSCAPE, NOTES, ParseResult, parse_source
from flashdl.formats.markdown_lines import markdown_line

FOOTER = ["How well did you know this?", "1", "Not at all", "2", "3", "4", "5", "Perfectly"]
STRUCTURE = {"Q", "A", *FOOTER}
PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

words = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzQA0123456789 .,?()-*$\\_{}’•", min_size=1, max_size=24
).map(str.strip).filter(lambda text: bool(text) and text not in STRUCTURE and text[0] != "•")


@dataclass(frozen=True)
class Line:
    """One generated line of a card side: how the export writes it and what Markdown to expect."""

    source: str
    markdown: str


def _bullet(level: int, text: str) -> Line:
    return Line(f"{'  ' * (level + 1)}• {text}", f"{'  ' * level}- {text}")


def _numbered(level: int, number: int, text: str) -> Line:
    return Line(f"{'  ' * (level + 1)}{number}. {text}", f"{'  ' * level}{number}. {text}")


plain_line = words.map(lambda text: Line(text, text))
digit_line = st.integers(0, 300).map(str).map(lambda text: Line(text, text))
blank_line = st.just(Line("", ""))
side_line = st.one_of(
    plain_line,
    digit_line,
    blank_line,
    st.builds(_bullet, st.integers(0, 2), words),
    st.builds(_numbered, st.integers(0, 1), st.integers(1, 9), words),
)
single_line = st.one_of(plain_line, digit_line)  # a terse card's question or answer


def _reads_as_terse(answer: list[Line] | None, number: int) -> bool:
    """Does an answer left open end as a terse card numbered ``number`` would?"""
    lines = list(answer or [])
    while lines and not lines[-1].source.strip():  # blank lines after it change nothing
        lines.pop()
    tail = lines[-3:]
    return len(tail) == 3 and tail[0].source == str(number) and all(line.source.strip() for line in tail[1:])


def expected(side: list[Line]) -> str:
    lines = [line.markdown for line in side]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


@dataclass(frozen=True)
class GeneratedCard:
    variant: str  # "footer" | "marked" | "terse"
    question: list[Line]
    answer: list[Line]
    gap: int  # numbers the export skipped before this card (marked cards only)


@st.composite
def exports(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, str]]]:
    """A numbered export and the (id, front, back) it must parse to (empty cards left out)."""
    count = draw(st.integers(1, 8))
    number = draw(st.integers(0, 120))
    title = draw(words.filter(lambda text: not text.isdigit()))
    lines = [title, ""]
    cards: list[tuple[str, str, str]] = []
    terse_allowed = True  # a terse card may open the export or follow a footer or a terse card
    open_tail: list[Line] | None = None  # the previous card's answer, if no footer closed it
    for _ in range(count):
        variant = draw(st.sampled_from(["footer", "marked", "terse"] if terse_allowed else ["footer", "marked"]))
        gap = draw(st.integers(0, 3)) if variant != "terse" and cards else 0
        if gap:  # see mixed_exports: an open answer ending like card "number + 1" is ambiguous
            assume(not _reads_as_terse(open_tail, number + 1))
        number += 1 + gap
        if variant == "terse":
            question, answer = [draw(single_line)], [draw(single_line)]
            lines += [str(number), question[0].source, answer[0].source]
        else:
            question = draw(st.lists(side_line, max_size=4))
            answer = draw(st.lists(side_line, max_size=6))
            lines += [str(number), "Q", *(line.source for line in question), "A", *(line.source for line in answer)]
            if variant == "footer":
                lines += FOOTER
        open_tail = answer if variant == "marked" else None
        terse_allowed = variant != "marked"
        front, back = expected(question), expected(answer)
        if front or back:
            cards.append((f"{number:03d}", front, back))
    assume(not _reads_as_terse(open_tail, number + 1))
    assume(cards)
    return "\n".join(lines) + "\n", cards


@st.composite
def unnumbered_exports(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, str]]]:
    lines = [draw(words), ""]
    cards = []
    for position in range(1, draw(st.integers(1, 6)) + 1):
        question = draw(st.lists(side_line, max_size=3))
        answer = draw(st.lists(side_line, max_size=4))
        lines += ["Q", *(line.source for line in question), "A", *(line.source for line in answer)]
        if draw(st.booleans()):
            lines += FOOTER
        front, back = expected(question), expected(answer)
        if front or back:
            cards.append((f"{position:03d}", front, back))
    assume(cards)
    return "\n".join(lines), cards


def card_sides(result: ParseResult) -> list[tuple[str, str, str]]:
    return [(card.id, card.front, card.back) for card in result.deck.cards]


@PROPERTY_SETTINGS
@given(exports())
def test_generated_exports_parse_back_to_their_cards(export: tuple[str, list[tuple[str, str, str]]]) -> None:
    text, cards = export
    result = parse_source(text, "gen.txt")
    assert card_sides(result) == cards
    for card in result.deck.cards:
        assert (TAG_INCOMPLETE in card.tags) == (not card.front or not card.back)


@PROPERTY_SETTINGS
@given(unnumbered_exports())
def test_generated_unnumbered_exports_parse_back(export: tuple[str, list[tuple[str, str, str]]]) -> None:
    text, cards = export
    assert card_sides(parse_source(text, "gen.txt", BRAINSCAPE)) == cards


@PROPERTY_SETTINGS
@given(exports())
def test_parsed_decks_survive_the_deck_file_format(export: tuple[str, list[tuple[str, str, str]]]) -> None:
    deck = parse_source(export[0], "gen.txt", deck_id="gen").deck
    assert parse_deck(dump_deck(deck), "gen.yaml") == deck


def test_number_like_text_survives_the_deck_file_format() -> None:
    """Regression: a title or answer such as 1e-3 was written plain and read back as a float."""
    deck = parse_source("0e0\n1\nLearning rate?\n1e-3\n2\nBias?\ntrue\n", "gen.txt").deck
    assert parse_deck(dump_deck(deck), "gen.yaml") == deck


# -- exports that mix every layout in any order -----------------------------------

LAYOUTS = ("footer", "marked", "terse", "unnumbered", "unnumbered-footer")
# Lines that look like markers but are text: only a line that is exactly "Q" or "A" is structure.
marker_like = st.sampled_from(["Q:", "A:", "Q.", "A)", "q", "a", "Q1", "A 2", "Q?", "(A)", "QA"])
mixed_side_line = st.one_of(side_line, marker_like.map(lambda text: Line(text, text)))


def _is_digit_line(line: Line) -> bool:
    return line.source.strip().isdigit()



@st.composite
def mixed_exports(draw: st.DrawFn) -> tuple[str, list[tuple[str, str, str]]]:
    """An export whose cards each take a random layout, in any order, and the cards it must give.

    The export opens with a numbered card (one that opens with ``Q`` numbers none, see
    ``unnumbered_exports``). An unnumbered card takes the number after the card before it;
    terse and unnumbered cards continue the count exactly, marked cards may skip numbers.
    Two texts are genuinely ambiguous and left out, whatever parser reads them:
    * a digit line right before an unnumbered card's ``Q`` (it reads as that card's number);
    * an answer left open (no footer) whose last lines are "<next number>", a line and a line,
      where no card with that number follows (a skipped number, an unnumbered card or the end):
      it reads as a terse card.
    """
    count = draw(st.integers(1, 10))
    number = draw(st.integers(0, 120))
    title = draw(words.filter(lambda text: not text.isdigit()))
    lines = [title, ""]
    cards: list[tuple[str, str, str]] = []
    open_tail: list[Line] | None = None  # the previous card's answer, if no footer closed it
    previous_last: Line | None = None  # the previous card's last written line
    for position in range(count):
        layouts = LAYOUTS[:3] if position == 0 else LAYOUTS
        layout = draw(st.sampled_from(layouts))
        gap = draw(st.integers(0, 3)) if layout in ("footer", "marked") and position else 0
        if gap or layout.startswith("unnumbered"):  # no written "number + 1" follows to contradict it
            assume(not _reads_as_terse(open_tail, number + 1))
        number += 1 + gap
        if layout.startswith("unnumbered"):
            assume(previous_last is None or not _is_digit_line(previous_last))
        if layout == "terse":
            question, answer = [draw(single_line)], [draw(single_line)]
            written = [str(number), question[0].source, answer[0].source]
            open_tail = None
        else:
            question = draw(st.lists(mixed_side_line, max_size=4))
            answer = draw(st.lists(mixed_side_line, max_size=6))
            head = ["Q"] if layout.startswith("unnumbered") else [str(number), "Q"]
            written = [*head, *(line.source for line in question), "A", *(line.source for line in answer)]
            if layout.endswith("footer"):
                written += FOOTER
                open_tail = None
            else:
                open_tail = answer
        lines += written
        previous_last = Line(written[-1], written[-1])
        front, back = expected(question), expected(answer)
        if front or back:
            cards.append((f"{number:03d}", front, back))
    assume(not _reads_as_terse(open_tail, number + 1))
    assume(cards)
    return "\n".join(lines) + "\n", cards


@PROPERTY_SETTINGS
@given(mixed_exports())
def test_exports_mixing_every_layout_parse_back_to_their_cards(
    export: tuple[str, list[tuple[str, str, str]]],
) -> None:
    text, cards = export
    assert card_sides(parse_source(text, "mixed.txt", BRAINSCAPE)) == cards


# -- arbitrary input ---------------------------------------------------------------

soup_line = st.one_of(
    st.sampled_from(["Q", "A", "", "1", "2", "3", "  1. step", "Perfectly"]),
    st.just("\n".join(FOOTER)),
    st.integers(0, 12).map(str),
    words,
    st.builds(lambda level, text: f"{'  ' * level}• {text}", st.integers(0, 4), words),
    st.builds(lambda indent, text: f"{' ' * indent}{text}", st.integers(0, 9), words),
)
any_text = st.one_of(
    st.text(max_size=400),
    st.lists(soup_line, max_size=60).map("\n".join),
)


def card_lines(result: ParseResult) -> set[str]:
    return {line.strip() for card in result.deck.cards for side in (card.front, card.back)
            for line in side.split("\n")}


@PROPERTY_SETTINGS
@given(any_text, st.sampled_from(["auto", BRAINSCAPE, NOTES]))
def test_any_text_parses_or_raises_input_error_only(text: str, fmt: str) -> None:
    try:
        result = parse_source(text, "any.txt", fmt)
    except InputError as error:
        assert error.file == "any.txt"
        return
    assert result.deck.cards
    assert all(card.front.strip() or card.back.strip() for card in result.deck.cards)


@PROPERTY_SETTINGS
@given(st.lists(soup_line, min_size=2, max_size=80).map("\n".join))
def test_flashcard_parser_never_loses_a_line(text: str) -> None:
    try:
        result = parse_source(text, "soup.txt", BRAINSCAPE)
    except InputError:
        return
    kept = card_lines(result)
    lines = text.replace("\r", "\n").split("\n")
    title = next(index for index, line in enumerate(lines) if line.strip())
    for line in lines[title + 1 :]:
        content = line.strip()
        if not content or content in STRUCTURE or content.isdigit():
            continue  # blank, marker, footer or (possibly) a card number
        assert markdown_line(line.rstrip()).strip() in kept, line


_LINES_RANGE = re.compile(r"lines (\d+)-(\d+) repeat")


@PROPERTY_SETTINGS
@given(st.lists(soup_line, min_size=2, max_size=80).map("\n".join))
def test_notes_parser_accounts_for_every_bullet(text: str) -> None:
    """Each bullet is in a card, or reported: a childless top-level bullet, or part of a repeat."""
    try:
        result = parse_source(text, "soup.txt", NOTES)
    except InputError:
        return
    reported: set[int] = set()
    for note in result.skipped:
        match = _LINES_RANGE.match(note.message)
        reported.update(range(int(match[1]), int(match[2]) + 1) if match else [note.line])
    in_cards = " ".join(card.front + "\n" + card.back for card in result.deck.cards)
    lines = text.split("\n")
    title = next(index for index, line in enumerate(lines) if line.strip())
    for number, line in enumerate(lines[title + 1 :], start=title + 2):
        bullet = re.match(r"^\s*• (.*)$", line)
        if bullet and bullet[1].strip():
            assert number in reported or bullet[1].strip() in in_cards, (number, line)
