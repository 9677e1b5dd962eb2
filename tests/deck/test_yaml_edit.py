"""Editing one card in place: the edited card parses as asked, every other byte stays.

The reference for "every other byte" is how the test built the file: a head,
then per card an optional comment block and the card's own chunk. The edit may
replace only the edited card's chunk.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flashdl.deck.model import Card, Erratum
from flashdl.deck.yaml_deck import card_to_data, parse_deck
from flashdl.deck.yaml_edit import USER_EDIT_NOTE, edit_card_text, edited_card
from flashdl.deck.yaml_syntax import dump_yaml
from flashdl.errors import InputError

HEAD = "format: flashdl-deck/1\nid: d\nname: D  # a comment the edit must keep\n"

_tricky = st.sampled_from(["\n", "\n\n", "  ", " ", "'", '"', ": ", " #", "#", "- ", "|", ">", "[", "]",
                           "{", "}", ",", "...", "---", "\\", "true", "1", "0.5", "null", "~", "é", "$x^2$"])
_words = st.text(alphabet="abcdefghij ", min_size=1, max_size=20)
_text = st.lists(_tricky | _words, min_size=1, max_size=10).map("".join).filter(lambda t: bool(t.strip()))
_tags = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), max_size=4, unique=True)
_comments = st.sampled_from(["", "# between cards\n", "\n", "  # indented comment\n\n", "# a\n# b\n"])

HAND_WRITTEN = (  # chunks as people type them, at indent 0: (chunk, the card it holds)
    ("- id: h1\n  front: \"double quoted\"\n  back: plain text  # trailing comment\n",
     Card("h1", "double quoted", "plain text")),
    ("- id: h2\n  # a comment inside the card\n  front: >\n    folded\n    text\n  back: |\n    kept\n\n\n"
     "  tags:\n  - one\n  - two\n", Card("h2", "folded text\n", "kept\n", ("one", "two"))),
    ("-   id: h3\n    front: 'wide'\n    back: indent\n", Card("h3", "wide", "indent")),
)


def chunk(card: Card) -> str:
    dumped = dump_yaml([card_to_data(card)])
    return dumped[:-4] if dumped.endswith("\n...\n") else dumped


@st.composite
def deck_files(draw: st.DrawFn) -> tuple[list[str], list[Card], str]:
    """(pieces, cards, cards line): the file is HEAD + cards line + pieces; odd pieces are cards."""
    count = draw(st.integers(1, 4))
    cards = [Card(f"c{i}", draw(_text), draw(_text), tuple(draw(_tags))) for i in range(count)]
    chunks = [chunk(card) for card in cards]
    for written, card in draw(st.lists(st.sampled_from(HAND_WRITTEN), max_size=2, unique=True)):
        chunks.append(written)
        cards.append(card)
    pieces: list[str] = []
    for index, piece in enumerate(chunks):
        # A blank line right after a keep-chomped block (``|+``, ``|2+``, ``>+``) belongs to that block's text, so
        # it cannot separate cards there: the file would hold a different card than the reference.
        keeps = index > 0 and re.search(r"[|>](\d?\+|\+\d?)\n", chunks[index - 1]) is not None
        pieces += [draw(_comments.filter(lambda c: not c.startswith("\n")) if keeps else _comments), piece]
    indent = draw(st.sampled_from([0, 0, 2]))
    if indent:
        pieces = ["".join(" " * indent + line if line.strip("\n") else line
                          for line in piece.splitlines(keepends=True)) for piece in pieces]
    return pieces, cards, draw(st.sampled_from(["cards:\n", "cards:  # the list\n"]))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deck_files(), st.data())
def test_an_edit_changes_that_card_and_no_other_byte(built: tuple[list[str], list[Card], str],
                                                     data: st.DataObject) -> None:
    pieces, cards, cards_line = built
    head = HEAD + ("source: notes.txt\n" if data.draw(st.booleans()) else "")
    text = head + cards_line + "".join(pieces)
    assert parse_deck(text, "d.yaml").cards == tuple(cards)  # the test's own reference holds
    index = data.draw(st.integers(0, len(cards) - 1))
    front, back, tags = data.draw(_text), data.draw(_text), tuple(data.draw(_tags))
    new_text, deck = edit_card_text(text, "d.yaml", cards[index].id, front=front, back=back, tags=tags)

    after = parse_deck(new_text, "d.yaml")
    assert after == deck
    edited, old = after.cards[index], cards[index]
    errata = () if head == HEAD else tuple(  # from a source: the text before, per side changed
        Erratum(note=USER_EDIT_NOTE, field=side, original=was)
        for side, was, now in (("front", old.front, front), ("back", old.back, back)) if was != now)
    assert (edited.id, edited.front, edited.back, edited.tags, edited.errata) == (
        old.id, front, back, tags, errata)
    assert after.cards[:index] + after.cards[index + 1:] == tuple(cards[:index] + cards[index + 1:])
    before_card = head + cards_line + "".join(pieces[:2 * index + 1])
    after_card = "".join(pieces[2 * index + 2:])
    assert new_text.startswith(before_card)
    assert new_text.endswith(after_card)


def test_the_bundled_layout_keeps_everything_but_the_card() -> None:
    text = HEAD + "source: notes.txt\ncards:\n" + chunk(Card("1", "a", "b")) + "# keep me\n" + chunk(
        Card("2", "c", "d", ("t",)))
    new_text, deck = edit_card_text(text, "d.yaml", "2", front="c", back="d", tags=())
    assert new_text == HEAD + "source: notes.txt\ncards:\n" + chunk(Card("1", "a", "b")) + "# keep me\n" + (
        "- id: '2'\n  front: c\n  back: d\n")
    assert deck.card("2").tags == ()


def test_unchanged_text_is_returned_as_it_was() -> None:
    text = HEAD + "cards:\n- id: a  # odd spacing kept\n  front:   x\n  back: y\n"
    assert edit_card_text(text, "d.yaml", "a", front="x", back="y", tags=())[0] is text


# -- errata: a card from a source keeps the source's text ----------------------------------

def test_editing_a_sourced_card_keeps_the_source_text_as_an_erratum() -> None:
    card = Card("1", "source front", "source back", ("t",))
    once = edited_card(card, "fixed front", "source back", ("t",), from_source=True)
    assert once.errata == (Erratum(note=USER_EDIT_NOTE, field="front", original="source front"),)
    twice = edited_card(once, "fixed again", "new back", (), from_source=True)
    assert twice.errata == (Erratum(note=USER_EDIT_NOTE, field="front", original="source front"),
                            Erratum(note=USER_EDIT_NOTE, field="back", original="source back"))
    assert twice.source_text("front") == "source front"
    back_to_source = edited_card(twice, "source front", "new back", (), from_source=True)
    assert back_to_source.errata == (Erratum(note=USER_EDIT_NOTE, field="back", original="source back"),)


def test_a_hand_written_erratum_is_kept_and_not_doubled() -> None:
    typo = Erratum(note="Typo fixed.", field="back", original="teh back")
    card = Card("1", "f", "the back", errata=(typo,))
    assert edited_card(card, "f", "better back", (), from_source=True).errata == (typo,)
    assert edited_card(card, "f", "teh back", (), from_source=True).errata == (typo,)


def test_a_deck_of_ones_own_gets_no_errata() -> None:
    text = HEAD + "cards:\n- id: a\n  front: x\n  back: y\n"
    _, deck = edit_card_text(text, "d.yaml", "a", front="x2", back="y", tags=())
    assert deck.card("a").errata == ()


def test_a_sourced_file_records_the_erratum_in_yaml() -> None:
    text = HEAD + "source: quiz.txt\ncards:\n- id: a\n  front: x\n  back: y\n"
    new_text, _ = edit_card_text(text, "d.yaml", "a", front="x", back="y2", tags=())
    assert parse_deck(new_text, "d.yaml").card("a").errata == (
        Erratum(note=USER_EDIT_NOTE, field="back", original="y"),)


def test_engine_markup_and_errata_of_the_card_survive_an_edit() -> None:
    text = HEAD + ("cards:\n- id: a\n  front: x\n  back: y\n  markup: plain\n"
                   "  engine:\n    family: softmax\n    params: {logits: [1, 2]}\n"
                   "  errata:\n  - note: a note only\n# after\n")
    new_text, deck = edit_card_text(text, "d.yaml", "a", front="x", back="y", tags=("new",))
    card = deck.card("a")
    assert card.markup == "plain" and card.engine is not None and card.engine.params == {"logits": [1, 2]}
    assert card.errata == (Erratum(note="a note only"),) and card.tags == ("new",)
    assert new_text.endswith("# after\n")


# -- refusals -----------------------------------------------------------------------------

@pytest.mark.parametrize(("front", "back", "tags", "problem"), [
    ("", "b", (), "non-empty front and back"),
    ("f", "  ", (), "non-empty front and back"),
    ("f", "b", ("two words",), "one word"),
    ("f", "b", ("a,b",), "one word"),
    ("f", "b", ("t", "t"), "twice"),
    ("f\x07", "b", (), "front"),
])
def test_text_a_deck_cannot_hold_is_refused(front: str, back: str, tags: tuple[str, ...],
                                            problem: str) -> None:
    text = HEAD + "cards:\n- id: a\n  front: x\n  back: y\n"
    with pytest.raises(InputError, match=problem):
        edit_card_text(text, "d.yaml", "a", front=front, back=back, tags=tags)


def test_an_unknown_card_and_a_flow_list_are_refused() -> None:
    text = HEAD + "cards:\n- id: a\n  front: x\n  back: y\n"
    with pytest.raises(InputError, match="no card 'b'"):
        edit_card_text(text, "d.yaml", "b", front="f", back="b", tags=())
    flow = HEAD + "cards: [{id: a, front: x, back: y}]\n"
    with pytest.raises(InputError, match="cannot edit card 'a' in place"):
        edit_card_text(flow, "d.yaml", "a", front="f", back="b", tags=())


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 3), _text, _text)
def test_card_list_after_other_keys_and_nested_cards_keys(index: int, front: str, back: str) -> None:
    """A ``cards`` key inside a card's engine params, or a value ``cards``, is not the card list."""
    cards = [Card(f"c{i}", f"f{i}", f"b{i}") for i in range(4)]
    text = ("format: flashdl-deck/1\nid: d\nname: cards\ndescription: cards\ncards:\n"
            + "".join(chunk(card) for card in cards))
    assume(front != cards[index].front or back != cards[index].back)
    _, deck = edit_card_text(text, "d.yaml", f"c{index}", front=front, back=back, tags=())
    assert deck.cards[index].front == front
    assert [c for i, c in enumerate(deck.cards) if i != index] == [c for i, c in enumerate(cards) if i != index]


def test_a_card_with_one_empty_side_can_be_edited_without_filling_it() -> None:
    """The deck format allows one empty side (an importer's `incomplete` card). Editing only its
    tags, or its other side, was refused with "a card needs a non-empty front and back"."""
    text = HEAD + "cards:\n- id: a\n  front: What is x?\n  back: ''\n  tags: [incomplete]\n"
    _, deck = edit_card_text(text, "d.yaml", "a", front="What is x?", back="", tags=("incomplete", "mine"))
    assert (deck.card("a").back, deck.card("a").tags) == ("", ("incomplete", "mine"))
    _, deck = edit_card_text(text, "d.yaml", "a", front="What is y?", back="", tags=("incomplete",))
    assert deck.card("a").front == "What is y?"
    with pytest.raises(InputError, match="non-empty front and back"):  # never both empty
        edit_card_text(text, "d.yaml", "a", front=" ", back="", tags=())
    with pytest.raises(InputError, match="non-empty front and back"):  # a side is not emptied by an edit
        edit_card_text(text.replace("back: ''", "back: an answer"), "d.yaml", "a", front="What is x?",
                       back="", tags=())
