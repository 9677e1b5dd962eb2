"""FSRS scheduling on flashdl's study days, through the ``fsrs`` package (docs/fsrs.md).

``review(state, grade, day, config)`` is FSRS-6 as ``fsrs.Scheduler`` computes
it, with three choices that fit it to flashdl's day-based study:

* no learning or relearning steps: every review schedules in whole days, and
  the same-day rule (a card graded < 4 comes back later in the session) is
  the study queue's job, as it is for SM-2;
* same-day repeats are fed to FSRS too (its short-term stability formula,
  parameters w17-w19), as the Rust optimiser that tunes the parameters
  trains on them;
* elapsed time is counted in study days (the 04:00 rollover), the unit the
  review log and the optimiser use, never in 24-hour periods.

Fuzzing is off: a pure function has no random source, and the same log must
always give the same state. Card state is a fold over the review log
(``replay``), as py-fsrs's ``reschedule_card`` is; where the log is incomplete
the fold starts from the SM-2 state (``state_from_sm2``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import fsrs
import fsrs_rs_python
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from flashdl.errors import InputError
from flashdl.scheduler import sm2

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
PARAMETER_COUNT = len(DEFAULT_PARAMETERS)  # FSRS-6: 21
DEFAULT_DESIRED_RETENTION = 0.9
MIN_DESIRED_RETENTION, MAX_DESIRED_RETENTION = 0.70, 0.99  # Anki's deck-options range
MAXIMUM_INTERVAL = 36500  # days, py-fsrs's and Anki's default
SM2_RETENTION = 0.9  # SM-2 schedules a card when recall is ~90% (srs-benchmark's assumption too)
REPEAT_BELOW = sm2.REPEAT_BELOW  # the same-day rule is SM-2's, unchanged


def validate_parameters(values: Sequence[object], *, source: str = "FSRS parameters") -> tuple[float, ...]:
    """The 21 FSRS-6 weights as floats, or an ``InputError`` naming the first bad one.

    Bounds are py-fsrs's own (``fsrs.scheduler``); nothing is clamped or
    replaced: a corrupt stored value must be seen, not papered over.
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise InputError(f"{source}: expected a list of {PARAMETER_COUNT} numbers, got {type(values).__name__}")
    if len(values) != PARAMETER_COUNT:
        raise InputError(f"{source}: FSRS-6 needs {PARAMETER_COUNT} parameters, got {len(values)}")
    checked = []
    for index, (value, low, high) in enumerate(zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"{source}: w{index} = {value!r} is not a finite number")
        if not low <= value <= high:
            raise InputError(f"{source}: w{index} = {value} is outside {low}..{high}")
        checked.append(float(value))
    return tuple(checked)


def parse_parameters(text: str, *, source: str = "FSRS parameters") -> tuple[float, ...]:
    """Weights as stored (a JSON list) or as Anki shows them (comma-separated), validated.

    Anything that is not 21 in-bounds numbers is an ``InputError`` naming ``source``.
    """
    stripped = text.strip()
    try:
        values = json.loads(stripped) if stripped.startswith("[") else [
            float(part) for part in stripped.split(",") if part.strip()]
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise InputError(f"{source}: not a list of numbers ({error})") from None
    if not isinstance(values, list):
        raise InputError(f"{source}: expected a list of {PARAMETER_COUNT} numbers")
    return validate_parameters(values, source=source)


