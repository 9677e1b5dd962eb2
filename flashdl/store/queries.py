"""Reading the collection: decks, cards, queue candidates, counts, search.

Each function runs inside the caller's ``Store.read()`` or ``write()`` and
returns plain records. Study days are compared as ISO text, which orders
like the dates themselves.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select

from flashdl.deck.model import MARKUP_MARKDOWN, EngineSpec, Erratum
from flashdl.scheduler.queue import QueueEntry, QueueKind
from flashdl.scheduler.sm2 import CardState, ReviewKind
from flashdl.store.connection import Transaction
from flashdl.store.records import StoredCard, engine_from_json, errata_from_json
from flashdl.store.schema import card_table as card
from flashdl.store.schema import deck_table as deck
from flashdl.store.schema import review_log_table as log


@dataclass(frozen=True)
class DeckRecord:
    id: int
    slug: str
    name: str
    description: str | None
    source: str | None
    path: str | None
    tags: tuple[str, ...]
    new_per_day: int | None


@dataclass(frozen=True)
class DeckCensus:
    """Card counts of one deck on one study day (retired cards excluded)."""

    total: int = 0
    unseen: int = 0  # never reviewed, active (not suspended or buried)
    learning: int = 0  # same-day repeat pending today
    due: int = 0  # reviews due today or overdue
    suspended: int = 0
    buried: int = 0


def decks(tx: Transaction) -> list[DeckRecord]:
    rows = tx.sql.execute(select(deck).order_by(deck.c.slug)).all()
    return [
        DeckRecord(
            id=r.id, slug=r.slug, name=r.name, description=r.description, source=r.source,
            path=r.path, tags=tuple(json.loads(r.tags)), new_per_day=r.new_per_day,
        )
        for r in rows
    ]


def deck_id(tx: Transaction, slug: str) -> int | None:
    return tx.sql.execute(select(deck.c.id).where(deck.c.slug == slug)).scalar_one_or_none()


def card_id(tx: Transaction, deck_slug: str, card_slug: str) -> int | None:
    query = (
        select(card.c.id)
        .join(deck, deck.c.id == card.c.deck_id)
        .where(deck.c.slug == deck_slug, card.c.slug == card_slug)
    )
    return tx.sql.execute(query).scalar_one_or_none()


def cards(tx: Transaction, card_ids: list[int]) -> dict[int, StoredCard]:
    """Full records of the given cards (missing ids are left out)."""
    query = (
        select(card, deck.c.slug.label("deck_slug"), deck.c.markup.label("deck_markup"))
        .join(deck, deck.c.id == card.c.deck_id)
        .where(card.c.id.in_(card_ids))
    )
    return {row.id: _stored_card(row) for row in tx.sql.execute(query)}


def deck_cards(tx: Transaction, deck_id_: int, *, include_retired: bool = False) -> list[StoredCard]:
    """A deck's cards in file order (for export)."""
    query = (
        select(card, deck.c.slug.label("deck_slug"), deck.c.markup.label("deck_markup"))
        .join(deck, deck.c.id == card.c.deck_id)
        .where(card.c.deck_id == deck_id_)
        .order_by(card.c.retired, card.c.position, card.c.id)
    )
    if not include_retired:
        query = query.where(card.c.retired.is_(False))
    return [_stored_card(row) for row in tx.sql.execute(query)]


_STUDY_CONTENT = (
    "SELECT d.slug, c.slug, c.front, c.back, c.tags, c.engine, c.errata, "
    f"coalesce(c.markup, d.markup, '{MARKUP_MARKDOWN}') "
    "FROM card AS c JOIN deck AS d ON d.id = c.deck_id WHERE c.id = ?"
)


def study_content(
    tx: Transaction, card_id_: int
) -> tuple[str, str, str, str, tuple[str, ...], EngineSpec | None, tuple[Erratum, ...], str] | None:
    """(deck slug, card slug, front, back, tags, engine, errata, markup) of one card.

    ``markup`` is how its text is shown: the card's own, else its deck's.
    On the driver connection: the study screen asks for it at every card.
    """
    row = tx.db.execute(_STUDY_CONTENT, (card_id_,)).fetchone()
    if row is None:
        return None
    deck_slug, card_slug, front, back, tags, engine, errata, markup = row
    return (deck_slug, card_slug, front, back, tuple(json.loads(tags)), engine_from_json(engine),
            errata_from_json(errata), markup)


