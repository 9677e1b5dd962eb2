"""The fast reader of flashdl's own deck layout must agree with libyaml or step aside.

Every test here holds ``load_canonical(text)`` to one rule: it is ``None``
(not in the subset, libyaml reads the file) or exactly what ``load_yaml``
builds, types included (``True`` is not ``1``, ``"1"`` is not ``1``). Other
tests make sure the fast path is really taken for the files it is for, so the
rule cannot hold only because the fast path never runs.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flashdl.deck import Card, Deck, dump_deck, parse_deck
from flashdl.deck.yaml_canonical import load_canonical
from flashdl.deck.yaml_syntax import load_yaml
from flashdl.errors import InputError


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def agrees_with_libyaml(text: str) -> bool:
    """The rule; returns whether the fast path took the text."""
    fast = load_canonical(text)
    try:
        full = load_yaml(text)
    except yaml.YAMLError:
        assert fast is None, "the fast path accepted a text libyaml refuses"
        return False
    if fast is None:
        return False
    assert same(fast, full), (fast, full)
    return True


HEADER = "format: flashdl-deck/1\nid: d\nname: D\ncards:\n"


def test_the_files_dump_deck_writes_take_the_fast_path() -> None:
    deck = Deck(id="d", name="D", cards=(
        Card("001", "What is a stride?\n", "The step of the window.\n", ("cnn", "t1")),
        Card("002", "one line, no newline", "two\nlines", ()),
        Card("003", "word " * 40, "quote ' and colon: inside " * 5, tuple(f"tag{i}" for i in range(15))),
        Card("004", "ends with blank lines\n\n\n", "second line?\nno: first\n  yes\n", ("x",)),
        Card("005", "$\\frac{N+2P-F}{S}+1$", "1e-3", ()),
    ))
    text = dump_deck(deck)
    assert "  tags:\n  - tag0\n" in text and "'word word" in text and "|+\n" in text
    assert agrees_with_libyaml(text)
    assert parse_deck(text, "d.yaml") == deck


@pytest.mark.parametrize("cards", [
    "- id: a\n  front: plain text\n  back: 12\n",
    "- id: 082\n  front: 'x'\n  back: true\n  tags: [a, 1]\n",
    "- id: a\n  front: |-\n    x\n\n    y\n  back: |+\n    z\n\n",
    "- id: a\n  front: long plain text folded\n    over two lines\n  back: b\n  tags: []\n",
    "- id: a\n  front: 'quoted '' folded\n    over lines'\n  back: b\n  tags:\n  - t1\n  - 7\n",
    "  - id: \"082\"\n    front: |\n      Given input 32x32x3\n    back: \"760\"\n    tags: [parameters]\n",
    "    - id: a\n      front: x\n      back: |-\n        y\n      tags:\n      - t\n",
    "# comments first\n\n  # and blank lines\n- id: a\n  front: x\n  back: b\n",
])
def test_hand_written_files_in_the_layout_take_the_fast_path(cards: str) -> None:
    assert agrees_with_libyaml(HEADER + cards)


@pytest.mark.parametrize("cards", [
    "- id: a\n  front: x # a comment\n  back: b\n",
    "- id: a\n  front: x\n  back: b\n# a comment\n- id: b\n  front: y\n  back: c\n",
    "- id: a\n  front: x\n  back: b\n\n- id: b\n  front: y\n  back: c\n",
    "- id: a\n  front: &anchor x\n  back: *anchor\n",
    "- id: a\n  front: !!str 1\n  back: b\n",
    '- id: a\n  front: "double \\t quoted"\n  back: b\n',
    "- id: a\n  front: |2\n      indented first line\n  back: b\n",
    "- id: a\n  front: key: value\n  back: b\n",
    "- id: a\n  front: folded\n    # not text\n  back: b\n",
    "- id: a\n  front: folded\n    key: value\n  back: b\n",
    "- id: a\n  front: x\n  back: b\n  engine: {family: softmax}\n",
    "- id: a\n  back: b\n  front: x\n",
    "- id: a\n  front: |\n    x\n  back: b\n- id: a\n",
    "- id: a\n  front: 'unclosed\n  back: b\n",
    "- id: a\n  front: x\n  back: b\n  tags: [a, [b]]\n",
    "- id: a\n  front: x\n  back: b\n  tags: [a,b]\n",
    "- id: a\n  front: x\n  back: b\n- id: b\n  front: y\n  back: 'c\n- id: c\n  front: z'\n  back: d\n",
    "- id: a\n  front: x\n  back: b\n  engine: {family: softmax}\n- id: b\n  front: y\n  back: c\n"
    "- id: c\n  front: z\n  back: d\n  engine: {family: adam_step}\n- id: d\n  front: w\n  back: e\n",
])
def test_cards_outside_the_layout_are_read_by_libyaml(cards: str) -> None:
    text = HEADER + "- id: first\n  front: regular\n  back: card\n" + cards
    try:
        load_yaml(text)
    except yaml.YAMLError:
        assert load_canonical(text) is None
    else:
        assert agrees_with_libyaml(text), "one odd card must not send the whole file to libyaml"


@pytest.mark.parametrize("cards", [
    "- id: a\n  front: 'x\n  back: b\n- id: b\n  front: y\n  back: c\n- id: c\n  front: z'\n  back: d\n"
    "  engine: {family: softmax}\n",
    "- id: a\n  front: 'x\n  back: b\n- id: b\n  front: y\n  back: c\n- id: c\n  front: \"z'\n  back: d\n",
])
def test_entries_read_together_cannot_reach_each_other_across_matched_cards(cards: str) -> None:
    # The entries outside the layout are read by libyaml in one call; a quote left open in one
    # reaches into the next there, and the whole file must go to libyaml instead.
    text = HEADER + cards
    assert len(load_yaml(text)["cards"]) == 1  # valid as a whole: the quote spans the cards between
    assert load_canonical(text) is None


def test_bundled_decks_read_the_same_either_way() -> None:
    """Their computed cards and errata go to libyaml, the rest is matched."""
    folder = Path(__file__).resolve().parents[2] / "cards"
    decks = sorted(folder.glob("*.yaml"))
    assert len(decks) >= 6  # the five parsed decks and the exercises (tests/formats/test_bundled_decks.py lists them)
    for path in decks:
        assert agrees_with_libyaml(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize("cards", [
    "- id: a\n  front: x\r\n  back: b\n",
    "- id: a\n  front: \ufeffx\n  back: b\n",
    "- id: a\n  front: x\x07\n  back: b\n",
    "- id: a\n  front: x\n  back: b\n---\nid: e\n",
    "- id: a\n  front: x\n  back: b\n...\n- id: b\n  front: y\n  back: c\n",
    "- id: a\n  front: x\n  back: b\nname: late\n",
    "- id: a\n  front: x\n  back: b\n-\n  id: b\n  front: y\n  back: c\n",
    "  - id: a\n    front: x\n    back: b\n  name: late\n",
    "  - id: a\n    front: x\n    back: b\n- id: b\n  front: x\n  back: b\n",
    " " * 9 + "- id: a\n" + " " * 11 + "front: x\n" + " " * 11 + "back: b\n",
])
def test_files_whose_card_list_is_not_a_plain_block_sequence_go_to_libyaml_whole(cards: str) -> None:
    text = HEADER + cards
    assert load_canonical(text) is None
    agrees_with_libyaml(text)


def test_header_problems_are_left_to_libyaml() -> None:
    for header in ("id: d\nid: e\ncards:\n", "--- \nid: d\n...\n---\ncards:\n", "id: [d\ncards:\n",
                   "id: d\ncards: []\ncards:\n"):
        text = header + "- id: a\n  front: x\n  back: y\n"
        assert load_canonical(text) is None
        agrees_with_libyaml(text)


def test_parse_deck_reports_errors_the_same_way_on_the_fast_path() -> None:
    text = HEADER + "- id: a\n  front: x\n  back: y\n- id: b\n  front: 'yes'\n  back: true\n"
    assert load_canonical(text) is not None
    with pytest.raises(InputError) as caught:
        parse_deck(text, "d.yaml")
    assert caught.value.position is not None
    assert (caught.value.position.line, caught.value.position.column) == (10, 9)
    assert "read as the bool True" in caught.value.message


# -- properties ---------------------------------------------------------------------------

_tricky = st.sampled_from(["\n", "  ", " ", "\t", "'", "''", '"', ": ", ":", " #", "#", "- ", "-",
                           "|", ">", "&a", "*a", "!x", "[", "]", "{", "}", ",", "? ", "%", "@",
                           "`", "...", "---", "\\", "true", "1", "0.5", "1e3", "null", "~", "é",
                           "\u00a0", "\u2028", "\ufeff", "\r"])  # control characters: refused
_words = st.text(alphabet="abcdefghij ", min_size=1, max_size=30)
_text = st.lists(_tricky | _words, max_size=12).map("".join)
_long = st.lists(_words | _tricky, min_size=5, max_size=40).map("".join)


@st.composite
def simple_decks(draw: st.DrawFn) -> Deck:
    count = draw(st.integers(0, 4))
    ids = draw(st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,6}", fullmatch=True),
                        min_size=count, max_size=count, unique=True))
    tags = st.lists(st.from_regex(r"[a-z0-9][a-z0-9+._-]{0,12}", fullmatch=True), max_size=12)
    cards = []
    for card_id in ids:
        front, back = draw(_text | _long), draw(_text | _long)
        if not front.strip() and not back.strip():
            front = "front"
        markup = draw(st.sampled_from([None] * 8 + ["markdown", "plain"]))  # outside the layout
        cards.append(Card(card_id, front, back, tuple(draw(tags)), markup=markup))
    return Deck(id="d", name="D", cards=tuple(cards), markup=draw(st.sampled_from(["markdown", "plain"])))


@pytest.mark.slow   # a fast path held equal to its reference (11 s)
@settings(max_examples=400, deadline=None)
@given(simple_decks())
def test_written_decks_read_the_same_either_way(deck: Deck) -> None:
    text = dump_deck(deck)
    agrees_with_libyaml(text)
    assert parse_deck(text, "d.yaml") == deck
    for indent in (2, 3):
        shifted = indented(text, indent)
        agrees_with_libyaml(shifted)
        assert parse_deck(shifted, "d.yaml") == deck


def indented(text: str, indent: int) -> str:
    """The same deck with its card list moved ``indent`` spaces in, as people write it."""
    head, found, body = text.partition("\ncards:\n")
    if not found:  # cards: []
        return text
    lines = body.splitlines(keepends=True)
    return head + "\ncards:\n" + "".join(
        line if line in ("\n", "...\n") else " " * indent + line for line in lines)


_edits = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 3), _tricky | _words), max_size=4)


@pytest.mark.slow   # a fast path held equal to its reference (14 s)
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simple_decks(), _edits, st.sampled_from([0, 0, 2]))
def test_edited_files_read_the_same_either_way(deck: Deck, edits: list[tuple[int, int, str]],
                                               indent: int) -> None:
    text = indented(dump_deck(deck), indent)
    assume(deck.cards)
    for position, cut, insert in edits:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + cut:]
    agrees_with_libyaml(text)


@pytest.mark.slow   # a fast path held equal to its reference
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "- id: a\n", "- id: 'b'\n", "  front: x\n", "  back: y\n", "  front: |\n", "  back: |-\n",
    "    text\n", "\n", "  tags: [t]\n", "  tags:\n", "  - t\n", "    more: text\n", "  front: 'q\n",
    "    r'\n", "...\n", "# c\n", "  back: |+\n", "      deeper\n", "   three\n", "  # c\n",
    "  - id: c\n", "    front: z\n", "    back: w\n",
]), max_size=14))
def test_line_soup_reads_the_same_either_way(lines: list[str]) -> None:
    agrees_with_libyaml(HEADER + "".join(lines))


def test_property_inputs_do_take_the_fast_path() -> None:
    """Guards the properties above against passing only because the fast path declines."""
    text = dump_deck(Deck(id="d", name="D", cards=tuple(
        Card(f"{i:03d}", ("word " * i) + "?\n" * (i % 2), f"'{i}': answer " * (i % 9), ("a", f"t{i}"))
        for i in range(60))))
    assert agrees_with_libyaml(text)
    assert agrees_with_libyaml(textwrap.dedent("""\
        format: flashdl-deck/1
        id: d
        name: D
        cards:
        - id: '1'
          front: |
            x
          back: y
        """))


def test_a_deck_with_markup_reads_the_same_either_way() -> None:
    """``markup:`` in the header is read with it; a card's own ``markup:`` sends that card to libyaml."""
    deck = Deck(id="d", name="D", markup="plain", cards=(
        Card("001", "(1*1) + (2*0)\n", "- # channels\n", ("a",)),
        Card("002", "*x*", "y", markup="markdown"),
        Card("003", "z", "w"),
    ))
    text = dump_deck(deck)
    assert agrees_with_libyaml(text)
    assert parse_deck(text, "d.yaml") == deck