def validate_desired_retention(value: object, *, source: str = "desired retention") -> float:
    """A desired retention in 0.70..0.99 (Anki's range), or an ``InputError``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{source}: {value!r} is not a number")
    if not MIN_DESIRED_RETENTION <= value <= MAX_DESIRED_RETENTION:
        raise InputError(f"{source}: {value} is outside {MIN_DESIRED_RETENTION}..{MAX_DESIRED_RETENTION}")
    return float(value)


@dataclass(frozen=True)
class FsrsConfig:
    """What FSRS schedules with: the 21 weights and the desired retention (validated)."""

    parameters: tuple[float, ...] = DEFAULT_PARAMETERS
    desired_retention: float = DEFAULT_DESIRED_RETENTION

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", validate_parameters(self.parameters))
        object.__setattr__(self, "desired_retention", validate_desired_retention(self.desired_retention))


@dataclass(frozen=True)
class FsrsState:
    """One card's FSRS memory state; all None for a card never reviewed.

    ``due`` and ``last_review`` are study days; ``repeat_pending`` is the
    same-day rule (graded < 4 on ``last_review``), exactly as in SM-2.
    """

    stability: float | None = None
    difficulty: float | None = None
    due: date | None = None
    last_review: date | None = None
    repeat_pending: bool = False

    @property
    def is_new(self) -> bool:
        return self.last_review is None


@dataclass(frozen=True)
class FsrsOutcome:
    """One review: the state before and after, the FSRS rating and the interval in days."""

    before: FsrsState
    after: FsrsState
    grade: int
    rating: sm2.Rating
    interval: int
    day: date
    retrievability: float | None = field(default=None)  # predicted recall at the review (None: first)


def review(state: FsrsState, grade: int, day: date, config: FsrsConfig = FsrsConfig()) -> FsrsOutcome:
    """Apply one graded review on study day ``day``; ``state`` is left untouched.

    The grade maps to a rating as in the review log (0-2 Again, 3 Hard,
    4 Good, 5 Easy). Raises ``ValueError`` as ``sm2.review`` does: a grade
    outside 0..5, a ``datetime`` for a study day, a day before the last
    review, or a due date past the year 9999.
    """
    rating = sm2.rating_for(grade)
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"review needs a study day (a date), not {type(day).__name__}")  # noqa: TRY004 -- as sm2.review
    if state.last_review is not None and day < state.last_review:
        raise ValueError(f"review on {day} is before the card's last review on {state.last_review}")
    scheduler = _scheduler(config)
    moment = _moment(day)
    card = _package_card(state, moment)
    recall = None if state.last_review is None else scheduler.get_card_retrievability(card, moment)
    try:  # py-fsrs adds the interval to the moment itself
        reviewed, _log = scheduler.review_card(card, fsrs.Rating(int(rating)), moment)
    except OverflowError:  # only scripted histories get here, as with SM-2
        raise ValueError(f"the interval after a review on {day} would fall past the year 9999") from None
    interval = (reviewed.due - moment).days
    due = day + timedelta(days=interval)
    assert reviewed.stability is not None and reviewed.difficulty is not None
    after = FsrsState(
        stability=reviewed.stability,
        difficulty=reviewed.difficulty,
        due=due,
        last_review=day,
        repeat_pending=grade < REPEAT_BELOW,
    )
    return FsrsOutcome(before=state, after=after, grade=grade, rating=rating, interval=interval,
                       day=day, retrievability=recall)


def replay(reviews: Iterable[tuple[date, int]], config: FsrsConfig = FsrsConfig(),
           start: FsrsState | None = None) -> FsrsState:
    """The state a card reaches through ``(study day, grade)`` reviews, in log order."""
    state = start or FsrsState()
    for day, grade in reviews:
        state = review(state, grade, day, config).after
    return state


def state_from_sm2(state: sm2.CardState, config: FsrsConfig = FsrsConfig()) -> FsrsState:
    """An FSRS memory state for a card known only by its SM-2 state (log incomplete).

    Uses fsrs-rs's ``memory_state_from_sm2``: stability is the interval at
    which SM-2 expects 90% recall, difficulty follows from the E-Factor. The
    due day, last review and same-day flag are SM-2's.
    """
    if state.is_new:
        return FsrsState()
    memory = _rust_model(config.parameters).memory_state_from_sm2(
        state.ease / 1000, float(max(state.interval, 1)), SM2_RETENTION)
    return FsrsState(stability=float(memory.stability), difficulty=float(memory.difficulty),
                     due=state.due, last_review=state.last_review, repeat_pending=state.repeat_pending)


def switch_to_fsrs(reviews: Sequence[tuple[date, int]], config: FsrsConfig = FsrsConfig(), *,
                   sm2_before_log: sm2.CardState | None = None) -> FsrsState:
    """A card's FSRS state when FSRS is turned on: its log replayed.

    ``sm2_before_log`` is the SM-2 state the card had before the first logged
    review (e.g. a card imported without history, then reviewed); None or a
    new state means the log is complete and the fold starts from scratch.
    """
    start = None if sm2_before_log is None else state_from_sm2(sm2_before_log, config)
    return replay(reviews, config, start)


def switch_to_sm2(reviews: Sequence[tuple[date, int]], *,
                  sm2_before_log: sm2.CardState | None = None) -> sm2.CardState:
    """A card's SM-2 state when FSRS is turned off: the same log through SM-2 (nothing lost)."""
    return sm2.replay(reviews, sm2_before_log)


def retrievability(state: FsrsState, day: date, parameters: Sequence[float] = DEFAULT_PARAMETERS) -> float | None:
    """Predicted recall on study day ``day`` (FSRS-6's power forgetting curve); None for a new card."""
    if state.stability is None or state.last_review is None:
        return None
    return forgetting_curve((day - state.last_review).days, state.stability, parameters[20])


def forgetting_curve(elapsed_days: float, stability: float, decay: float) -> float:
    """R(t, S) = (1 + F t / S)^-decay with F = 0.9^(-1/decay) - 1, so R(S, S) = 0.9."""
    factor = 0.9 ** (-1 / decay) - 1
    return float((1 + factor * max(elapsed_days, 0) / stability) ** -decay)


def _moment(day: date) -> datetime:
    """A study day as the UTC datetime py-fsrs wants: midnight, so whole days differ by whole days."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _package_card(state: FsrsState, moment: datetime) -> fsrs.Card:
    if state.stability is None or state.last_review is None:
        return fsrs.Card(card_id=0, state=fsrs.State.Learning, due=moment)
    return fsrs.Card(card_id=0, state=fsrs.State.Review, step=None, stability=state.stability,
                     difficulty=state.difficulty, due=_moment(state.due or state.last_review),
                     last_review=_moment(state.last_review))


@lru_cache(maxsize=64)
def _scheduler(config: FsrsConfig) -> fsrs.Scheduler:
    return fsrs.Scheduler(parameters=config.parameters, desired_retention=config.desired_retention,
                          learning_steps=(), relearning_steps=(), maximum_interval=MAXIMUM_INTERVAL,
                          enable_fuzzing=False)


@lru_cache(maxsize=64)
def _rust_model(parameters: tuple[float, ...]) -> fsrs_rs_python.FSRS:
    return fsrs_rs_python.FSRS(list(parameters))