def fronts(tx: Transaction, card_ids: list[int]) -> dict[int, tuple[str, str]]:
    """card id -> (DECK/CARD, front), for listing a queue."""
    found: dict[int, tuple[str, str]] = {}
    db = tx.db
    for start in range(0, len(card_ids), 500):
        chunk = card_ids[start:start + 500]
        rows = db.execute(
            "SELECT c.id, d.slug || '/' || c.slug, c.front FROM card AS c "
            f"JOIN deck AS d ON d.id = c.deck_id WHERE c.id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        found.update((cid, (full, front)) for cid, full, front in rows)
    return found


def _stored_card(row: object) -> StoredCard:
    r = row  # a Row with card columns plus deck_slug and deck_markup
    return StoredCard(
        id=r.id, deck_id=r.deck_id, deck=r.deck_slug, slug=r.slug, position=r.position,  # type: ignore[attr-defined]
        front=r.front, back=r.back, tags=tuple(json.loads(r.tags)),  # type: ignore[attr-defined]
        engine=engine_from_json(r.engine), errata=errata_from_json(r.errata),  # type: ignore[attr-defined]
        retired=bool(r.retired), suspended=bool(r.suspended),  # type: ignore[attr-defined]
        buried_until=r.buried_until, revision=r.revision,  # type: ignore[attr-defined]
        state=CardState(
            repetitions=r.repetitions, ease=r.ease, interval=r.interval,  # type: ignore[attr-defined]
            due=r.due, last_review=r.last_review, repeat_pending=bool(r.repeat_pending),  # type: ignore[attr-defined]
        ),
        markup=r.markup or r.deck_markup or MARKUP_MARKDOWN,  # type: ignore[attr-defined]
    )


_ACTIVE = "retired = 0 AND suspended = 0 AND (buried_until IS NULL OR buried_until <= ?1)"
_REVIEWS = (  # a card due on or before today cannot have been reviewed today (I >= 1)
    f"SELECT id, deck_id, due, position FROM card WHERE due <= ?1 AND {_ACTIVE}"
)
_REVIEW_ORDER = " ORDER BY due, deck_id, position, id LIMIT ?4"
_LEARNING = (
    "SELECT id, deck_id, position FROM card "
    f"WHERE repeat_pending = 1 AND last_review = ?1 AND {_ACTIVE}"
)
_NEW = (
    f"SELECT id, position FROM card WHERE due IS NULL AND deck_id = ?2 AND {_ACTIVE} "
    "ORDER BY position, id LIMIT ?3"
)
# New cards in "random" order: a fixed shuffle by card id (the same every day, as Anki's
# random order, which is drawn once when cards are added); the key stands in for the position.
RANDOM_KEY = "((id * 2654435761) % 4294967296)"
_NEW_RANDOM = (
    f"SELECT id, {RANDOM_KEY} FROM card WHERE due IS NULL AND deck_id = ?2 AND {_ACTIVE} "
    f"ORDER BY {RANDOM_KEY}, id LIMIT ?3"
)


def review_page(
    tx: Transaction,
    today: date,
    *,
    after: QueueEntry | None = None,
    limit: int = -1,
    deck_id_: int | None = None,
) -> list[QueueEntry]:
    """Reviews due by ``today`` in queue order (due, deck, position, id), after ``after``.

    Read straight off the ``ix_card_queue`` index; ``limit`` -1 means all.
    Plain SQL on the driver connection: this is how a session pages through
    100,000 due cards without reading them all at its start.
    """
    sql = _REVIEWS
    params: list[object] = [today.isoformat(), deck_id_, None, limit]
    if deck_id_ is not None:
        sql += " AND deck_id = ?2"
    if after is not None:
        sql += " AND (due, deck_id, position, id) > (?5, ?6, ?7, ?8)"
        params += [after.due.isoformat(), after.deck_id, after.position, after.card_id]
    db = tx.db
    fromiso, review = date.fromisoformat, QueueKind.REVIEW
    return [
        QueueEntry(cid, did, review, fromiso(due), position)
        for cid, did, due, position in db.execute(sql + _REVIEW_ORDER, params)  # type: ignore[union-attr]
    ]


def review_count(tx: Transaction, today: date, deck_id_: int | None = None) -> int:
    sql = f"SELECT count(*) FROM card WHERE due <= ?1 AND {_ACTIVE}"
    params: tuple[object, ...] = (today.isoformat(),)
    if deck_id_ is not None:
        sql += " AND deck_id = ?2"
        params += (deck_id_,)
    db = tx.db
    return int(db.execute(sql, params).fetchone()[0])  # type: ignore[union-attr]


def queue_candidates(
    tx: Transaction,
    today: date,
    new_allowance: Mapping[int, int],
    deck_id_: int | None = None,
    *,
    review_limit: int = -1,
    random_order: Collection[int] = (),
) -> list[QueueEntry]:
    """The cards to study on ``today``: the first ``review_limit`` reviews
    (-1: all), the same-day repeats, and per deck at most
    ``new_allowance[deck]`` new cards in file order (``random_order``: the
    decks whose new cards come in a fixed shuffle instead)."""
    entries = review_page(tx, today, limit=review_limit, deck_id_=deck_id_)
    day = today.isoformat()
    db = tx.db
    learning_sql: str = _LEARNING
    params: tuple[object, ...] = (day,)
    if deck_id_ is not None:
        learning_sql, params = learning_sql + " AND deck_id = ?2", (day, deck_id_)
    for cid, did, position in db.execute(learning_sql, params):  # type: ignore[union-attr]
        entries.append(QueueEntry(cid, did, QueueKind.LEARNING, today, position))
    for did, allowance in new_allowance.items():
        if allowance <= 0 or (deck_id_ is not None and did != deck_id_):
            continue
        sql = _NEW_RANDOM if did in random_order else _NEW
        for cid, position in db.execute(sql, (day, did, allowance)):  # type: ignore[union-attr]
            entries.append(QueueEntry(cid, did, QueueKind.NEW, today, position))
    return entries


def new_seen_on(tx: Transaction, day: date, kind: ReviewKind = ReviewKind.NEW) -> dict[int, int]:
    """Per deck id: how many new cards had their first review on study day ``day``
    (with ``kind=ReviewKind.REVIEW``: how many reviews of seen cards it had)."""
    query = (
        select(card.c.deck_id, func.count())
        .select_from(log.join(card, card.c.id == log.c.card_id))
        .where(log.c.study_day == day, log.c.kind == int(kind))
        .group_by(card.c.deck_id)
    )
    return {deck_id_: count for deck_id_, count in tx.sql.execute(query)}


def reviews_on(tx: Transaction, day: date) -> dict[int, tuple[int, int, int]]:
    """Per deck id: (reviews, reviews graded >= 3, milliseconds spent) on study day ``day``."""
    query = (
        select(
            card.c.deck_id,
            func.count(),
            func.sum(case((log.c.grade >= 3, 1), else_=0)),
            func.sum(log.c.duration_ms),
        )
        .select_from(log.join(card, card.c.id == log.c.card_id))
        .where(log.c.study_day == day)
        .group_by(card.c.deck_id)
    )
    return {row[0]: (row[1], row[2] or 0, row[3] or 0) for row in tx.sql.execute(query)}


def census(tx: Transaction, today: date) -> dict[int, DeckCensus]:
    """Per deck id: card counts on study day ``today``."""
    active = and_(
        card.c.retired.is_(False),
        card.c.suspended.is_(False),
        or_(card.c.buried_until.is_(None), card.c.buried_until <= today),
    )
    learning = and_(card.c.repeat_pending.is_(True), card.c.last_review == today)

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))  # type: ignore[arg-type]

    query = (
        select(
            card.c.deck_id,
            count(card.c.retired.is_(False)),
            count(and_(active, card.c.due.is_(None))),
            count(and_(active, learning)),
            count(and_(active, card.c.due <= today, ~learning)),
            count(and_(card.c.retired.is_(False), card.c.suspended.is_(True))),
            count(and_(card.c.retired.is_(False), card.c.suspended.is_(False),
                       card.c.buried_until > today)),
        )
        .group_by(card.c.deck_id)
    )
    return {
        row[0]: DeckCensus(*(value or 0 for value in row[1:])) for row in tx.sql.execute(query)
    }


