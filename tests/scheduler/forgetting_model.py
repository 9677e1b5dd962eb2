"""Synthetic review histories whose recall follows a known model that is not FSRS's.

Each card has a half-life drawn from a lognormal; recall after t days is
2^(-t / h) (an exponential forgetting curve). A recall multiplies h by a
card-specific growth factor (also lognormal), a lapse shortens it. Reviews
are scheduled by flashdl's own SM-2 (DESIGN §4), with users often late by
a random number of days, and a same-day repeat after every grade below 4.
Seeded ``numpy.random.default_rng``: the same seed gives the same histories.
Used by the FSRS tests and by ``benchmarks/bench_fsrs.py``.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from flashdl.scheduler import sm2

START = date(2024, 1, 1)


def synthetic_histories(cards: int, reviews_per_card: int, *, seed: int = 0,
                        start: date = START) -> list[list[tuple[date, int]]]:
    """``cards`` histories of ``reviews_per_card`` first-of-day reviews each (plus same-day repeats)."""
    rng = np.random.default_rng(seed)
    half_lives = rng.lognormal(mean=np.log(4.0), sigma=0.8, size=cards)
    growth = rng.lognormal(mean=np.log(2.6), sigma=0.25, size=cards)
    histories = []
    for card in range(cards):
        h = float(half_lives[card])
        day = start + timedelta(days=int(rng.integers(0, 60)))
        state = sm2.CardState()
        history: list[tuple[date, int]] = []
        for review_number in range(reviews_per_card):
            if review_number == 0:
                recalled = bool(rng.random() < 0.7)  # a first sight: the card may be known already
            else:
                elapsed = (day - history[-1][0]).days
                recalled = bool(rng.random() < 2.0 ** (-elapsed / h))
                h = h * float(growth[card]) if recalled else max(0.3, h * 0.5)
            grade = int(rng.choice([3, 4, 4, 5])) if recalled else int(rng.integers(0, 3))
            history.append((day, grade))
            state = sm2.review(state, grade, day).after
            if grade < sm2.REPEAT_BELOW:  # the same-day rule: seen again until graded >= 4
                history.append((day, 4))
                state = sm2.review(state, 4, day).after
            assert state.due is not None
            late = int(rng.geometric(0.5)) - 1 if rng.random() < 0.6 else int(rng.integers(0, state.interval + 1))
            day = state.due + timedelta(days=late)
        histories.append(history)
    return histories
