"""``sm2.replay_rows``, the batch replay a history import uses, against an independent slow SM-2.

The reference below is SM-2 as DESIGN §4 states it, in exact fractions and
``date`` objects, with the two import policies written out by hand: a review
dated before the card's last one counts as a same-day repeat on that last day
(``LAST_DAY``), and a due date past 9999-12-31 becomes 9999-12-31 (``CLAMP``).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.scheduler import sm2

D0 = date(2024, 1, 1).toordinal()


def reference(reviews: list[tuple[int, int]], *, policies: bool) -> list[tuple[object, ...]]:
    """Rows ``(day, rating, kind, n, n', EF, EF', I, I', due, due', last, pending)`` one review at a time."""
    n, ef, interval, due, last, pending = 0, Fraction(5, 2), 0, None, None, 0
    rows: list[tuple[object, ...]] = []
    for ordinal, q in reviews:
        day = date.fromordinal(ordinal)
        if last is not None and day < last:
            if not policies:
                raise ValueError("before the last review")
            day = last
        rating = 1 if q < 3 else q - 1
        if day == last:
            row = (day, rating, 2, n, n, ef, ef, interval, interval, due, due, last, pending)
        else:
            if q < 3:
                n2, interval2 = 0, 1
            else:
                interval2 = 1 if n == 0 else 6 if n == 1 else math.ceil(interval * ef)
                n2 = n + 1
            ef2 = max(Fraction(13, 10),
                      ef + Fraction(1, 10) - (5 - q) * (Fraction(8, 100) + (5 - q) * Fraction(2, 100)))
            if (date.max - day).days < interval2:
                if not policies:
                    raise ValueError("past the year 9999")
                due2 = date.max
            else:
                due2 = day + timedelta(days=interval2)
            row = (day, rating, 0 if last is None else 1, n, n2, ef, ef2, interval, interval2, due, due2,
                   last, pending)
            n, ef, interval, due, last = n2, ef2, interval2, due2, day
        pending = int(q < 4)
        rows.append(row)
    return rows


def as_reference(row: sm2.ReplayRow) -> tuple[object, ...]:
    day, rating, kind, n, n2, ease, ease2, interval, interval2, due, due2, last, pending = row

    def when(ordinal: int | None) -> date | None:
        return None if ordinal is None else date.fromordinal(ordinal)

    return (when(day), rating, kind, n, n2, Fraction(ease, 1000), Fraction(ease2, 1000), interval, interval2,
            when(due), when(due2), when(last), pending)


REVIEWS = st.lists(st.tuples(st.integers(-3, 30), st.integers(0, 5)), min_size=1, max_size=40)


@settings(max_examples=400, deadline=None)
@given(REVIEWS)
def test_import_policies_match_the_slow_reference(steps: list[tuple[int, int]]) -> None:
    """Gaps of -3..30 days: same-day repeats and clocks going back, as histories bring them."""
    reviews, day = [], D0
    for gap, grade in steps:
        day += gap
        reviews.append((day, grade))
    rows = sm2.replay_rows(reviews, clock_back=sm2.LAST_DAY, past_9999=sm2.CLAMP)
    assert [as_reference(row) for row in rows] == reference(reviews, policies=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 5)), min_size=1, max_size=40))
def test_default_policies_are_review(steps: list[tuple[int, int]]) -> None:
    """With the default policies, each row is what ``sm2.review`` does to the state before it."""
    reviews, day = [], D0
    for gap, grade in steps:
        day += gap
        reviews.append((day, grade))
    state, expected = sm2.CardState(), []
    try:
        for ordinal, grade in reviews:
            outcome = sm2.review(state, grade, date.fromordinal(ordinal))
            expected.append(as_reference((
                ordinal, outcome.rating, outcome.kind, state.repetitions, outcome.after.repetitions,
                state.ease, outcome.after.ease, state.interval, outcome.after.interval,
                None if state.due is None else state.due.toordinal(), outcome.after.due.toordinal(),  # type: ignore[union-attr]
                None if state.last_review is None else state.last_review.toordinal(), int(state.repeat_pending))))
            state = outcome.after
    except ValueError as error:  # a dozen daily passes multiply the interval past the year 9999: refused
        assert "past the year 9999" in str(error)
        with pytest.raises(ValueError, match="past the year 9999"):
            list(sm2.replay_rows(reviews))
        return
    assert [as_reference(row) for row in sm2.replay_rows(reviews)] == expected
    assert reference(reviews, policies=False) == expected


def test_a_long_run_of_passes_is_clamped_at_9999_or_refused() -> None:
    reviews = [(3_000_000 + 400 * k, 5) for k in range(40)]
    rows = list(sm2.replay_rows(reviews, clock_back=sm2.LAST_DAY, past_9999=sm2.CLAMP))
    assert [as_reference(row) for row in rows] == reference(reviews, policies=True)
    assert rows[-1][10] == date.max.toordinal()
    with pytest.raises(ValueError, match="past the year 9999"):
        list(sm2.replay_rows(reviews))
    with pytest.raises(ValueError, match="past the year 9999"):
        sm2.replay([(date.fromordinal(d), g) for d, g in reviews])


def test_a_clock_going_back_is_refused_by_default() -> None:
    with pytest.raises(ValueError, match="before the card's last review"):
        list(sm2.replay_rows([(D0 + 5, 4), (D0 + 4, 4)]))
    assert [row[0] for row in sm2.replay_rows([(D0 + 5, 4), (D0 + 4, 4)], clock_back=sm2.LAST_DAY)] == [
        D0 + 5, D0 + 5]


@pytest.mark.parametrize("grade", [-1, 6])
def test_bad_grades_are_refused(grade: int) -> None:
    with pytest.raises(ValueError, match="outside 0..5"):
        list(sm2.replay_rows([(D0, grade)]))
