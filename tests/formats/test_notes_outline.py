"""Lecture-notes outline: cards from bullets with sub-bullets, heading tags, repeats, LaTeX."""

from __future__ import annotations

import textwrap

import pytest

from flashdl.errors import InputError
from flashdl.formats import ParseResult, parse_source

NOTES = textwrap.dedent(
    """\
    Vision Course Notes

      • Pooling
        • max keeps the largest value
        • average keeps the mean
      • Loose remark

    Lecture 3, Convolutions

      • Output size
        • $D_{out} = \\frac{N + 2P - F}{S} + 1$
        • Padding
          • zeros
          • reflect
      • Recipes
          1. pick a kernel
          1. pick a stride

    Lecture 4

      • Output size.
        • $D_{out} = \\frac{N + 2P - F}{S} + 1$
        • Padding
          • zero
          • reflect
    Written on
    """
)


def parse(text: str = NOTES) -> ParseResult:
    return parse_source(text, "notes.txt", "notes")


def test_bullets_with_sub_bullets_become_cards_in_order() -> None:
    result = parse()
    fronts = [card.front.split("\n\n")[-1] for card in result.deck.cards]
    assert fronts == ["Pooling", "Output size", "Padding", "Recipes"]
    assert [card.id for card in result.deck.cards] == ["001", "002", "003", "004"]
    assert result.deck.name == "Vision Course Notes"


def test_front_has_heading_path_and_back_is_a_markdown_list() -> None:
    deck = parse().deck
    assert deck.card("001").front == "Pooling"  # before the first heading: no context
    assert deck.card("001").back == "- max keeps the largest value\n- average keeps the mean"
    assert deck.card("002").front == "Lecture 3, Convolutions\n\nOutput size"
    assert deck.card("002").back == (
        "- $D_{out} = \\frac{N + 2P - F}{S} + 1$\n- Padding\n  - zeros\n  - reflect"
    )
    assert deck.card("003").front == "Lecture 3, Convolutions › Output size\n\nPadding"


def test_numbered_items_nest_under_their_bullet_whatever_their_indent() -> None:
    assert parse().deck.card("004").back == "1. pick a kernel\n1. pick a stride"


def test_headings_become_slug_tags() -> None:
    deck = parse().deck
    assert deck.card("001").tags == ()
    assert deck.card("002").tags == ("lecture-3-convolutions",)


def test_repeated_block_is_imported_once_and_reported() -> None:
    result = parse()
    assert not any(card.line and card.line > 20 for card in result.deck.cards)
    repeat = [note for note in result.skipped if "repeat" in note.message]
    assert len(repeat) == 1
    assert repeat[0].line == 21
    assert "lines 21-25 repeat lines 10-14" in repeat[0].message


def test_childless_top_level_bullets_are_reported_not_dropped_silently() -> None:
    result = parse()
    loose = [note for note in result.skipped if "without sub-bullets" in note.message]
    assert [note.line for note in loose] == [6]
    assert "Loose remark" in loose[0].message


def test_heading_without_bullets_is_a_warning() -> None:
    assert [(note.line, "Written on" in note.message) for note in parse().warnings] == [(26, True)]


def test_different_blocks_under_the_same_bullet_are_both_kept() -> None:
    text = "Notes\nA\n  • Sigmoid\n    • range 0 to 1\nB\n  • Sigmoid\n    • used for gating in LSTMs\n"
    assert len(parse(text).deck.cards) == 2


def test_no_bullet_with_sub_bullets_is_an_error() -> None:
    with pytest.raises(InputError, match="no bullet has sub-bullets") as error:
        parse("Notes\nHeading\n  • only a leaf\n")
    assert error.value.line == 2
