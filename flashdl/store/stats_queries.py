"""The SQL behind ``flashdl stats``: aggregates over the review log and the cards.

Every function runs inside the caller's ``Store.read()`` transaction and
returns a few small tuples: the database does the counting, no function
reads the log row by row into Python. The definitions (what is "learning",
"correct", a "lapse", which cards count) are documented in
``flashdl.services.stats``; this module only states them in SQL.

Study days are ISO text, so ``BETWEEN`` and ``<`` on them order like the
dates. Review-log figures use the ``study_day`` each row was stored with
(the day it counted for, in the zone it was made in); ``deck_id=None``
means the whole collection. Indexes used: ``ix_review_log_day``
(``study_day``: day ranges, the streak's probes, the heat-map, which reads
the index alone), ``ix_review_log_card`` (per-card lapses), ``ix_card_due``
(the forecast).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    ColumnElement,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    text,
)

from flashdl.scheduler.sm2 import PASS_GRADE, ReviewKind
from flashdl.store.records import text_day
from flashdl.store.schema import card_table as card
from flashdl.store.schema import deck_table as deck
from flashdl.store.schema import review_log_table as log

MATURE_INTERVAL = 21  # days: a card whose interval is at least this is mature (as Anki)

CATEGORIES = ("new", "learning", "young", "mature", "suspended")


def _deck_cards(deck_id: int) -> Any:
    return select(card.c.id).where(card.c.deck_id == deck_id).scalar_subquery()


def _log_in_deck(deck_id: int | None) -> ColumnElement[bool]:
    if deck_id is None:
        return literal(True)
    return log.c.card_id.in_(_deck_cards(deck_id))


def _bucket(column: Any, edges: Sequence[int]) -> Any:
    """Index of the bucket [edges[i-1], edges[i]) holding ``column``; len(edges) past the last."""
    whens = [(column < edge, index) for index, edge in enumerate(edges)]
    return case(*whens, else_=len(edges))


def card_groups(
    conn: Connection,
    *,
    today: date,
    deck_id: int | None,
    ease_edges: Sequence[int],
    interval_edges: Sequence[int],
) -> list[tuple[str, int, int, int]]:
    """(category, ease bucket, interval bucket, cards) over the non-retired cards, in one scan.

    Category, first match: ``suspended``; ``new`` (never scheduled: no due
    day); ``learning`` (graded < 4 on ``today`` and not buried: a same-day
    repeat is pending, as ``queries.census`` counts it); ``young``
    (interval < 21 days); ``mature``. Retired cards are left out. Buckets
    as ``_bucket`` over ``ease_edges`` (per-mille) and ``interval_edges`` (days),
    -1 for cards never scheduled (no due day), which have no ease or interval yet.
    """
    category = case(
        (card.c.suspended.is_(True), literal("suspended")),
        (card.c.due.is_(None), literal("new")),
        (
            and_(
                card.c.repeat_pending.is_(True),
                card.c.last_review == today,
                or_(card.c.buried_until.is_(None), card.c.buried_until <= today),
            ),
            literal("learning"),
        ),
        (card.c.interval < MATURE_INTERVAL, literal("young")),
        else_=literal("mature"),
    ).label("category")
    unseen = card.c.due.is_(None)
    ease_bucket = case((unseen, -1), else_=_bucket(card.c.ease, ease_edges)).label("ease_bucket")
    interval_bucket = case(
        (unseen, -1), else_=_bucket(card.c.interval, interval_edges)
    ).label("interval_bucket")
    query = (
        select(category, ease_bucket, interval_bucket, func.count())
        .where(card.c.retired.is_(False))
        .group_by(category, ease_bucket, interval_bucket)
    )
    if deck_id is not None:
        query = query.where(card.c.deck_id == deck_id)
    return [(row[0], row[1], row[2], row[3]) for row in conn.execute(query)]


def due_forecast(
    conn: Connection, *, today: date, end: date, deck_id: int | None
) -> list[tuple[date, int]]:
    """(day, cards due) for days in [today, end); overdue cards are counted on ``today``.

    Active scheduled cards only (not new, suspended or retired).
    """
    day = case((card.c.due < today, literal(today.isoformat())), else_=card.c.due).label("day")
    query = (
        select(day, func.count())
        .where(
            card.c.retired.is_(False),
            card.c.suspended.is_(False),
            card.c.due.is_not(None),
            card.c.due < end,
        )
        .group_by(day)
    )
    if deck_id is not None:
        query = query.where(card.c.deck_id == deck_id)
    return [(_day(row[0]), row[1]) for row in conn.execute(query)]


def reviews_per_day(
    conn: Connection, *, first: date, last: date, deck_id: int | None, with_correct: bool = True
) -> list[tuple[date, int, int]]:
    """(study day, reviews, reviews graded >= 3) for the days in [first, last] with reviews.

    Every logged review counts (new, review and drill). ``with_correct=False``
    leaves the third figure 0 and reads the study-day index alone (the heat-map).
    """
    correct = func.sum(case((log.c.grade >= PASS_GRADE, 1), else_=0)) if with_correct else literal(0)
    query = (
        select(log.c.study_day, func.count(), correct)
        .where(log.c.study_day.between(first, last), _log_in_deck(deck_id))
        .group_by(log.c.study_day)
        .order_by(log.c.study_day)
    )
    return [(_day(row[0]), row[1], row[2] or 0) for row in conn.execute(query)]


def day_totals(conn: Connection, *, day: date, deck_id: int | None) -> tuple[int, int, int, int]:
    """(reviews, graded >= 3, new cards seen, milliseconds spent) on study day ``day``."""
    query = select(
        func.count(),
        func.sum(case((log.c.grade >= PASS_GRADE, 1), else_=0)),
        func.sum(case((log.c.kind == int(ReviewKind.NEW), 1), else_=0)),
        func.sum(log.c.duration_ms),
    ).where(log.c.study_day == day, _log_in_deck(deck_id))
    reviewed, correct, new_seen, spent = conn.execute(query).one()
    return reviewed, correct or 0, new_seen or 0, spent or 0


_STREAK = """
WITH RECURSIVE run(day) AS (
    SELECT :anchor
    UNION ALL
    SELECT date(run.day, '-1 day') FROM run
    WHERE EXISTS (SELECT 1 FROM review_log WHERE study_day = date(run.day, '-1 day') {deck})
)
SELECT count(*) FROM run
"""
_HAS_REVIEWS = "SELECT EXISTS (SELECT 1 FROM review_log WHERE study_day = :day {deck})"
_IN_DECK = "AND card_id IN (SELECT id FROM card WHERE deck_id = :deck_id)"


def study_streak(conn: Connection, *, today: date, deck_id: int | None) -> int:
    """Consecutive study days with at least one review, ending today, or yesterday if
    there is none today yet (so the streak survives until the day is over).

    One index probe per day of the streak (a recursive query), not a scan.
    """
    deck_filter = "" if deck_id is None else _IN_DECK
    params: dict[str, object] = {} if deck_id is None else {"deck_id": deck_id}
    has_reviews = text(_HAS_REVIEWS.format(deck=deck_filter))
    yesterday = date.fromordinal(today.toordinal() - 1)
    for anchor in (today, yesterday):
        if conn.execute(has_reviews, {"day": anchor.isoformat(), **params}).scalar_one():
            streak = text(_STREAK.format(deck=deck_filter))
            return int(conn.execute(streak, {"anchor": anchor.isoformat(), **params}).scalar_one())
    return 0


def retention_counts(
    conn: Connection, *, first: date, last: date, deck_id: int | None
) -> dict[bool, tuple[int, int]]:
    """{mature?: (reviews, graded >= 3)} over review-kind reviews on days in [first, last].

    A review is mature when the card's interval before it was >= 21 days.
    """
    mature = (log.c.interval_before >= MATURE_INTERVAL).label("mature")
    query = (
        select(mature, func.count(), func.sum(case((log.c.grade >= PASS_GRADE, 1), else_=0)))
        .where(
            log.c.kind == int(ReviewKind.REVIEW),
            log.c.study_day.between(first, last),
            _log_in_deck(deck_id),
        )
        .group_by(mature)
    )
    return {bool(row[0]): (row[1], row[2] or 0) for row in conn.execute(query)}


def hardest_cards(
    conn: Connection, *, deck_id: int | None, limit: int, ease_below: int
) -> list[tuple[str, str, int, int]]:
    """(deck slug, card slug, lapses, ease per-mille) of the hardest active, seen cards.

    A lapse is a review-kind review graded < 3 (all time). Cards with a lapse
    or an ease below ``ease_below`` qualify; most lapses first, then lowest
    ease, then deck and card id. Suspended cards are included (leeches often
    are), retired ones are not.
    """
    lapse_rows = select(log.c.card_id, func.count().label("lapses")).where(
        log.c.kind == int(ReviewKind.REVIEW), log.c.grade < PASS_GRADE
    )
    if deck_id is not None:
        lapse_rows = lapse_rows.where(log.c.card_id.in_(_deck_cards(deck_id)))
    lapses = lapse_rows.group_by(log.c.card_id).subquery()
    count = func.coalesce(lapses.c.lapses, 0).label("lapses")
    query = (
        select(deck.c.slug, card.c.slug, count, card.c.ease)
        .select_from(
            card.join(deck, deck.c.id == card.c.deck_id).outerjoin(
                lapses, lapses.c.card_id == card.c.id
            )
        )
        .where(
            card.c.retired.is_(False),
            card.c.due.is_not(None),
            or_(lapses.c.lapses > 0, card.c.ease < ease_below),
        )
        .order_by(count.desc(), card.c.ease, deck.c.slug, card.c.slug)
        .limit(limit)
    )
    if deck_id is not None:
        query = query.where(card.c.deck_id == deck_id)
    return [(row[0], row[1], row[2], row[3]) for row in conn.execute(query)]


def engine_attempts(
    conn: Connection, *, first: date, last: date, deck_id: int | None
) -> list[tuple[str, int, int]]:
    """(engine family, attempts, right) over reviews on days in [first, last].

    An attempt is a review of a computed card whose typed answer was checked
    (``answer_correct`` not null); right when the check said so. The family
    is the card's ``engine.family``. Counted per card first, so the JSON of
    each card is read once, not once per review.
    """
    per_card = (
        select(
            log.c.card_id,
            func.count().label("attempts"),
            func.sum(case((log.c.answer_correct.is_(True), 1), else_=0)).label("right"),
        )
        .where(log.c.study_day.between(first, last), log.c.answer_correct.is_not(None))
        .group_by(log.c.card_id)
        .subquery()
    )
    family = func.json_extract(card.c.engine, "$.family").label("family")
    query = (
        select(family, func.sum(per_card.c.attempts), func.sum(per_card.c.right))
        .select_from(per_card.join(card, card.c.id == per_card.c.card_id))
        .where(card.c.engine.is_not(None))
        .group_by(family)
        .order_by(family)
    )
    if deck_id is not None:
        query = query.where(card.c.deck_id == deck_id)
    return [(row[0], row[1], row[2] or 0) for row in conn.execute(query) if row[0] is not None]


def _day(value: object) -> date:
    day = text_day(value)  # type: ignore[arg-type]
    assert day is not None
    return day
