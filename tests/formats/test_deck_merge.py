"""Regeneration merges: ids and curation survive, new cards are appended, nothing vanishes silently."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.deck.model import Card, Deck, EngineSpec, Erratum
from flashdl.formats.deck_merge import added_by_flashdl, merge_deck

ENGINE = EngineSpec("conv2d_param_count", {"in_channels": 3, "out_channels": 10}, vary=True)


def deck(*cards: Card) -> Deck:
    return Deck(id="quiz", name="Quiz", cards=cards, source="quiz.txt")


def card(card_id: str, front: str, back: str, **keys: object) -> Card:
    return Card(id=card_id, front=front, back=back, **keys)  # type: ignore[arg-type]


CURATED = card(
    "002",
    "Parameters of a 5x5x3 conv with 10 filters?",
    "760",
    tags=("conv", "parameters"),
    engine=ENGINE,
    errata=(Erratum("typo fixed", "front", "Paramters of a 5x5x3 conv with 10 filters?"),),
)
COMMITTED = deck(
    card("001", "Stride?", "Step"),
    CURATED,
    card("003", "Padding?", "Zeros"),
)
SOURCE = deck(
    card("001", "Stride?", "Step"),
    card("002", "Paramters of a 5x5x3 conv with 10 filters?", "760", tags=("missing-figure",)),
    card("003", "Padding?", "Zeros"),
)


def test_unchanged_source_leaves_the_committed_deck_as_it_is() -> None:
    result = merge_deck(COMMITTED, SOURCE)
    assert result.deck == COMMITTED
    assert not result.report.changed
    assert result.report.unchanged == 3


def test_new_cards_are_appended_and_renumbered_cards_keep_their_ids() -> None:
    source = deck(
        card("001", "Stride?", "Step"),
        card("002", "Dilation?", "Gaps in the kernel"),  # inserted: later cards shift by one
        card("003", "Paramters of a 5x5x3 conv with 10 filters?", "760"),
        card("004", "Padding?", "Zeros"),
    )
    result = merge_deck(COMMITTED, source)
    assert [c.id for c in result.deck.cards] == ["001", "004", "002", "003"]
    assert result.deck.card("002") == CURATED
    assert result.deck.card("004").front == "Dilation?"
    assert result.report.added == ("004",)
    assert result.report.moved == (("003", "002"), ("004", "003"))


def test_edited_source_text_keeps_id_engine_tags_and_still_valid_errata() -> None:
    edited = replace(SOURCE.cards[1], back="760 parameters")
    source = replace(SOURCE, cards=(SOURCE.cards[0], edited, SOURCE.cards[2]))
    result = merge_deck(COMMITTED, source)
    merged = result.deck.card("002")
    assert merged.back == "760 parameters"
    assert merged.front == CURATED.front  # the erratum still corrects the unchanged front
    assert merged.engine == ENGINE and merged.errata == CURATED.errata
    assert merged.tags == ("conv", "parameters", "missing-figure")
    assert result.report.edited == ("002",)
    assert result.report.stale_errata == ()


def test_erratum_on_text_the_source_changed_is_dropped_and_reported() -> None:
    fixed = replace(SOURCE.cards[1], front="Parameters of a 5x5x3 conv with 10 filters?")
    result = merge_deck(COMMITTED, replace(SOURCE, cards=(SOURCE.cards[0], fixed, SOURCE.cards[2])))
    merged = result.deck.card("002")
    assert merged.errata == () and merged.front == fixed.front and merged.engine == ENGINE
    assert result.report.stale_errata == ("002",)


def test_cards_gone_from_the_source_are_kept_and_reported() -> None:
    source = deck(SOURCE.cards[0], SOURCE.cards[1])
    result = merge_deck(COMMITTED, source)
    assert [c.id for c in result.deck.cards] == ["001", "002", "003"]
    assert result.report.missing == ("003",)
    assert any("kept: 003" in line for line in result.report.lines())


def test_cards_gone_from_the_source_are_dropped_only_on_request() -> None:
    result = merge_deck(COMMITTED, deck(SOURCE.cards[1], SOURCE.cards[2]), drop_missing=True)
    assert [c.id for c in result.deck.cards] == ["002", "003"]
    assert result.report.dropped == ("001",)


def test_a_retired_id_is_never_reused_for_a_new_card() -> None:
    source = deck(SOURCE.cards[0], SOURCE.cards[1], card("003", "Dilation?", "Gaps"))
    result = merge_deck(COMMITTED, source)
    assert [c.id for c in result.deck.cards] == ["001", "002", "003", "004"]
    assert result.deck.card("003").front == "Padding?"
    assert result.report.added == ("004",)


def test_first_generation_takes_the_parsed_deck() -> None:
    result = merge_deck(None, SOURCE)
    assert result.deck == SOURCE
    assert result.report.added == ("001", "002", "003")


# A card flashdl wrote itself: both sides record an empty source text.
ADDED = card(
    "004",
    "What does zero padding do?",
    "Adds a border of zeros.",
    errata=(Erratum("card added by flashdl", "front", ""), Erratum("answer written by flashdl", "back", "")),
)
WITH_ADDED = deck(COMMITTED.cards[0], ADDED, COMMITTED.cards[1], COMMITTED.cards[2])


def test_added_by_flashdl_needs_an_empty_original_on_both_sides() -> None:
    assert added_by_flashdl(ADDED)
    assert not added_by_flashdl(CURATED)  # an erratum with real source text
    half = replace(ADDED, errata=ADDED.errata[1:])  # only the answer was added (empty source back)
    assert not added_by_flashdl(half)
    assert not added_by_flashdl(card("005", "Q", "A"))


def test_cards_added_by_flashdl_are_kept_in_place_and_not_missing() -> None:
    result = merge_deck(WITH_ADDED, SOURCE)
    assert result.deck == WITH_ADDED
    assert not result.report.changed and result.report.missing == ()
    assert result.report.kept_added == ("004",)
    assert "1 added by flashdl, kept" in result.report.lines()


def test_cards_added_by_flashdl_survive_drop_missing_after_their_nearest_kept_predecessor() -> None:
    result = merge_deck(WITH_ADDED, deck(SOURCE.cards[1], SOURCE.cards[2]), drop_missing=True)
    assert [c.id for c in result.deck.cards] == ["004", "002", "003"]
    assert result.report.dropped == ("001",)
    tail = deck(COMMITTED.cards[0], COMMITTED.cards[1], ADDED, COMMITTED.cards[2])
    result = merge_deck(tail, deck(SOURCE.cards[0], SOURCE.cards[2]), drop_missing=True)
    assert [c.id for c in result.deck.cards] == ["001", "004", "003"]  # after 001, 002 being gone


def test_a_parsed_card_never_takes_over_an_added_card_with_its_id() -> None:
    """The source grows a fourth card, numbered 004 like the added one: it gets a free id."""
    source = deck(*SOURCE.cards, card("004", "Dilation?", "Gaps in the kernel"))
    result = merge_deck(WITH_ADDED, source)
    assert result.deck.card("004") == ADDED
    assert result.deck.card("005").front == "Dilation?"
    assert result.report.added == ("005",) and result.report.kept_added == ("004",)


def test_rewritten_front_and_back_match_through_their_errata() -> None:
    """A card curated into a question keeps the source text in errata, so it still matches."""
    rewritten = replace(
        COMMITTED.cards[2],
        front="Why pad the border of an image before a convolution?",
        back="To keep the output size and use the border pixels.",
        errata=(Erratum("rewritten as a question", "front", "Padding?"),
                Erratum("rewritten as an answer", "back", "Zeros")),
    )
    committed = deck(COMMITTED.cards[0], CURATED, rewritten)
    result = merge_deck(committed, SOURCE)
    assert result.deck == committed and not result.report.changed


_TEXT = st.text(alphabet="abc? ", min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=8, unique=True),
    slots=st.lists(st.integers(min_value=0, max_value=8), max_size=4),
    drop=st.integers(min_value=0, max_value=7),
)
def test_added_cards_survive_any_regeneration(texts: list[tuple[str, str]], slots: list[int], drop: int) -> None:
    """Added cards anywhere in a deck: an unchanged source leaves it as it is; a source that
    loses a card (dropped on request) keeps every added card, in the same relative order."""
    parsed_cards = [card(f"{n + 1:03d}", front, back) for n, (front, back) in enumerate(texts)]
    committed_cards = list(parsed_cards)
    added_ids = []
    for n, slot in enumerate(slots):
        added = replace(ADDED, id=f"a{n}")
        committed_cards.insert(min(slot, len(committed_cards)), added)
        added_ids.append(added.id)
    committed = deck(*committed_cards)
    result = merge_deck(committed, deck(*parsed_cards))
    assert result.deck == committed and not result.report.changed and result.report.missing == ()
    gone = parsed_cards[drop % len(parsed_cards)]
    shrunk = merge_deck(committed, deck(*(c for c in parsed_cards if c is not gone)), drop_missing=True)
    assert [c.id for c in shrunk.deck.cards] == [c.id for c in committed.cards if c.id != gone.id]
    assert shrunk.report.dropped == (gone.id,)
