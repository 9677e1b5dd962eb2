"""Which exercise a computed card shows, and checking typed answers through the engine."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from flashdl.deck.model import EngineSpec
from flashdl.engine import generate_variant
from flashdl.services.exercises import exercise_for

PARAMS = {"in_channels": 3, "out_channels": 10, "kernel": [5, 5], "bias": True}


def card(engine: EngineSpec | None) -> SimpleNamespace:
    return SimpleNamespace(id=42, engine=engine)


def test_a_varying_card_draws_one_seed_per_review() -> None:
    seeds = itertools.count(11)
    first = exercise_for(card(EngineSpec("conv2d_param_count", PARAMS, vary=True)), seeds.__next__)
    second = exercise_for(card(EngineSpec("conv2d_param_count", PARAMS, vary=True)), seeds.__next__)
    assert first is not None and second is not None
    assert (first.seed, second.seed) == (11, 12) and first.varies
    variant = generate_variant("conv2d_param_count", 11, like=PARAMS)  # the card's question, seed 11
    assert first.params == variant.params and first.prompt == variant.prompt
    assert first.answer == variant.answer and first.solution == variant.solution


def test_a_fixed_card_uses_its_own_numbers_and_no_seed() -> None:
    def no_seed() -> int:
        raise AssertionError("a fixed card must not draw a seed")

    exercise = exercise_for(card(EngineSpec("conv2d_param_count", PARAMS)), no_seed)
    assert exercise is not None and not exercise.varies
    assert exercise.params == PARAMS and exercise.answer == 760
    assert "3 input channels" in exercise.prompt and "760" in exercise.solution
    assert exercise.check("760").correct
    assert not exercise.check("750").correct
    verdict = exercise.check("seven hundred")
    assert not verdict.correct and verdict.feedback


def test_cards_the_engine_cannot_use_are_studied_as_plain_cards() -> None:
    assert exercise_for(card(None), lambda: 1) is None
    assert exercise_for(card(EngineSpec("no_such_family", {})), lambda: 1) is None
    assert exercise_for(card(EngineSpec("conv2d_param_count", {"kernel": "big"})), lambda: 1) is None
