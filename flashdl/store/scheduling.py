"""The review hot path: a card's SM-2 state, the review-log row, undo, flags.

Called inside ``Store.write()``; statements go straight to the
transaction's DB-API connection (``tx.db``) with fixed SQL text (sqlite3 keeps them prepared in its
statement cache). Measured on a 2-core machine, a review costs ~0.13 ms
through SQLAlchemy Core and ~0.02 ms this way, against a 0.15 ms budget.
Column names are those of ``schema.py``; the store tests run every
statement here against a freshly created and a migrated schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from flashdl.scheduler.leech import LeechFlags
from flashdl.scheduler.sm2 import GRADED_BELOW, CardState, ReviewKind, ReviewOutcome, logged_after
from flashdl.store.connection import Transaction
from flashdl.store.records import LoggedReview, day_text, dump_json, text_day

# SM-2's due day is ``sm2_due`` while the card has an FSRS state (``card.due`` is then FSRS's).
SM2_DUE = "CASE WHEN c.fsrs_stability IS NULL THEN c.due ELSE c.sm2_due END"
_SELECT_STATE = (
    f"SELECT c.repetitions, c.ease, c.interval, {SM2_DUE}, c.last_review, c.repeat_pending, "
    "c.revision, c.retired, d.slug || '/' || c.slug, c.deck_id, c.due, c.fsrs_stability, "
    "c.fsrs_difficulty, d.options, (SELECT value FROM setting WHERE key = 'deck_options') "
    "FROM card AS c JOIN deck AS d ON d.id = c.deck_id WHERE c.id = ?"
)
# What showing a card needs (no options): the study screen asks at every card.
_SELECT_SHOWN = (
    f"SELECT c.repetitions, c.ease, c.interval, {SM2_DUE}, c.last_review, c.repeat_pending, "
    "c.revision, c.retired, d.slug || '/' || c.slug "
    "FROM card AS c JOIN deck AS d ON d.id = c.deck_id WHERE c.id = ?"
)
_UPDATE_SCHEDULE = (
    "UPDATE card SET repetitions = ?, ease = ?, interval = ?, due = ?, last_review = ?, "
    "repeat_pending = ?, fsrs_stability = ?, fsrs_difficulty = ?, sm2_due = ?, "
    "revision = revision + 1 WHERE id = ?"
)
_UPDATE_STATE = (
    "UPDATE card SET repetitions = ?, ease = ?, interval = ?, due = ?, last_review = ?, "
    "repeat_pending = ?, revision = revision + 1 WHERE id = ?"
)
LOG_COLUMNS = (
    "card_id, reviewed_ms, study_day, grade, rating, kind, "
    "repetitions_before, repetitions_after, ease_before, ease_after, "
    "interval_before, interval_after, due_before, due_after, last_review_before, "
    "pending_before, duration_ms, variant_params, typed_answer, answer_correct"
)
INSERT_LOG = f"INSERT INTO review_log ({LOG_COLUMNS}) VALUES ({', '.join('?' * 20)})"
# The review that makes a card a leech also stores its flags before (schema 10), for undo.
INSERT_LEECH_LOG = (
    f"INSERT INTO review_log ({LOG_COLUMNS}, leech_flags_before) VALUES ({', '.join('?' * 21)})"
)
# A card's lapses (``leech.is_lapse``), off the partial index ``ix_review_log_lapse``.
_COUNT_LAPSES = "SELECT count(*) FROM review_log WHERE card_id = ? AND kind = 1 AND grade < 3"
_SELECT_LOG = f"SELECT id, {LOG_COLUMNS} FROM review_log"


class LoadedState(NamedTuple):
    """A card's SM-2 state (``state``), and its FSRS state when it has one.

    ``deck_options`` / ``collection_options``: the stored option JSON of its
    deck and of the collection (``flashdl.scheduler.deck_options``), read in
    the same statement so the review path knows the deck's scheduler. A named
    tuple: built at every review and every card shown, it builds ~3x faster
    than a frozen dataclass.
    """

    state: CardState
    revision: int
    retired: bool
    full_id: str
    deck_id: int = 0
    due: date | None = None  # the due day the queue follows (FSRS's when it has a state)
    stability: float | None = None
    difficulty: float | None = None
    deck_options: str | None = None
    collection_options: str | None = None


def load_state(tx: Transaction, card_id: int, *, options: bool = True) -> LoadedState | None:
    """A card's SM-2 state and what the review needs to check, or None if no such card.

    ``options=False``: the SM-2 state, revision and name only (``deck_id``,
    the FSRS fields and the option texts left at their defaults), for showing
    a card.
    """
    if not options:
        shown = tx.db.execute(_SELECT_SHOWN, (card_id,)).fetchone()
        if shown is None:
            return None
        n, ease, interval, due, last, pending, revision, retired, full_id = shown
        state = CardState(n, ease, interval, None if due is None else date.fromisoformat(due),
                          None if last is None else date.fromisoformat(last), bool(pending))
        return LoadedState(state, revision, bool(retired), full_id)
    row = tx.db.execute(_SELECT_STATE, (card_id,)).fetchone()
    if row is None:
        return None
    (n, ease, interval, due, last, pending, revision, retired, full_id, deck_id, scheduled,
     stability, difficulty, deck_options, collection_options) = row
    state = CardState(
        repetitions=n,
        ease=ease,
        interval=interval,
        due=None if due is None else date.fromisoformat(due),
        last_review=None if last is None else date.fromisoformat(last),
        repeat_pending=bool(pending),
    )
    if stability is None and deck_options is None and collection_options is None:
        return LoadedState(state, revision, bool(retired), full_id, deck_id, state.due)  # SM-2 only
    return LoadedState(
        state, revision, bool(retired), full_id, deck_id,
        None if scheduled is None else date.fromisoformat(scheduled),
        stability, difficulty, deck_options, collection_options,
    )


def save_state(tx: Transaction, card_id: int, state: CardState) -> None:
    tx.db.execute(
        _UPDATE_STATE,
        (
            state.repetitions,
            state.ease,
            state.interval,
            day_text(state.due),
            day_text(state.last_review),
            int(state.repeat_pending),
            card_id,
        ),
    )


def save_schedule(
    tx: Transaction,
    card_id: int,
    state: CardState,
    fsrs_due: date | None,
    stability: float | None,
    difficulty: float | None,
) -> None:
    """Save both states of a card of an FSRS deck: the queue follows FSRS's due day.

    With no FSRS state (``stability`` None: never reviewed) the card is
    stored as under SM-2 alone.
    """
    values: tuple[date | None, float | None, float | None, date | None]
    if stability is None:
        values = (state.due, None, None, None)
    else:
        values = (fsrs_due, stability, difficulty, state.due)
    due, stab, diff, sm2_due = values
    tx.db.execute(
        _UPDATE_SCHEDULE,
        (
            state.repetitions, state.ease, state.interval, day_text(due),
            day_text(state.last_review), int(state.repeat_pending), stab, diff,
            day_text(sm2_due), card_id,
        ),
    )


def append_review(
    tx: Transaction,
    card_id: int,
    outcome: ReviewOutcome,
    *,
    reviewed_ms: int,
    duration_ms: int = 0,
    variant_params: dict[str, Any] | None = None,
    typed_answer: str | None = None,
    answer_correct: bool | None = None,
    leech_flags_before: int | None = None,
) -> int:
    """Write one review-log row; returns its id.

    ``leech_flags_before``: on the review that makes the card a leech, its flags before
    (``leech.flag_bits``), which undo puts back.
    """
    before, after = outcome.before, outcome.after
    values = (
            card_id,
            reviewed_ms,
            outcome.day.isoformat(),
            outcome.grade,
            int(outcome.rating),
            int(outcome.kind),
            before.repetitions,
            after.repetitions,
            before.ease,
            after.ease,
            before.interval,
            after.interval,
            day_text(before.due),
            day_text(after.due),
            day_text(before.last_review),
            int(before.repeat_pending),
            duration_ms,
            None if variant_params is None else dump_json(variant_params),
            typed_answer,
            None if answer_correct is None else int(answer_correct),
    )
    if leech_flags_before is None:
        cursor = tx.db.execute(INSERT_LOG, values)
    else:
        cursor = tx.db.execute(INSERT_LEECH_LOG, (*values, leech_flags_before))
    return int(cursor.lastrowid or 0)


def lapse_count(tx: Transaction, card_id: int) -> int:
    """How many lapses a card's log holds (``leech.is_lapse``)."""
    return int(tx.db.execute(_COUNT_LAPSES, (card_id,)).fetchone()[0])


