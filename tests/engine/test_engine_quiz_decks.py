"""Every computed card of quiz-2 and quiz-3 states its example's answer, and that answer is
right: checked against values worked out by hand (the arithmetic is in the comments), not
against the engine alone. The backs corrected by errata are rejected in their source form."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from flashdl.deck.files import load_deck_file
from flashdl.engine import FAMILIES
from flashdl.engine.audit import audit_card
from flashdl.engine.registry import get_family

CARDS = Path(__file__).resolve().parents[2] / "cards"
DECKS = {deck_id: load_deck_file(CARDS / f"{deck_id}.yaml", known_families=FAMILIES)
         for deck_id in ("quiz-2", "quiz-3")}

BY_HAND: dict[str, Any] = {
    "quiz-2/008": math.log(10),                 # uniform softmax over 10 classes: −ln(1/10)
    "quiz-2/016": 0.1,                          # √(1/100)
    "quiz-2/017": [4, 8, 12],                   # classic dropout at test time: 0.8 · (5, 10, 15)
    "quiz-2/021": 448,                          # (3·3·3 + 1)·16
    "quiz-2/024": 0.7,                          # (40 + 30) / 100
    "quiz-2/026": 0.9,                          # first Adam step has size lr: 1 − 0.1
    "quiz-2/027": [[4, 4], [4, 4]],             # flipped kernel: e − a of each 2×2 patch of 1…9
    "quiz-2/039": 0.25,                         # 10 / (10 + 30)
    "quiz-2/043": 1024 * 1024 * 100 + 100,
    "quiz-2/063": 0.25,                         # √(6 / (64 + 32))
    "quiz-2/065": [[0, 1 / 3], [1 / 3, 2 / 3], [2 / 3, 1]],
    "quiz-2/073": [[4, 5], [6, 3]],             # max of each 2×2 block
    "quiz-2/078": 128,                          # γ and β for 64 channels
    "quiz-2/079": 2 / 3,                        # 40 / (40 + 20)
    "quiz-2/080": 416,                          # (5·5 + 1)·16
    "quiz-2/097": [16, 16],                     # ⌊(32 + 2 − 3)/2⌋ + 1
    "quiz-3/001": 8,                            # 1 + 2·1 + 1·1 + 2·2
    "quiz-3/026": [32, 32],                     # 32 + 2 − 3 + 1
    "quiz-3/027": [24, 24],                     # 28 − 5 + 1
    "quiz-3/028": [16, 16],                     # (32 − 2)/2 + 1
    "quiz-3/035": [[3, 7], [0, 2]],             # dL/dW = 1·[1 2; 0 1] − 1·[0 1; 2 1] + 2·[1 3; 1 1]
    "quiz-3/037": 7,                            # 1 + 3·(3 − 1)
    "quiz-3/060": [[1, 0, 2, 0], [2, 1, 4, 2], [3, 0, -1, 0], [6, 3, -2, -1]],   # value·kernel stamps
    "quiz-3/076": [[-4, -4], [-4, -4]],         # a − e of each 2×2 patch
    "quiz-3/078": [2, 2],                       # (4 − 2)/2 + 1
    "quiz-3/079": [4, 4],                       # dL/dX has the input's shape: (2 − 1)·2 + 2
    "quiz-3/081": [4, 4],                       # (3 − 1)·1 + 2
    "quiz-3/082": 760,                          # (3·5·5 + 1)·10
    "quiz-3/083": 2352,                         # 28·28·3
}

COMPUTED = sorted(f"{deck.id}/{card.id}" for deck in DECKS.values() for card in deck.cards if card.engine)


def card(full_id: str) -> Any:
    deck_id, card_id = full_id.split("/")
    return DECKS[deck_id].card(card_id)


def test_every_computed_card_has_a_hand_worked_value() -> None:
    assert sorted(BY_HAND) == COMPUTED


@pytest.mark.parametrize("full_id", COMPUTED)
def test_the_engine_and_the_back_agree_with_the_hand_worked_value(full_id: str) -> None:
    spec = card(full_id).engine
    solved = get_family(spec.family).solve(dict(spec.params))
    assert np.allclose(np.asarray(solved, dtype=float), np.asarray(BY_HAND[full_id], dtype=float), rtol=1e-4)
    entry = audit_card(full_id, spec.family, dict(spec.params), card(full_id).back)
    assert entry.verdict == "ok", entry


@pytest.mark.parametrize("full_id", ["quiz-3/079"])
def test_the_source_answer_that_the_errata_corrected_is_rejected(full_id: str) -> None:
    corrected = card(full_id)
    original = corrected.source_text("back")
    assert original != corrected.back
    spec = corrected.engine
    assert audit_card(full_id, spec.family, dict(spec.params), original).verdict == "wrong"


def test_no_note_on_a_front_states_the_answer() -> None:
    """Notes shown with the question must not give the answer away (quiz-3/077 and /081 did)."""
    # 081's question itself names the 4x4 input, so its give-away was the statement about dL/dX
    for full_id, answer in [("quiz-3/077", "94"), ("quiz-3/077", "285"), ("quiz-3/081", "dL/dX")]:
        shown_with_front = [e.note for e in card(full_id).errata if e.field in ("front", None)]
        assert not any(answer in note for note in shown_with_front), full_id


@pytest.mark.parametrize("deck_id", sorted(DECKS))
def test_every_back_says_something(deck_id: str) -> None:
    assert all(c.back.strip() for c in DECKS[deck_id].cards)
