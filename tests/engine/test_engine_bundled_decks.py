"""The bundled decks' engine blocks are valid, their stated answers agree with the engine,
and the answers corrected by errata are exactly the ones the audit rejects."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashdl.deck.files import load_deck_file
from flashdl.engine import FAMILIES
from flashdl.engine.audit import audit_card

CARDS = Path(__file__).resolve().parents[2] / "cards"
COMPUTED = [(deck, card) for path in sorted(CARDS.glob("*.yaml"))
            for deck in [load_deck_file(path, known_families=FAMILIES)] for card in deck.cards if card.engine]


def test_the_decks_have_computed_cards_of_many_families() -> None:
    assert len(COMPUTED) >= 25
    assert len({card.engine.family for _, card in COMPUTED}) >= 12


@pytest.mark.parametrize("deck, card", COMPUTED, ids=[deck.full_id(card) for deck, card in COMPUTED])
def test_stated_answers_are_not_wrong(deck, card) -> None:
    entry = audit_card(deck.full_id(card), card.engine.family, dict(card.engine.params), card.back)
    assert entry.verdict in ("ok", "unparsed"), entry


@pytest.mark.parametrize("full_id", ["quiz-3/076", "quiz-3/083"])
def test_the_audit_rejects_the_original_answers_that_errata_corrected(full_id: str) -> None:
    deck, card = next((d, c) for d, c in COMPUTED if d.full_id(c) == full_id)
    original = card.source_text("back")
    assert original != card.back
    entry = audit_card(full_id, card.engine.family, dict(card.engine.params), original)
    assert entry.verdict == "wrong"
    assert audit_card(full_id, card.engine.family, dict(card.engine.params), card.back).verdict == "ok"


def test_every_family_can_be_studied_from_the_bundled_decks() -> None:
    assert {card.engine.family for _, card in COMPUTED} == set(FAMILIES)


def test_the_exercise_deck_states_every_answer_and_gets_it_right() -> None:
    cards = [(deck, card) for deck, card in COMPUTED if deck.id == "dl-exercises"]
    assert {card.engine.family for _, card in cards} == set(FAMILIES)
    verdicts = {deck.full_id(card): audit_card(deck.full_id(card), card.engine.family, dict(card.engine.params),
                                                card.back).verdict for deck, card in cards}
    assert set(verdicts.values()) == {"ok"}, verdicts
