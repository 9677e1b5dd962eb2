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

Card state is a fold over the review log: ``replay(reviews)`` rebuilds it,
and ``replay_rows`` rebuilds a whole log as plain rows (a history import).
Both, and ``review``, are loops over ``step``, which holds every rule once.

Two log rows are not reviews (Anki's browser actions, logged as Anki logs
them, with grade and rating 0): ``forget`` (kind RESET) makes the card new
again and ``set_due`` (kind RESCHEDULE) moves its due day. ``replay_log``
folds a log holding all five kinds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
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
    """Anki's answer buttons (revlog ``ease``), for interoperability; 0 on a row that is no
    review (``ReviewKind.RESET``/``RESCHEDULE``), as Anki's ``ease`` 0 on a manual row."""

    MANUAL = 0
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class ReviewKind(IntEnum):
    """What a review-log row records (stored)."""

    NEW = 0  # first review of a new card (never reviewed, no due day)
    REVIEW = 1  # first review of a seen card on a study day
    DRILL = 2  # a same-day repeat: changes no SM-2 number
    RESET = 3  # Forget: the card made new again (not a review; grade and rating 0)
    RESCHEDULE = 4  # Set due date: the due day moved by hand (not a review; grade and rating 0)


# The kinds of a graded review: everything counting reviews (statistics, lapses, FSRS) reads these.
GRADED_KINDS = (ReviewKind.NEW, ReviewKind.REVIEW, ReviewKind.DRILL)
GRADED_BELOW = int(ReviewKind.RESET)  # SQL: ``kind < 3`` is a graded review


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
    return Rating(_RATING[grade])


def review(state: CardState, grade: int, day: date) -> ReviewOutcome:
    """Apply one graded review on study day ``day``; ``state`` is left untouched.

    Raises ``ValueError`` for a grade outside 0..5, a ``datetime`` where a
    study-day ``date`` belongs, a day before the card's last review, or an
    interval so long its due date would fall past the year 9999.
    """
    _check_grade(grade)
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"review needs a study day (a date), not {type(day).__name__}")  # noqa: TRY004  (the contract: ValueError)
    last = state.last_review
    due = state.due
    kind, repetitions, ease, interval, due_after, _day = step(
        state.repetitions, state.ease, state.interval,
        None if due is None else due.toordinal(), None if last is None else last.toordinal(),
        grade, day.toordinal(), RAISE, RAISE)
    if kind == DRILL:
        after = replace(state, repeat_pending=grade < REPEAT_BELOW)
    else:
        after = CardState(
            repetitions=repetitions,
            ease=ease,
            interval=interval,
            due=date.fromordinal(due_after),  # type: ignore[arg-type]  # set on every non-drill
            last_review=day,
            repeat_pending=grade < REPEAT_BELOW,
        )
    return ReviewOutcome(
        before=state, after=after, grade=grade, kind=ReviewKind(kind), rating=rating_for(grade), day=day
    )


# Policies of ``step`` and ``replay_rows`` for what ``review`` refuses.
RAISE = "raise"
LAST_DAY = "last_day"  # clock_back: a review dated before the last one counts on the last one's day
CLAMP = "clamp"  # past_9999: a due date past 9999-12-31 becomes 9999-12-31 (the interval is kept)
MAX_DAY = date.max.toordinal()

DRILL, NEW, REVIEW = int(ReviewKind.DRILL), int(ReviewKind.NEW), int(ReviewKind.REVIEW)
_MISS = [MAX_GRADE - q for q in range(MIN_GRADE, MAX_GRADE + 1)]
# EF' = EF + 0.1 - (5-q)(0.08 + (5-q)0.02), per grade q, in per-mille (before the 1.3 floor)
_EASE_STEP = tuple(100 - miss * (80 + miss * 20) for miss in _MISS)
_RATING = tuple(int(Rating.AGAIN) if q < PASS_GRADE else q - 1 for q in range(MIN_GRADE, MAX_GRADE + 1))


