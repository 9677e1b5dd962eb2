"""Practice runs in the store: the computed cards to draw from, the attempts, each family's record.

A practice attempt (``schema.PracticeAttemptRow``) is a typed answer to a
fresh variant of a computed card made outside the SM-2 schedule: it is
written to ``practice_attempt`` only, never to ``review_log`` or the card's
scheduling columns. Every function runs inside the caller's transaction,
on its DB-API connection (``tx.db``), so the statistics can read the
attempts through a plain ``Reader`` too. The deck model (``flashdl.deck``, ~50 ms
to import) is imported only by the functions of a practice run, not by those
``flashdl stats`` calls.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from flashdl.store.connection import Transaction

if TYPE_CHECKING:
    from flashdl.deck.model import EngineSpec

# Named tuples, not dataclasses: ``flashdl stats`` imports this module, and the dataclasses
# module (with the inspect module it imports) would cost that one-shot process ~6 ms.


class ComputedCard(NamedTuple):
    """An active card with an ``engine`` block (a practice candidate)."""

    id: int
    deck: str  # deck slug
    slug: str
    tags: tuple[str, ...]
    engine: EngineSpec
    position: int

    @property
    def full_id(self) -> str:
        return f"{self.deck}/{self.slug}"


class FamilyRecord(NamedTuple):
    """A family's typed answers (reviews and practice alike), for choosing the weakest."""

    attempts: int
    correct: int
    recent: int  # attempts among the last 10 (min(10, attempts))
    recent_correct: int  # right answers among them


_COMPUTED = (
    "SELECT c.id, d.slug, c.slug, c.tags, c.engine, c.position, d.tags FROM card AS c "
    "JOIN deck AS d ON d.id = c.deck_id "
    "WHERE c.engine IS NOT NULL AND c.retired = 0 AND c.suspended = 0 "
    "ORDER BY d.slug, c.position, c.id"
)


def computed_cards(tx: Transaction) -> list[ComputedCard]:
    """Every active (not retired, not suspended) card with an engine block, deck by deck in file order."""
    from flashdl.deck.model import with_deck_tags
    from flashdl.store.records import engine_from_json

    found = []
    for card_id, deck, slug, tags, engine, position, deck_tags in tx.db.execute(_COMPUTED):
        spec = engine_from_json(engine)
        if spec is not None:  # its own tags and its deck's, which apply to it too
            found.append(ComputedCard(card_id, deck, slug,
                                      with_deck_tags(tuple(json.loads(tags)), tuple(json.loads(deck_tags or "[]"))),
                                      spec, position))
    return found


_INSERT = (
    "INSERT INTO practice_attempt (card_id, family, params, typed_answer, correct, duration_ms, "
    "attempted_ms, study_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def append_attempt(
    tx: Transaction, *, card_id: int, family: str, params: object, typed: str, correct: bool,
    duration_ms: int, attempted_ms: int, day: date,
) -> int:
    """Append one attempt; its row id (durable once the caller's write transaction commits)."""
    from flashdl.store.records import dump_json

    cursor = tx.db.execute(_INSERT, (card_id, family, dump_json(params), typed, int(correct),
                                     max(0, duration_ms), attempted_ms, day.isoformat()))
    return int(cursor.lastrowid or 0)


class LoggedAttempt(NamedTuple):
    id: int
    card_id: int
    family: str
    params: dict[str, object]
    typed: str
    correct: bool
    duration_ms: int
    attempted_ms: int
    study_day: date


def attempts(tx: Transaction) -> list[LoggedAttempt]:
    """Every practice attempt, oldest first (tests, exports)."""
    rows = tx.db.execute(
        "SELECT id, card_id, family, params, typed_answer, correct, duration_ms, attempted_ms, study_day "
        "FROM practice_attempt ORDER BY id"
    )
    return [
        LoggedAttempt(i, card, family, json.loads(params), typed, bool(correct), duration, moment,
                      date.fromisoformat(day))
        for i, card, family, params, typed, correct, duration, moment, day in rows
    ]


