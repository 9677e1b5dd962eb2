"""SM-2 against hand-worked sequences (DESIGN §4) and its invariants.

The expected numbers below were worked out by hand from the published
algorithm, step by step in the comments, not copied from the code's output.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.scheduler.sm2 import (
    CardState,
    Rating,
    ReviewKind,
    next_interval,
    rating_for,
    replay,
    review,
)

D0 = date(2024, 1, 1)


def day(offset: int) -> date:
    return D0 + timedelta(days=offset)


def run(steps: list[tuple[int, int]]) -> list[CardState]:
    """Apply (day offset, grade) reviews in order; return each state after."""
    state = CardState()
    states = []
    for offset, grade in steps:
        state = review(state, grade, day(offset)).after
        states.append(state)
    return states


def summary(state: CardState) -> tuple[int, int, int, date | None]:
    return state.repetitions, state.ease, state.interval, state.due


def test_all_perfect_grades() -> None:
    # n=0, EF=2.5, I=0.
    # day 0, q=5: pass, n==0 -> I=1, n=1; EF = 2.5 + 0.1 - 0 = 2.6; due day 1.
    # day 1, q=5: n==1 -> I=6, n=2; EF = 2.7; due day 7.
    # day 7, q=5: I = ceil(6 x 2.7) = ceil(16.2) = 17, n=3; EF = 2.8; due day 24.
    # day 24, q=5: I = ceil(17 x 2.8) = ceil(47.6) = 48, n=4; EF = 2.9; due day 72.
    states = run([(0, 5), (1, 5), (7, 5), (24, 5)])
    assert [summary(s) for s in states] == [
        (1, 2600, 1, day(1)),
        (2, 2700, 6, day(7)),
        (3, 2800, 17, day(24)),
        (4, 2900, 48, day(72)),
    ]


def test_all_grade_four_keeps_ease() -> None:
    # q=4: EF + 0.1 - 1 x (0.08 + 1 x 0.02) = EF + 0, so EF stays 2.5.
    # I: 1, 6, ceil(6 x 2.5) = 15, ceil(15 x 2.5) = ceil(37.5) = 38, ceil(38 x 2.5) = 95.
    # Due days: 0+1 = 1, 1+6 = 7, 7+15 = 22, 22+38 = 60, 60+95 = 155.
    states = run([(0, 4), (1, 4), (7, 4), (22, 4), (60, 4)])
    assert [s.interval for s in states] == [1, 6, 15, 38, 95]
    assert {s.ease for s in states} == {2500}
    assert states[-1].due == day(155)


def test_ceil_six_times_one_and_a_half_is_nine() -> None:
    # day 0, q=1: fail -> n=0, I=1; EF = 2.5 + 0.1 - 4 x (0.08 + 0.08) = 2.5 - 0.54 = 1.96.
    # day 1, q=2: fail -> n=0, I=1; EF = 1.96 + 0.1 - 3 x (0.08 + 0.06) = 1.96 - 0.32 = 1.64.
    # day 2, q=3: pass, n==0 -> I=1, n=1; EF = 1.64 + 0.1 - 2 x (0.08 + 0.04) = 1.64 - 0.14 = 1.50.
    # day 3, q=4: n==1 -> I=6, n=2; EF stays 1.50.
    # day 9, q=4: I = ceil(6 x 1.5) = 9 (in floats 1.5000000000000002 gives 10), n=3; due day 18.
    states = run([(0, 1), (1, 2), (2, 3), (3, 4), (9, 4)])
    assert [summary(s) for s in states] == [
        (0, 1960, 1, day(1)),
        (0, 1640, 1, day(2)),
        (1, 1500, 1, day(3)),
        (2, 1500, 6, day(9)),
        (3, 1500, 9, day(18)),
    ]
    assert next_interval(6, 1500) == 9


def test_ease_floor() -> None:
    # q=0: EF + 0.1 - 5 x (0.08 + 0.1) = EF - 0.8: 2.5 -> 1.7 -> max(1.3, 0.9) = 1.3 -> 1.3.
    states = run([(0, 0), (1, 0), (2, 0)])
    assert [s.ease for s in states] == [1700, 1300, 1300]
    assert all(s.repetitions == 0 and s.interval == 1 for s in states)


def test_fail_resets_repetitions_and_interval_not_ease() -> None:
    # Three 5s as above: n=3, I=17, EF=2.8 (due day 24).
    # day 24, q=2: n=0, I=1; EF = 2.8 - 0.32 = 2.48 (lowered, not reset to 2.5); due day 25.
    # day 25, q=4: n=1, I=1, EF 2.48; due 26.  day 26, q=4: n=2, I=6; due 32.
    # day 32, q=4: I = ceil(6 x 2.48) = ceil(14.88) = 15.
    states = run([(0, 5), (1, 5), (7, 5), (24, 2), (25, 4), (26, 4), (32, 4)])
    assert [summary(s) for s in states[3:]] == [
        (0, 2480, 1, day(25)),
        (1, 2480, 1, day(26)),
        (2, 2480, 6, day(32)),
        (3, 2480, 15, day(47)),
    ]


def test_same_day_repeats_are_drill() -> None:
    # New card, day 0, q=2: kind NEW; n=0, I=1, EF = 2.5 - 0.32 = 2.18; comes back today.
    # Same day q=3: DRILL, numbers unchanged, still comes back (3 < 4).
    # Same day q=5: DRILL, numbers unchanged, done for today.
    first = review(CardState(), 2, D0)
    second = review(first.after, 3, D0)
    third = review(second.after, 5, D0)
    assert [o.kind for o in (first, second, third)] == [
        ReviewKind.NEW, ReviewKind.DRILL, ReviewKind.DRILL
    ]
    assert summary(third.after) == (0, 2180, 1, day(1))
    assert [o.after.repeat_pending for o in (first, second, third)] == [True, True, False]
    # Next day: an ordinary review.  q=4, n==0 -> I=1, n=1, EF 2.18.
    nxt = review(third.after, 4, day(1))
    assert nxt.kind is ReviewKind.REVIEW
    assert summary(nxt.after) == (1, 2180, 1, day(2))


def test_rating_map() -> None:
    assert [rating_for(g) for g in range(6)] == [
        Rating.AGAIN, Rating.AGAIN, Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY
    ]


@pytest.mark.parametrize("grade", [-1, 6, 2.5, True, "3"])
def test_bad_grades_rejected(grade: object) -> None:
    with pytest.raises(ValueError):
        review(CardState(), grade, D0)  # type: ignore[arg-type]


def test_rejects_datetimes_and_time_travel() -> None:
    with pytest.raises(ValueError):
        review(CardState(), 4, datetime(2024, 1, 1, 12))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        review(CardState(), 4, datetime(2024, 1, 1, 12, tzinfo=UTC))  # type: ignore[arg-type]
    seen = review(CardState(), 4, day(5)).after
    with pytest.raises(ValueError, match="before"):
        review(seen, 4, day(4))


def test_review_never_mutates() -> None:
    state = CardState(repetitions=2, ease=2360, interval=6, due=day(6), last_review=D0)
    copy = replace(state)
    review(state, 1, day(6))
    assert state == copy


# ---- invariants -------------------------------------------------------------------------

grades = st.integers(min_value=0, max_value=5)
gaps = st.integers(min_value=0, max_value=40)
histories = st.lists(st.tuples(gaps, grades), min_size=1, max_size=40)


def days_of(history: list[tuple[int, int]]) -> list[tuple[date, int]]:
    out, offset = [], 0
    for gap, grade in history:
        offset += gap
        out.append((day(offset), grade))
    return out


@settings(deadline=None)  # timing-independent: a busy CI machine must not fail it
@given(histories)
def test_ease_floor_and_steps(history: list[tuple[int, int]]) -> None:
    state = CardState()
    for when, grade in days_of(history):
        state = review(state, grade, when).after
        assert state.ease >= 1300
        assert (state.ease - 2500) % 20 == 0 or state.ease == 1300
        assert state.interval >= 1 and state.due == state.last_review + timedelta(days=state.interval)


@settings(deadline=None)  # timing-independent: a busy CI machine must not fail it
@given(histories)
def test_matches_exact_rational_sm2(history: list[tuple[int, int]]) -> None:
    """The integer implementation equals SM-2 computed in exact fractions."""
    n, ef, interval, last = 0, Fraction(5, 2), 0, None
    state = CardState()
    for when, q in days_of(history):
        state = review(state, q, when).after
        if when != last:
            if q >= 3:
                interval = 1 if n == 0 else 6 if n == 1 else math.ceil(interval * ef)
                n += 1
            else:
                n, interval = 0, 1
            ef = max(Fraction(13, 10), ef + Fraction(1, 10) - (5 - q) * (Fraction(8, 100) + (5 - q) * Fraction(2, 100)))
            last = when
        assert (state.repetitions, Fraction(state.ease, 1000), state.interval) == (n, ef, interval)


@settings(deadline=None)  # timing-independent: a busy CI machine must not fail it
@given(st.lists(st.integers(min_value=3, max_value=5), min_size=3, max_size=12), st.integers(0, 5))
def test_interval_sequence_on_passes(passes: list[int], start_fail: int) -> None:
    """After a reset, passing reviews give 1, 6, then ceil(previous x EF before)."""
    state = review(CardState(), min(start_fail, 2), D0).after
    offset = 0
    intervals, eases = [], []
    for q in passes:
        offset += state.interval
        eases.append(state.ease)
        state = review(state, q, day(offset)).after
        intervals.append(state.interval)
    assert intervals[:2] == [1, 6]
    for i in range(2, len(intervals)):
        assert intervals[i] == math.ceil(Fraction(intervals[i - 1]) * Fraction(eases[i], 1000))


@settings(deadline=None)  # timing-independent: a busy CI machine must not fail it
@given(histories, st.integers(0, 2))
def test_fail_resets_n_and_interval_keeps_lowered_ease(history: list[tuple[int, int]], q: int) -> None:
    reviews = days_of(history)
    state = replay(reviews)
    later = state.last_review + timedelta(days=1)
    after = review(state, q, later).after
    assert (after.repetitions, after.interval) == (0, 1)
    assert after.ease == max(1300, state.ease + 100 - (5 - q) * (80 + (5 - q) * 20))


@settings(deadline=None)  # timing-independent: a busy CI machine must not fail it
@given(histories, grades)
def test_same_day_repeat_changes_only_pending(history: list[tuple[int, int]], q: int) -> None:
    state = replay(days_of(history))
    outcome = review(state, q, state.last_review)
    assert outcome.kind is ReviewKind.DRILL
    assert replace(outcome.after, repeat_pending=state.repeat_pending) == state
    assert outcome.after.repeat_pending == (q < 4)


@settings(deadline=None)  # timing-independent: a busy CI machine must not fail it
@given(histories)
def test_replay_is_the_fold(history: list[tuple[int, int]]) -> None:
    reviews = days_of(history)
    state = CardState()
    for when, grade in reviews:
        state = review(state, grade, when).after
    assert replay(reviews) == state