def step(repetitions: int, ease: int, interval: int, due: int | None, last: int | None,
         grade: int, day: int, clock_back: str = RAISE, past_9999: str = RAISE
         ) -> tuple[int, int, int, int, int | None, int]:
    """SM-2 (DESIGN §4) on plain numbers: the one place its rules are written.

    Days are ordinals (``date.toordinal()``), ``last``/``due`` None for a new
    card. Returns ``(kind, n', EF', I', due', day)``: ``day`` is the study day
    the review counts on (``last`` for a clock that went back, with
    ``clock_back=LAST_DAY``; else the day given). A same-day repeat
    (``day == last``) is a DRILL that changes no number. ``grade`` must be 0..5
    (``review`` checks it; ``replay_rows`` checks its range).
    """
    if last is not None and day <= last:
        if day < last:
            if clock_back != LAST_DAY:
                raise ValueError(f"review on {date.fromordinal(day)} is before the card's last review "
                                 f"on {date.fromordinal(last)}")
            day = last
        return DRILL, repetitions, ease, interval, due, day
    # NEW: a new card's first grade; a card with a due day but no review (a new card given a
    # Set due date) is a review card, as in Anki, and its first grade a review
    kind = NEW if last is None and due is None else REVIEW
    if grade < PASS_GRADE:
        repetitions, interval = 0, FIRST_INTERVAL
    elif repetitions == 0:
        repetitions, interval = 1, FIRST_INTERVAL
    elif repetitions == 1:
        repetitions, interval = 2, SECOND_INTERVAL
    else:  # ceil(I x EF) with EF in per-mille, in integers: ceil(6 x 1.5) is 9
        repetitions, interval = repetitions + 1, -(-interval * ease // 1000)
    ease += _EASE_STEP[grade]
    if ease < MINIMUM_EASE:  # noqa: PLR1730  (a branch: cheaper than max() in a million-review replay)
        ease = MINIMUM_EASE
    due = day + interval
    if due > MAX_DAY:  # only scripted histories get here: ~25 perfect reviews in a row
        if past_9999 != CLAMP:
            raise ValueError(f"an interval of {interval} days would fall past the year 9999")
        due = MAX_DAY
    return kind, repetitions, ease, interval, due, day


ReplayRow = tuple[int, int, int, int, int, int, int, int, int, int | None, int | None, int | None, int]


def replay_rows(reviews: Iterable[tuple[int, int]], *, clock_back: str = RAISE,
                past_9999: str = RAISE) -> Iterator[ReplayRow]:
    """A new card's review log rebuilt from ``(study-day ordinal, grade)`` reviews in log order.

    Yields one plain row a review: ``(day, rating, kind, n, n', EF, EF', I, I',
    due, due', last_review, repeat_pending)``, the values before and after it,
    days as ordinals (None: none yet), ``day`` the study day it counts on.
    ``clock_back`` and ``past_9999`` are ``step``'s policies: ``review`` raises
    (``RAISE``); a history import counts a review from a clock that went back
    on the last study day (``LAST_DAY``) and ``CLAMP``s due dates at 9999-12-31.
    The loop is ``step`` once a review: the same rules as ``review`` by construction.
    """
    n, ease, interval, due, last, pending = 0, INITIAL_EASE, 0, None, None, 0
    ratings, advance = _RATING, step
    for day, grade in reviews:
        if not MIN_GRADE <= grade <= MAX_GRADE:
            raise ValueError(f"grade {grade!r} is outside {MIN_GRADE}..{MAX_GRADE}")
        kind, n2, ease2, interval2, due2, day = advance(
            n, ease, interval, due, last, grade, day, clock_back, past_9999)
        yield day, ratings[grade], kind, n, n2, ease, ease2, interval, interval2, due, due2, last, pending
        n, ease, interval, due, last = n2, ease2, interval2, due2, day
        pending = 1 if grade < REPEAT_BELOW else 0


def next_interval(interval: int, ease: int) -> int:
    """The interval after a third or later successful review: ceil(I x EF), EF in per-mille."""
    return step(2, ease, interval, None, None, MAX_GRADE, 0)[3]


def replay(reviews: Iterable[tuple[date, int]], start: CardState | None = None) -> CardState:
    """The state a card reaches through ``(study day, grade)`` reviews, in log order."""
    state = start or CardState()
    for day, grade in reviews:
        state = review(state, grade, day).after
    return state


def forget(state: CardState) -> CardState:
    """Anki's Forget (reset card): new again, with no repetitions, EF 2.5, no interval, no due
    day, no last review and no repeat pending. The lapses stay in the log (Anki's "reset
    repetition and lapse counts" is off by default); ``state`` is left untouched."""
    del state  # every number starts over
    return CardState()


def set_due(state: CardState, day: date, days: int, *, set_interval: bool = False) -> CardState:
    """Anki's Set due date: due ``days`` study days after ``day`` (0: that day).

    As Anki (``Card::set_due_date``): a new card (no due day) becomes a review card with an
    interval of ``days`` (at least 1); a review card keeps its interval unless
    ``set_interval`` (Anki's trailing ``!``) makes it ``days`` (at least 1). EF and
    repetitions are kept; a same-day repeat still to come is dropped (the card is due then,
    as Anki takes a card out of learning). A card already reviewed on ``day`` (or later) is
    due the day after its last review at the earliest: another review that day would be a
    drill (§4.5), which moves no due day, so a due day of ``day`` would keep it in that day's
    queue however often it were graded. Raises ``ValueError`` for a negative ``days`` or a
    due day past the year 9999.
    """
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"set_due needs a study day (a date), not {type(day).__name__}")  # noqa: TRY004  (as review)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"days {days!r} must be a whole number >= 0")
    due_ordinal = day.toordinal() + days
    if state.last_review is not None and due_ordinal <= state.last_review.toordinal():
        due_ordinal = state.last_review.toordinal() + 1
    if due_ordinal > MAX_DAY:
        raise ValueError(f"{days} days after {day} is past the year 9999")
    if state.due is None or set_interval:
        interval = max(days, 1)
    else:
        interval = max(state.interval, 1)
    return replace(state, interval=interval, due=date.fromordinal(due_ordinal), repeat_pending=False)