# Typed answers of reviews (computed cards, answer checked) and practice attempts, one stream
# per family, newest first: the family of a review is its card's engine family.
_TYPED_ANSWERS = """
SELECT family, moment, practice, seq, correct FROM (
    SELECT json_extract(c.engine, '$.family') AS family, l.reviewed_ms AS moment, l.id AS seq,
           0 AS practice, l.answer_correct AS correct
    FROM review_log AS l JOIN card AS c ON c.id = l.card_id
    WHERE l.answer_correct IS NOT NULL AND c.engine IS NOT NULL {review_deck} {review_days}
    UNION ALL
    SELECT family, attempted_ms, id, 1, correct FROM practice_attempt AS p
    WHERE 1 {practice_deck} {practice_days}
) WHERE family IS NOT NULL
"""
_REVIEW_IN_DECK = "AND c.deck_id = :deck_id"
_PRACTICE_IN_DECK = "AND p.card_id IN (SELECT id FROM card WHERE deck_id = :deck_id)"

# The review log's typed answers are read from its partial index ``ix_review_log_typed``
# (a few per cent of the log), each joined to its card by primary key.
_RECORDS = f"""
SELECT family, count(*), sum(correct), sum(rank <= :recent), sum(CASE WHEN rank <= :recent THEN correct END)
FROM (
    SELECT family, correct,
           row_number() OVER (PARTITION BY family ORDER BY moment DESC, practice DESC, seq DESC) AS rank
    FROM ({_TYPED_ANSWERS})
)
GROUP BY family ORDER BY family
"""

RECENT = 10  # "the last 10" of DESIGN §6's ``last10``


def family_records(tx: Transaction, *, deck_id: int | None = None, first: date | None = None,
                   last: date | None = None) -> dict[str, FamilyRecord]:
    """Each family's typed answers, reviews and practice alike (``deck_id``: one deck's), on study
    days in [``first``, ``last``] (None: unbounded).

    ``recent``/``recent_correct`` are over the family's last ``RECENT`` answers
    in that range, by moment (ties: practice after reviews, then in the order
    recorded). A family with ``RECENT`` answers in a range ending at ``last``
    has the same last ``RECENT`` as over all time up to ``last``, so the
    statistics ask their period first (a range of ``ix_review_log_day``) and
    all time only for the families with fewer.
    """
    review_days = practice_days = ""
    if first is not None:
        review_days += " AND l.study_day >= :first"
        practice_days += " AND p.study_day >= :first"
    if last is not None:  # without ``first``: read the typed-answers index, not a range of days
        review_days += " AND l.study_day <= :last" if first is not None else " AND +l.study_day <= :last"
        practice_days += " AND p.study_day <= :last"
    sql = _RECORDS.format(
        review_deck="" if deck_id is None else _REVIEW_IN_DECK,
        practice_deck="" if deck_id is None else _PRACTICE_IN_DECK,
        review_days=review_days, practice_days=practice_days,
    )
    params: dict[str, object] = {"recent": RECENT}
    if deck_id is not None:
        params["deck_id"] = deck_id
    if first is not None:
        params["first"] = first.isoformat()
    if last is not None:
        params["last"] = last.isoformat()
    return {
        family: FamilyRecord(total, right or 0, recent or 0, recent_right or 0)
        for family, total, right, recent, recent_right in tx.db.execute(sql, params)
    }


_PRACTICE_DAYS = """
SELECT family, count(*), sum(correct) FROM practice_attempt AS p
WHERE study_day BETWEEN :first AND :last {deck}
GROUP BY family ORDER BY family
"""


def practice_per_family(
    tx: Transaction, *, first: date, last: date, deck_id: int | None = None
) -> dict[str, tuple[int, int]]:
    """family -> (practice attempts, right ones) on study days in [first, last]."""
    sql = _PRACTICE_DAYS.format(deck="" if deck_id is None else _PRACTICE_IN_DECK)
    params: dict[str, object] = {"first": first.isoformat(), "last": last.isoformat()}
    if deck_id is not None:
        params["deck_id"] = deck_id
    return {family: (count, right or 0) for family, count, right in tx.db.execute(sql, params)}
