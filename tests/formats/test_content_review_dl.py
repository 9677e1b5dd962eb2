"""The content review of dl-xgb-bert and lesson-6 (docs/content-review.md) stays true.

Curation is data, so these tests pin its rules rather than its wording: no empty side,
every computed card states its example's value (the audit finds it and agrees), every
correction keeps the source text and gives a one-line reason, no note that shows on the
front by accident, and curated text adds no Markdown markup (the app shows bundled text
character for character).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flashdl.deck.files import load_deck_file
from flashdl.deck.model import Card, Deck
from flashdl.engine import FAMILIES
from flashdl.engine.audit import audit_card

CARDS = Path(__file__).resolve().parents[2] / "cards"
REVIEWED = ("dl-xgb-bert", "lesson-6")
DECKS = {deck_id: load_deck_file(CARDS / f"{deck_id}.yaml", known_families=FAMILIES) for deck_id in REVIEWED}
ALL_CARDS = [(deck, card) for deck in DECKS.values() for card in deck.cards]
IDS = [deck.full_id(card) for deck, card in ALL_CARDS]
COMPUTED = [(deck, card) for deck, card in ALL_CARDS if card.engine]
MARKUP = (
    re.compile(r"\*\*"),                       # bold
    re.compile(r"`"),                          # code
    re.compile(r"(?m)^#{1,6} "),               # heading
    re.compile(r"(?<![\w*])\*[^*\s][^*\n]*\*(?![\w*])"),   # *emphasis*
    re.compile(r"(?<!\w)_[^_\s][^_\n]*_(?!\w)"),           # _emphasis_
)


def _markup(text: str) -> int:
    return sum(len(pattern.findall(text)) for pattern in MARKUP)


@pytest.mark.parametrize("deck, card", ALL_CARDS, ids=IDS)
def test_no_side_is_empty(deck: Deck, card: Card) -> None:
    assert card.front.strip() and card.back.strip()


def test_the_computed_cards_the_review_added_are_there() -> None:
    computed = {deck.full_id(card): card.engine.family for deck, card in COMPUTED if card.engine}
    assert computed == {
        "lesson-6/007": "init_scale",
        "dl-xgb-bert/002": "linear_param_count",
        "dl-xgb-bert/005": "softmax",
        "dl-xgb-bert/011": "cross_entropy",
        "dl-xgb-bert/022": "init_scale",
        "dl-xgb-bert/076": "activation_memory",
        "dl-xgb-bert/078": "conv2d_output_size",
        "dl-xgb-bert/079": "conv2d_output_size",
        "dl-xgb-bert/081": "conv2d_param_count",
        "dl-xgb-bert/084": "conv2d_param_count",
        "dl-xgb-bert/086": "pool_output_size",
        "dl-xgb-bert/108": "adam_step",
    }


@pytest.mark.parametrize("deck, card", COMPUTED, ids=[deck.full_id(card) for deck, card in COMPUTED])
def test_every_computed_back_states_its_examples_value(deck: Deck, card: Card) -> None:
    assert card.engine is not None
    entry = audit_card(deck.full_id(card), card.engine.family, dict(card.engine.params), card.back)
    assert entry.verdict == "ok", entry


def test_blocks_ask_what_their_card_asks() -> None:
    xavier = DECKS["lesson-6"].card("007").engine          # titled Xavier/Glorot
    assert xavier is not None and xavier.params["scheme"] == "xavier"
    bce = DECKS["dl-xgb-bert"].card("011").engine          # binary cross-entropy: two classes, never varied
    assert bce is not None and len(bce.params["probs"]) == 2 and not bce.vary


def test_hand_computed_examples() -> None:
    """The values the backs state, computed here by hand from the published formulas."""
    backs = {card.id: card.back for card in DECKS["dl-xgb-bert"].cards}
    assert backs["002"].endswith(f"= {10 * (100 + 1)} parameters")                  # M·(N+1)
    assert backs["084"].endswith(f"= {45 * (5 * 5 * 32 + 1)} parameters")           # out·(in·k·k + 1)
    assert backs["081"].endswith(f"= {4 * (5 * 5 * 3 + 1)} parameters")
    assert f"= {28 * 28 * 3} values" in backs["076"]
    assert backs["078"].endswith(f"the output is {28 - 3 + 1}x{28 - 3 + 1}.")      # N − k + 1
    assert backs["079"].endswith(f"the output is {(28 + 2 - 3) // 2 + 1}x{(28 + 2 - 3) // 2 + 1}.")
    assert DECKS["lesson-6"].card("007").back.endswith(f"= {(2 / (100 + 100)) ** 0.5:g}")


@pytest.mark.parametrize("deck, card", ALL_CARDS, ids=IDS)
def test_corrections_keep_the_source_and_give_a_one_line_reason(deck: Deck, card: Card) -> None:
    for erratum in card.errata:
        assert erratum.note.strip() and "\n" not in erratum.note
        # A note without a field shows on the front too, where it could give the answer away.
        assert erratum.field in ("front", "back")
        if erratum.original is not None:
            assert getattr(card, erratum.field) != erratum.original


@pytest.mark.parametrize("deck, card", ALL_CARDS, ids=IDS)
def test_curated_text_adds_no_markdown(deck: Deck, card: Card) -> None:
    for side in ("front", "back"):
        assert _markup(getattr(card, side)) <= _markup(card.source_text(side)), side
    for erratum in card.errata:
        assert _markup(erratum.note) == 0