def leech_flags(tx: Transaction, card_id: int) -> LeechFlags | None:
    """A card's (leech, suspended) flags, or None if no such card."""
    row = tx.db.execute("SELECT leech, suspended FROM card WHERE id = ?", (card_id,)).fetchone()
    return None if row is None else LeechFlags(bool(row[0]), bool(row[1]))


def set_leech_flags(tx: Transaction, card_id: int, flags: LeechFlags) -> bool:
    """Set a card's leech and suspended flags; False if no such card."""
    cursor = tx.db.execute(
        "UPDATE card SET leech = ?, suspended = ?, revision = revision + 1 WHERE id = ?",
        (int(flags.leech), int(flags.suspended), card_id),
    )
    return cursor.rowcount == 1


def review_leech_flags(tx: Transaction, review_id: int) -> int | None:
    """A log row's ``leech_flags_before`` (None: the review made no leech)."""
    row = tx.db.execute("SELECT leech_flags_before FROM review_log WHERE id = ?", (review_id,)).fetchone()
    return None if row is None else row[0]


def last_review(tx: Transaction, card_id: int | None = None) -> LoggedReview | None:
    """The most recent graded review (of one card, if given): a Forget or Set due date row
    (``sm2.GRADED_BELOW``) is no review."""
    if card_id is None:
        row = tx.db.execute(f"{_SELECT_LOG} WHERE kind < {GRADED_BELOW} ORDER BY id DESC LIMIT 1").fetchone()
    else:
        row = tx.db.execute(
            f"{_SELECT_LOG} WHERE card_id = ? AND kind < {GRADED_BELOW} ORDER BY id DESC LIMIT 1", (card_id,)
        ).fetchone()
    return None if row is None else logged_review(row)