def logged_after(kind: int, before: CardState, repetitions: int, ease: int, interval: int,
                 due: date | None, day: date, grade: int) -> CardState:
    """The state after a log row, from the row (which stores no last review or repeat flag
    after it): a review's day and grade set them, a Forget clears them, a Set due date keeps the
    last review and clears the repeat."""
    if kind == ReviewKind.RESET:
        return CardState()
    if kind == ReviewKind.RESCHEDULE:
        return CardState(repetitions, ease, interval, due, before.last_review, False)
    return CardState(repetitions, ease, interval, due, day, grade < REPEAT_BELOW)


LogEvent = tuple[int, date, int, date | None, int]


def replay_log(rows: Iterable[LogEvent], start: CardState | None = None) -> CardState:
    """The state a card reaches through its log rows ``(kind, study day, grade, due after,
    interval after)`` in log order: reviews through ``review``, a RESET through ``forget``,
    a RESCHEDULE to the due day and interval its row recorded (a drawn range is in the row,
    not recomputed)."""
    state = start or CardState()
    for kind, day, grade, due_after, interval_after in rows:
        if kind == ReviewKind.RESET:
            state = forget(state)
        elif kind == ReviewKind.RESCHEDULE:
            state = replace(state, due=due_after, interval=interval_after, repeat_pending=False)
        else:
            state = review(state, grade, day).after
    return state


def _check_grade(grade: int) -> None:
    if isinstance(grade, bool) or not isinstance(grade, int) or not MIN_GRADE <= grade <= MAX_GRADE:
        raise ValueError(f"grade {grade!r} is outside {MIN_GRADE}..{MAX_GRADE}")
