"""Recording and undoing reviews: one user action, one transaction.

``record_review(store, card, grade, now, ...) -> ReviewResult``
    Like Anki's ``answer_card``: in one write transaction, load the card's
    state, check it was not changed under the caller (``expected_revision``,
    from the ``StudyCard`` shown), apply SM-2 (``flashdl.scheduler.sm2``) on
    the study day of ``now``, save the new state and append one review-log
    row. Durable when it returns. ``card`` is a store id or ``"DECK/CARD"``.
    For computed cards pass ``answer=ComputedAnswer(params, typed, correct)``.

``check_planned_reviews(store, planned) -> (card ids, rollover hour)``
    Validates a whole batch (``flashdl review --batch``) before any of it
    is applied: cards exist, grades 0..5, no review before a card's last.

``undo_last_review(store, *, card=None) -> UndoResult | None``
    Removes the most recent review (of ``card``, if given) and restores the
    card's SM-2 state exactly as it was before it (and its leech and
    suspended flags, if that review made it a leech). None when there is none.
    A Forget or Set due date is no review: undo never removes one, and refuses
    (``UndoBlockedError``) a review a later one of them followed.

A lapse that brings a card to its deck's leech threshold
(``flashdl.scheduler.leech``) applies the deck's leech action in the same
transaction; ``ReviewResult.leech`` says so.

Errors (all ``FlashdlError``, so the CLI turns them into exit 2):
``UnknownCardError``, ``RetiredCardError``, ``CardChangedError``,
``InvalidReviewError`` (grade outside 0..5, or a moment before the card's
last review).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from flashdl.clock import study_day
from flashdl.errors import FlashdlError, InputError, SourcePosition
from flashdl.scheduler import leech, sm2
from flashdl.scheduler.deck_options import DEFAULTS, FSRS, DeckOptions
from flashdl.scheduler.sm2 import ReviewKind
from flashdl.services.deck_options import fsrs_state, review_options
from flashdl.services.lookup import (
    CardChangedError,
    CardRef,
    UnknownCardError,
    card_in_study,
    require_aware,
    resolve_card,
    retired_message,
)
from flashdl.services.views import ComputedAnswer, GradePreview, ReviewResult, UndoResult
from flashdl.store import Store, scheduling
from flashdl.store.connection import Transaction
from flashdl.store.records import from_ms, to_ms
from flashdl.store.settings import load_settings

if TYPE_CHECKING:
    from flashdl.scheduler.fsrs_schedule import FsrsState


class AlreadyLoggedError(FlashdlError):
    """``record_review(once=True)``: the card's log already holds a review at that moment (the
    same batch line, applied by another process meanwhile); nothing was written."""


class UndoBlockedError(FlashdlError):
    """The latest review of the card was followed by a Forget or Set due date: taking it back
    would leave a state no fold of the log gives; nothing was changed."""


class InvalidReviewError(FlashdlError):
    """A review SM-2 cannot apply (bad grade, or a moment before the last review)."""


def record_review(
    store: Store,
    card: CardRef,
    grade: int,
    now: datetime,
    *,
    duration_ms: int = 0,
    answer: ComputedAnswer | None = None,
    expected_revision: int | None = None,
    rollover_hour: int | None = None,
    once: bool = False,
) -> ReviewResult:
    """Grade one card at ``now`` (see the module docstring).

    ``rollover_hour`` saves reading the setting when the caller has it
    (a study session does). ``once``: raise ``AlreadyLoggedError`` if the card's log already
    holds a review at ``now``, checked inside the write (``review --batch``: two processes on
    one batch each checked it before either wrote, and recorded it twice).
    """
    require_aware(now)
    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
        raise InvalidReviewError(f"grade {grade!r} is outside 0..5")
    reviewed_ms = to_ms(now)
    with store.write() as conn:
        if rollover_hour is None:
            rollover_hour = load_settings(conn).rollover_hour
        day = study_day(now, rollover_hour=rollover_hour)
        card_id, loaded = card_in_study(conn, card)
        if expected_revision is not None and loaded.revision != expected_revision:
            raise CardChangedError(f"card {loaded.full_id} changed since it was shown")
        if once and scheduling.has_review_at(conn, card_id, reviewed_ms):
            raise AlreadyLoggedError(f"{loaded.full_id} already has a review at {now.isoformat()}")
        if (later := _manual_after(conn, card_id, reviewed_ms)) is not None:
            raise InvalidReviewError(f"card {loaded.full_id}: review at {now.isoformat()} {later}")
        outcome, fsrs_after = _schedule(conn, loaded, card_id, grade, day)
        fsrs_due: date | None = None
        if fsrs_after is not None:
            fsrs_due = fsrs_after.due
            scheduling.save_schedule(conn, card_id, outcome.after, fsrs_after.due,
                                     fsrs_after.stability, fsrs_after.difficulty)
        else:
            scheduling.save_state(conn, card_id, outcome.after)
        leech_before = _leech_before(conn, loaded, card_id, outcome)
        review_id = scheduling.append_review(
            conn,
            card_id,
            outcome,
            reviewed_ms=reviewed_ms,
            duration_ms=max(0, int(duration_ms)),
            variant_params=answer.params if answer else None,
            typed_answer=answer.typed if answer else None,
            answer_correct=answer.correct if answer else None,
            leech_flags_before=None if leech_before is None else leech.flag_bits(leech_before),
        )
        leech_after = None if leech_before is None else scheduling.leech_flags(conn, card_id)
    return ReviewResult(
        review_id=review_id,
        card_id=card_id,
        card=loaded.full_id,
        grade=grade,
        rating=outcome.rating,
        kind=outcome.kind,
        reviewed_at=now,
        study_day=day,
        before=outcome.before,
        state=outcome.after,
        revision=loaded.revision + 1 + (leech_before is not None),
        fsrs_due=fsrs_due,
        leech=leech_before is not None,
        leech_suspended=leech_after is not None and leech_after.suspended,
    )


def cram_answer(
    store: Store,
    card: CardRef,
    grade: int,
    now: datetime,
    *,
    duration_ms: int = 0,
    answer: ComputedAnswer | None = None,
    rollover_hour: int | None = None,
) -> ReviewResult:
    """A grade in a cram session (docs/custom-study.md): the card's schedule and the review log
    stay as they are, so its state remains the replay of its log. A computed card's typed
    answer is appended as a practice attempt (``store.practice``), outside the schedule as in
    ``flashdl practice``. The result's ``kind`` is DRILL and ``review_id`` 0 (no log row);
    a grade < 4 still brings the card back later in the session.
    """
    require_aware(now)
    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
        raise InvalidReviewError(f"grade {grade!r} is outside 0..5")
    with store.write() as conn:
        if rollover_hour is None:
            rollover_hour = load_settings(conn).rollover_hour
        day = study_day(now, rollover_hour=rollover_hour)
        card_id, loaded = card_in_study(conn, card, options=False)
        if answer is not None:
            from flashdl.store import practice as practice_store
            from flashdl.store.queries import cards

            engine = cards(conn, [card_id])[card_id].engine
            if engine is not None:
                practice_store.append_attempt(
                    conn, card_id=card_id, family=engine.family, params=answer.params,
                    typed=answer.typed, correct=answer.correct, duration_ms=int(duration_ms),
                    attempted_ms=to_ms(now), day=day,
                )
    before = loaded.state
    return ReviewResult(
        review_id=0,
        card_id=card_id,
        card=loaded.full_id,
        grade=grade,
        rating=sm2.rating_for(grade),
        kind=ReviewKind.DRILL,
        reviewed_at=now,
        study_day=day,
        before=before,
        state=replace(before, repeat_pending=grade < sm2.REPEAT_BELOW),
        revision=loaded.revision,
        fsrs_due=loaded.due if loaded.stability is not None else None,
        rescheduled=False,
    )


def _leech_before(conn: Transaction, loaded: scheduling.LoadedState, card_id: int,
                  outcome: sm2.ReviewOutcome) -> leech.LeechFlags | None:
    """If this review makes the card a leech (``flashdl.scheduler.leech``): apply the deck's
    leech action and return the card's flags before it; else None (and nothing read).

    Runs after the review's state is saved and before its log row is written, so the log's
    lapses are those before this review.
    """
    if not leech.is_lapse(outcome.kind, outcome.grade):
        return None
    options = review_options(loaded) or DEFAULTS
    if not leech.threshold_met(scheduling.lapse_count(conn, card_id) + 1, options.leech_threshold):
        return None
    before = scheduling.leech_flags(conn, card_id)
    assert before is not None  # loaded in this transaction
    scheduling.set_leech_flags(conn, card_id, leech.after_leech(before, options.leech_action))
    return before


def _schedule(conn: Transaction, loaded: scheduling.LoadedState, card_id: int, grade: int, day: date
              ) -> tuple[sm2.ReviewOutcome, FsrsState | None]:
    """What grading the card on ``day`` does to it, written nowhere: the one place a review's
    new state is computed (``record_review`` saves it, ``preview_review`` shows it).

    Returns SM-2's outcome and, for a card of an FSRS deck, FSRS's state after the review
    (the one the queue follows; SM-2's state is kept up to date too).
    """
    try:
        outcome = sm2.review(loaded.state, grade, day)
    except ValueError as error:
        raise InvalidReviewError(f"card {loaded.full_id}: {error}") from None
    options = review_options(loaded)
    if options is None or options.scheduler != FSRS:
        return outcome, None
    return outcome, _fsrs_after(conn, loaded, card_id, grade, day, options)


def _fsrs_after(conn: Transaction, loaded: scheduling.LoadedState, card_id: int, grade: int,
                day: date, options: DeckOptions) -> FsrsState:
    """FSRS's state after a review of a card of an FSRS deck."""
    from flashdl.scheduler import fsrs_schedule

    config = options.fsrs_config
    if loaded.stability is not None:
        before = fsrs_schedule.FsrsState(
            stability=loaded.stability, difficulty=loaded.difficulty, due=loaded.due,
            last_review=loaded.state.last_review, repeat_pending=loaded.state.repeat_pending,
        )
    else:  # new, or history that came in since FSRS was turned on: from its log
        logs = scheduling.deck_logs(conn, card_id=card_id)
        before = fsrs_state(logs[0], config)
    try:
        return fsrs_schedule.review(before, grade, day, config).after
    except ValueError as error:
        raise InvalidReviewError(f"card {loaded.full_id}: {error}") from None


def preview_review(store: Store, card: CardRef, now: datetime, *,
                   rollover_hour: int | None = None) -> tuple[date, tuple[GradePreview, ...]]:
    """Each grade's effect on the card if it were recorded at ``now``: (study day, previews 0..5).

    Computed by ``_schedule``, the code ``record_review`` saves, in a read
    transaction: what a grade shows is what recording it stores.
    """
    require_aware(now)
    with store.read() as conn:
        if rollover_hour is None:
            rollover_hour = load_settings(conn).rollover_hour
        day = study_day(now, rollover_hour=rollover_hour)
        card_id = resolve_card(conn, card)
        loaded = scheduling.load_state(conn, card_id)
        if loaded is None:
            raise UnknownCardError(f"unknown card id {card_id}")
        previews = []
        for grade in range(sm2.MIN_GRADE, sm2.MAX_GRADE + 1):
            outcome, fsrs_after = _schedule(conn, loaded, card_id, grade, day)
            due = fsrs_after.due if fsrs_after is not None else outcome.after.due
            previews.append(GradePreview(grade, due, outcome.after.repeat_pending))
    return day, tuple(previews)


def _manual_after(conn: Transaction, card_id: int, reviewed_ms: int) -> str | None:
    """Why a review at ``reviewed_ms`` cannot be logged: the card's Forget or Set due date at a
    later moment (a batch of past reviews, a clock set back). Logged after it, the review would
    fold after it, but every export and history file orders the log by time and would fold it
    before: another state. None when there is none."""
    later = scheduling.latest_moment(conn, card_id, manual=True)
    if later is None or later.reviewed_ms <= reviewed_ms:
        return None
    action = "forgotten" if later.kind == ReviewKind.RESET else "given a due date"
    return f"comes before the card was {action} at {from_ms(later.reviewed_ms).isoformat()}"


def undo_last_review(store: Store, *, card: CardRef | None = None) -> UndoResult | None:
    """Take back the latest review (see the module docstring)."""
    with store.write() as conn:
        card_id = None if card is None else resolve_card(conn, card)
        last = scheduling.last_review(conn, card_id)
        if last is None:
            return None
        later = scheduling.manual_change_after(conn, last.card_id, last.id)
        if later is not None:
            action = "forgotten" if later.kind == ReviewKind.RESET else "given a due date"
            raise UndoBlockedError(f"card {scheduling.card_name(conn, last.card_id)} was {action} on "
                                   f"{later.study_day} after its last review; nothing undone")
        loaded = scheduling.load_state(conn, last.card_id)
        assert loaded is not None  # the log's foreign key guarantees the card
        leech_bits = scheduling.review_leech_flags(conn, last.id)
        scheduling.delete_review(conn, last.id)
        if leech_bits is not None:  # the review made the card a leech: its flags as they were
            scheduling.set_leech_flags(conn, last.card_id, leech.bits_flags(leech_bits))
        options = review_options(loaded)
        if loaded.stability is not None or (options is not None and options.scheduler == FSRS):
            # FSRS's state is the fold of the log under the deck's configuration (deck_options):
            # folding what is left restores exactly the state before the review.
            log = scheduling.deck_logs(conn, card_id=last.card_id)[0]
            log = replace(log, state=last.before)
            if options is not None and options.scheduler == FSRS:
                state = fsrs_state(log, options.fsrs_config)
                scheduling.save_schedule(conn, last.card_id, last.before, state.due,
                                         state.stability, state.difficulty)
            else:
                scheduling.save_schedule(conn, last.card_id, last.before, None, None, None)
        else:
            scheduling.save_state(conn, last.card_id, last.before)
    return UndoResult(
        review_id=last.id,
        card_id=last.card_id,
        card=loaded.full_id,
        grade=last.grade,
        kind=ReviewKind(last.kind),
        reviewed_at=from_ms(last.reviewed_ms),
        restored=last.before,
    )



@dataclass(frozen=True)
class PlannedReview:
    """A review a script asks for; ``where`` names it in errors (e.g. ``file.jsonl:3``)."""

    card: str
    grade: int
    at: datetime
    where: str


def check_planned_reviews(
    store: Store, planned: Sequence[PlannedReview]
) -> tuple[list[int | None], int]:
    """Validate a batch before any of it is applied: (card ids, rollover hour).

    Every card must exist and not be retired, every grade be 0..5, and each
    card's reviews must not go back in time (study days never decrease,
    starting from the card's last stored review). Raises ``InputError``
    naming the offending entry. An entry whose card already has a review at
    that very moment (stored, or earlier in the batch) gets None instead of
    its card id: it is the same review, to be skipped, so running a batch
    again (or resuming it) never records a review twice.
    """
    ids: list[int | None] = []
    seen: set[tuple[int, int]] = set()
    with store.read() as conn:
        rollover = load_settings(conn).rollover_hour
        last_day: dict[int, date | None] = {}
        for item in planned:
            position = SourcePosition(item.where)
            try:
                card_id = resolve_card(conn, item.card)
            except UnknownCardError as error:
                raise InputError(str(error), position) from None
            if isinstance(item.grade, bool) or not isinstance(item.grade, int) or not 0 <= item.grade <= 5:
                raise InputError(f"grade {item.grade!r} is outside 0..5", position)
            if item.at.tzinfo is None:
                raise InputError("'at' needs a time zone", position)
            moment = (card_id, to_ms(item.at))
            if moment in seen or scheduling.has_review_at(conn, *moment):
                seen.add(moment)
                ids.append(None)
                continue
            seen.add(moment)
            if card_id not in last_day:
                loaded = scheduling.load_state(conn, card_id, options=False)
                assert loaded is not None
                if loaded.retired:
                    raise InputError(retired_message(str(item.card)), position)
                last_day[card_id] = loaded.state.last_review
            if (later := _manual_after(conn, card_id, moment[1])) is not None:
                raise InputError(f"card {item.card}: review at {item.at.isoformat()} {later}", position)
            day = study_day(item.at, rollover_hour=rollover)
            previous = last_day[card_id]
            if previous is not None and day < previous:
                raise InputError(
                    f"card {item.card}: review on study day {day} comes before its review on {previous}",
                    position,
                )
            last_day[card_id] = day
            ids.append(card_id)
    return ids, rollover