def card_name(tx: Transaction, card_id: int) -> str:
    """``DECK/CARD`` of a card that exists."""
    row = tx.db.execute("SELECT d.slug || '/' || c.slug FROM card AS c JOIN deck AS d ON d.id = c.deck_id "
                        "WHERE c.id = ?", (card_id,)).fetchone()
    return str(row[0])


def manual_change_after(tx: Transaction, card_id: int, review_id: int) -> LoggedReview | None:
    """The card's latest Forget or Set due date row logged after row ``review_id``, or None."""
    row = tx.db.execute(
        f"{_SELECT_LOG} WHERE card_id = ? AND id > ? AND kind >= {GRADED_BELOW} ORDER BY id DESC LIMIT 1",
        (card_id, review_id),
    ).fetchone()
    return None if row is None else logged_review(row)


def latest_moment(tx: Transaction, card_id: int, *, manual: bool) -> LoggedReview | None:
    """The card's log row with the latest moment (of its Forget and Set due date rows only, with
    ``manual``), or None. A row is appended after it only at the same moment or later: the log
    in time order (exports, the history files) is then the log in row order (its fold)."""
    kinds = f" AND kind >= {GRADED_BELOW}" if manual else ""
    row = tx.db.execute(
        f"{_SELECT_LOG} WHERE card_id = ?{kinds} ORDER BY reviewed_ms DESC, id DESC LIMIT 1", (card_id,)
    ).fetchone()
    return None if row is None else logged_review(row)


def has_review_at(tx: Transaction, card_id: int, reviewed_ms: int) -> bool:
    """Whether the card's log holds a review at exactly this moment (a batch run twice)."""
    row = tx.db.execute(
        f"SELECT 1 FROM review_log WHERE card_id = ? AND reviewed_ms = ? AND kind < {GRADED_BELOW} LIMIT 1",
        (card_id, reviewed_ms)
    ).fetchone()
    return row is not None


def card_reviews(tx: Transaction, card_id: int) -> list[LoggedReview]:
    """A card's review log, oldest first."""
    rows = tx.db.execute(f"{_SELECT_LOG} WHERE card_id = ? ORDER BY id", (card_id,)).fetchall()
    return [logged_review(row) for row in rows]


def delete_review(tx: Transaction, review_id: int) -> None:
    tx.db.execute("DELETE FROM review_log WHERE id = ?", (review_id,))


def set_flags(tx: Transaction, card_id: int, *, suspended: bool | None = None,
              buried_until: date | None | str = "keep", leech: bool | None = None) -> bool:
    """Change a card's suspended flag, bury date and/or leech flag; False if no such card."""
    sets, values = [], []
    if suspended is not None:
        sets.append("suspended = ?")
        values.append(int(suspended))
    if leech is not None:
        sets.append("leech = ?")
        values.append(int(leech))
    if buried_until != "keep":
        sets.append("buried_until = ?")
        values.append(day_text(buried_until))  # type: ignore[arg-type]
    sets.append("revision = revision + 1")
    cursor = tx.db.execute(f"UPDATE card SET {', '.join(sets)} WHERE id = ?", (*values, card_id))
    return cursor.rowcount == 1


def flags(tx: Transaction, card_id: int) -> tuple[bool, date | None] | None:
    """A card's (suspended, buried_until), or None if no such card (undo restores them)."""
    row = tx.db.execute("SELECT suspended, buried_until FROM card WHERE id = ?", (card_id,)).fetchone()
    return None if row is None else (bool(row[0]), text_day(row[1]))


def shown_flags(tx: Transaction, card_id: int) -> tuple[bool, date | None, bool] | None:
    """A card's (suspended, buried_until, leech), or None if no such card (``show``'s Flags)."""
    row = tx.db.execute("SELECT suspended, buried_until, leech FROM card WHERE id = ?", (card_id,)).fetchone()
    return None if row is None else (bool(row[0]), text_day(row[1]), bool(row[2]))


