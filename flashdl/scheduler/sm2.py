"""SM-2, exactly as DESIGN §4 states it: a pure function of (state, grade, study day).

``review(state, grade, day)`` returns a ``ReviewOutcome`` holding the new
state and what the review-log row needs; it never mutates its input, reads
no clock and does no I/O. The caller (the study service) turns a moment into
a study day with ``flashdl.clock.study_day``; this module only sees dates.

Numbers are integers throughout. The E-Factor is kept in per-mille (2.5 is
2500, as Anki stores ease): every SM-2 step is a multiple of 0.02, so integer
arithmetic is exact where floating point is not (1.3 + 0.1 + 0.1 != 1.5, and
``ceil(6 * 1.5)`` must be 9, not 10).

Same-day rule (§4.5): the first review of a card on a study day is an SM-2
review (kind NEW for a card never seen, else REVIEW) and changes n, EF and I.
Any further review that day is a DRILL: it changes nothing but whether the
card still has to come back today (graded < 4 -> it does).

Card state is a fold over the review log: ``replay(reviews)`` rebuilds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import IntEnum

INITIAL_EASE = 2500  # per-mille: EF 2.5
MINIMUM_EASE = 1300  # EF 1.3
FIRST_INTERVAL = 1  # days, after the first successful review
SECOND_INTERVAL = 6  # days, after the second
PASS_GRADE = 3  # q >= 3 is a successful recall
REPEAT_BELOW = 4  # q < 4 brings the card back later the same study day
MIN_GRADE, MAX_GRADE = 0, 5


class Grade(IntEnum):
    """SM-2 response quality q (stored as is in the review log)."""

    BLACKOUT = 0
    WRONG_FAMILIAR = 1
    WRONG_EASY_RECALL = 2
    HARD = 3
    HESITANT = 4
    PERFECT = 5


class Rating(IntEnum):
    """Anki's answer buttons (revlog ``ease``), for interoperability."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class ReviewKind(IntEnum):
    """What a review-log row records (stored)."""

    NEW = 0  # first review of a never-seen card
    REVIEW = 1  # first review of a seen card on a study day
    DRILL = 2  # a same-day repeat: changes no SM-2 number


@dataclass(frozen=True)
class CardState:
    """The scheduling state of one card.

    ``ease`` is per-mille, ``interval`` whole days; ``due`` and ``last_review``
    are study days (None: never reviewed). ``repeat_pending`` says the card was
    graded < 4 on ``last_review`` and must come back that same study day.
    """

    repetitions: int = 0
    ease: int = INITIAL_EASE
    interval: int = 0
    due: date | None = None
    last_review: date | None = None
    repeat_pending: bool = False

    @property
    def is_new(self) -> bool:
        return self.last_review is None


@dataclass(frozen=True)
class ReviewOutcome:
    """The result of one review: the state after it and the log row's facts."""

    before: CardState
    after: CardState
    grade: int
    kind: ReviewKind
    rating: Rating
    day: date


def rating_for(grade: int) -> Rating:
    """Map an SM-2 grade to Anki's 1-4 rating: 0-2 Again, 3 Hard, 4 Good, 5 Easy."""
    _check_grade(grade)
    if grade < PASS_GRADE:
        return Rating.AGAIN
    return Rating(grade - 1)


def review(state: CardState, grade: int, day: date) -> ReviewOutcome:
    """Apply one graded review on study day ``day``; ``state`` is left untouched.

    Raises ``ValueError`` for a grade outside 0..5, a ``datetime`` where a
    study-day ``date`` belongs, a day before the card's last review, or an
    interval so long its due date would fall past the year 9999.
    """
    _check_grade(grade)
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"review needs a study day (a date), not {type(day).__name__}")
    if state.last_review is not None and day < state.last_review:
        raise ValueError(f"review on {day} is before the card's last review on {state.last_review}")
    pending = grade < REPEAT_BELOW
    if state.last_review == day:
        after = replace(state, repeat_pending=pending)
        kind = ReviewKind.DRILL
    else:
        repetitions, interval = _next_repetition(
            repetitions=state.repetitions, interval=state.interval, ease=state.ease, grade=grade
        )
        try:
            due = day + timedelta(days=interval)
        except OverflowError:  # only scripted histories get here: ~25 perfect reviews in a row
            raise ValueError(f"an interval of {interval} days would fall past the year 9999") from None
        after = CardState(
            repetitions=repetitions,
            ease=next_ease(state.ease, grade),
            interval=interval,
            due=due,
            last_review=day,
            repeat_pending=pending,
        )
        kind = ReviewKind.NEW if state.is_new else ReviewKind.REVIEW
    return ReviewOutcome(
        before=state, after=after, grade=grade, kind=kind, rating=rating_for(grade), day=day
    )


def next_ease(ease: int, grade: int) -> int:
    """EF' = max(1.3, EF + 0.1 - (5-q)(0.08 + (5-q)0.02)), in per-mille."""
    miss = MAX_GRADE - grade
    return max(MINIMUM_EASE, ease + 100 - miss * (80 + miss * 20))


def next_interval(interval: int, ease: int) -> int:
    """ceil(I x EF) with EF in per-mille, in integers: ceil(6 x 1.5) is 9."""
    return -(-interval * ease // 1000)


def _next_repetition(*, repetitions: int, interval: int, ease: int, grade: int) -> tuple[int, int]:
    if grade < PASS_GRADE:
        return 0, FIRST_INTERVAL
    if repetitions == 0:
        return 1, FIRST_INTERVAL
    if repetitions == 1:
        return 2, SECOND_INTERVAL
    return repetitions + 1, next_interval(interval, ease)


def replay(reviews: Iterable[tuple[date, int]], start: CardState | None = None) -> CardState:
    """The state a card reaches through ``(study day, grade)`` reviews, in log order."""
    state = start or CardState()
    for day, grade in reviews:
        state = review(state, grade, day).after
    return state


def _check_grade(grade: int) -> None:
    if isinstance(grade, bool) or not isinstance(grade, int) or not MIN_GRADE <= grade <= MAX_GRADE:
        raise ValueError(f"grade {grade!r} is outside {MIN_GRADE}..{MAX_GRADE}")
