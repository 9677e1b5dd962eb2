"""Every item of the lecture-notes outline is taught by a card of csw182-notes or skipped with a reason.

The map is docs/notes-deck-coverage.md; the items come from the source outline itself, read by the
same tree reader the parser uses, and are cross-checked against a plain count of bullet lines.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from flashdl.deck.files import read_text_file
from flashdl.deck.yaml_deck import parse_deck
from flashdl.formats.deck_merge import added_by_flashdl
from flashdl.formats.outline_tree import OutlineItem, read_outline
from flashdl.formats.source_text import first_nonblank, source_lines

REPO_ROOT = Path(__file__).parents[2]
SEEDS_DIR = Path(os.environ.get("FLASHDL_SEEDS") or REPO_ROOT / ".." / "shared" / "seeds")
COVERAGE = REPO_ROOT / "docs" / "notes-deck-coverage.md"
DECK = REPO_ROOT / "cards" / "csw182-notes.yaml"
SOURCE = SEEDS_DIR / "004_5ca024d9f9d695b4.txt"

ROW = re.compile(r"^\| (?P<line>\d+) \| (?P<text>.*) \| (?P<taught>.*) \|$")
TAUGHT = re.compile(r"^(?P<ids>\d{3}(?:, \d{3})*)(?: \(.+\))?$")
SKIPPED = re.compile(r"^skipped: \S.{10,}$")
ASIDES = ("Professor Canny what are you saying?", "Canny says this is wack?")

pytestmark = pytest.mark.skipif(not SOURCE.is_file(), reason=f"seed document not found at {SOURCE}")


def outline_items() -> dict[int, str]:
    lines = source_lines(read_text_file(SOURCE), str(SOURCE))

    def walk(items: tuple[OutlineItem, ...]) -> Iterator[OutlineItem]:
        for item in items:
            yield item
            yield from walk(item.children)

    return {item.line: item.text
            for section in read_outline(lines, first_nonblank(lines) + 1) for item in walk(section.items)}


def coverage_rows() -> dict[int, tuple[str, str]]:
    rows: dict[int, tuple[str, str]] = {}
    for line in COVERAGE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            number = int(match["line"])
            assert number not in rows, f"line {number} mapped twice"
            rows[number] = (match["text"], match["taught"])
    return rows


def test_the_outline_has_the_items_a_plain_count_of_bullet_lines_finds() -> None:
    """Independent of the tree reader: every line starting (after spaces) with • or a number."""
    raw = read_text_file(SOURCE).splitlines()
    bullets = {index + 1 for index, line in enumerate(raw) if re.match(r"^\s+(•|\d+\.\s)", line)}
    assert set(outline_items()) == bullets
    assert len(bullets) == 247


def test_every_outline_item_is_mapped_exactly_once_with_its_own_text() -> None:
    items, rows = outline_items(), coverage_rows()
    assert sorted(rows) == sorted(items)
    for number, (text, _) in rows.items():
        shown = re.sub(r"^(· )+", "", text).removesuffix("...").replace("\\|", "|")
        assert items[number].startswith(shown), f"line {number}: {text!r} is not {items[number]!r}"


def test_each_item_is_taught_by_existing_cards_or_skipped_with_a_reason() -> None:
    deck = parse_deck(read_text_file(DECK), str(DECK))
    ids = {card.id for card in deck.cards}
    named: set[str] = set()
    for number, (_, taught) in coverage_rows().items():
        if taught.startswith("skipped:"):
            assert SKIPPED.match(taught), f"line {number}: a skipped item needs a reason"
            continue
        match = TAUGHT.match(taught)
        assert match, f"line {number}: {taught!r} is neither card ids nor 'skipped: reason'"
        cited = set(match["ids"].split(", "))
        assert cited <= ids, f"line {number}: no such card {sorted(cited - ids)}"
        named |= cited
    assert named == ids, f"cards no outline item maps to: {sorted(ids - named)}"


def test_the_note_takers_asides_are_not_taught() -> None:
    deck = parse_deck(read_text_file(DECK), str(DECK))
    for card in deck.cards:
        for aside in ASIDES:
            assert aside not in card.front and aside not in card.back, card.id
    rows = coverage_rows()
    for number, text in outline_items().items():
        if text.startswith(ASIDES[0]):
            assert rows[number][1].startswith("skipped:")


def test_added_cards_are_the_ones_the_parser_does_not_make() -> None:
    """Cards 001-053 come from the parser; every later card is marked as added by flashdl."""
    deck = parse_deck(read_text_file(DECK), str(DECK))
    for card in deck.cards:
        assert added_by_flashdl(card) == (int(card.id) > 53), card.id


def test_notes_shown_with_the_question_never_give_the_answer_away() -> None:
    """Errata notes of the front (and field-less ones, shown on both sides) only say that the
    front was rewritten or the card added; corrections are noted on the back."""
    deck = parse_deck(read_text_file(DECK), str(DECK))
    neutral = {"Front rewritten as a question; the source has the outline heading.",
               "Card added by flashdl: the notes have this item without a card."}
    for card in deck.cards:
        shown_with_front = {e.note for e in card.errata if e.field in ("front", None)}
        assert shown_with_front <= neutral, card.id