def due_by(tx: Transaction, day: date, deck_id_: int | None = None) -> int:
    """Active seen cards whose due study day is on or before ``day``."""
    query = select(func.count()).select_from(card).where(
        card.c.retired.is_(False),
        card.c.suspended.is_(False),
        card.c.due.is_not(None),
        card.c.due <= day,
    )
    if deck_id_ is not None:
        query = query.where(card.c.deck_id == deck_id_)
    return int(tx.sql.execute(query).scalar_one())


def search(
    tx: Transaction,
    words: list[str],
    *,
    deck_id_: int | None = None,
    limit: int = 50,
    include_retired: bool = False,
) -> list[StoredCard]:
    """Cards whose front, back or tags contain every word (case-insensitive for ASCII)."""
    query = select(card, deck.c.slug.label("deck_slug"), deck.c.markup.label("deck_markup")).join(
        deck, deck.c.id == card.c.deck_id)
    haystack = card.c.front + literal("\n") + card.c.back + literal("\n") + card.c.tags
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(haystack.like(pattern, escape="\\"))
    if deck_id_ is not None:
        query = query.where(card.c.deck_id == deck_id_)
    if not include_retired:
        query = query.where(card.c.retired.is_(False))
    query = query.order_by(deck.c.slug, card.c.position, card.c.id).limit(limit)
    return [_stored_card(row) for row in tx.sql.execute(query)]