@dataclass(frozen=True)
class CardLog:
    """A card's schedule and review log, for deriving its FSRS state (switching, undo).

    The log is the graded reviews since the card's last Forget (kind RESET: its memory state
    starts over, as Anki's FSRS reads a log only from its last reset); ``set_due`` is the due
    day of a Set due date logged after the last of them (None: none since).
    """

    card_id: int
    state: CardState  # SM-2's, now
    first_before: CardState | None  # SM-2 state before its first logged review (None: no log)
    reviews: tuple[tuple[date, int], ...]  # (study day, grade), in log order
    stability: float | None
    set_due: date | None = None


def deck_logs(tx: Transaction, deck_id: int | None = None, card_id: int | None = None) -> list[CardLog]:
    """The schedule and log of every card of a deck (or of one card; neither: of every
    card), retired ones included."""
    if card_id is not None:
        where, key = "c.id = ?", card_id
    elif deck_id is not None:
        where, key = "c.deck_id = ?", deck_id
    else:
        where, key = "?", 1
    cards = tx.db.execute(
        f"SELECT c.id, c.repetitions, c.ease, c.interval, {SM2_DUE}, c.last_review, "
        f"c.repeat_pending, c.fsrs_stability FROM card AS c WHERE {where} ORDER BY c.id",
        (key,),
    ).fetchall()
    logs: dict[int, list[tuple[Any, ...]]] = {}
    set_dues: dict[int, date | None] = {}
    rows = tx.db.execute(
        "SELECT r.card_id, r.study_day, r.grade, r.repetitions_before, r.ease_before, "
        "r.interval_before, r.due_before, r.last_review_before, r.pending_before, r.kind, r.due_after "
        f"FROM review_log AS r JOIN card AS c ON c.id = r.card_id WHERE {where} "
        "ORDER BY r.card_id, r.id",
        (key,),
    )
    for row in rows:
        kind = row[9]
        if kind == _RESET:
            logs[row[0]] = []
            set_dues[row[0]] = None
        elif kind == _RESCHEDULE:
            logs.setdefault(row[0], [])
            set_dues[row[0]] = text_day(row[10])
        else:
            logs.setdefault(row[0], []).append(row)
            set_dues[row[0]] = None
    found = []
    for cid, n, ease, interval, due, last, pending, stability in cards:
        rows_ = logs.get(cid, [])
        first = None
        if rows_:
            _, _, _, n0, e0, i0, d0, l0, p0, _, _ = rows_[0]
            first = CardState(n0, e0, i0, text_day(d0), text_day(l0), bool(p0))
        found.append(CardLog(
            card_id=cid,
            state=CardState(n, ease, interval, text_day(due), text_day(last), bool(pending)),
            first_before=first,
            reviews=tuple((text_day(r[1]), r[2]) for r in rows_),  # type: ignore[misc]
            stability=stability,
            set_due=set_dues.get(cid),
        ))
    return found


_RESET, _RESCHEDULE = int(ReviewKind.RESET), int(ReviewKind.RESCHEDULE)


def logged_review(row: tuple[Any, ...]) -> LoggedReview:
    (
        review_id, card_id, reviewed_ms, study_day, grade, rating, kind,
        n_before, n_after, ease_before, ease_after, ivl_before, ivl_after,
        due_before, due_after, last_before, pending_before, duration_ms,
        params, typed, correct,
    ) = row
    day = text_day(study_day)
    assert day is not None
    before = CardState(
        repetitions=n_before, ease=ease_before, interval=ivl_before,
        due=text_day(due_before), last_review=text_day(last_before),
        repeat_pending=bool(pending_before),
    )
    after = logged_after(kind, before, n_after, ease_after, ivl_after, text_day(due_after), day, grade)
    return LoggedReview(
        id=review_id, card_id=card_id, reviewed_ms=reviewed_ms, study_day=day, grade=grade,
        rating=rating, kind=kind, before=before, after=after, duration_ms=duration_ms,
        variant_params=None if params is None else json.loads(params),
        typed_answer=typed, answer_correct=None if correct is None else bool(correct),
    )


def active_card_counts(tx: Transaction) -> dict[int, int]:
    """Per deck id: cards that are studied (not retired, not suspended)."""
    rows = tx.db.execute(
        "SELECT deck_id, count(*) FROM card WHERE retired = 0 AND suspended = 0 GROUP BY deck_id")
    return {deck_id: count for deck_id, count in rows}


def fsrs_memory(tx: Transaction, deck_id: int) -> dict[int, tuple[float, float, date | None]]:
    """``{card id: (stability, difficulty, FSRS due day)}`` of a deck's cards with an FSRS state."""
    rows = tx.db.execute("SELECT id, fsrs_stability, fsrs_difficulty, due FROM card "
                         "WHERE deck_id = ? AND fsrs_stability IS NOT NULL", (deck_id,))
    return {card_id: (stability, difficulty, text_day(due)) for card_id, stability, difficulty, due in rows}
