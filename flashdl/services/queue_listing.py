"""``flashdl due``'s listing of today's queue, streamed (issue 17).

``queue_lines(store, now, deck=None, limit=None) -> Iterator[QueueLines]``
    The queue in study order, ``LINES_CHUNK`` lines at a time, column by
    column; ``study.study_queue`` is the same as a list of items.
``day_rules(tx, now, deck) -> DayRules``
    What the day's queue is chosen by (allowances, deck order), read inside
    the caller's transaction: the listing's and a session's
    (``study.plan_today``), so both choose the same cards.

Apart from ``study`` and ``views`` so that the one-shot ``flashdl due``
imports neither (their sessions, reviews and the dataclasses of every view:
some 13 ms of its start, against ~36 ms for ``flashdl --help``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import chain, islice
from operator import itemgetter
from typing import TypeVar

from flashdl.clock import study_day
from flashdl.scheduler.queue import QueueEntry, QueueKind, queue_parts
from flashdl.services.deck_options import all_options, daily_allowances
from flashdl.services.lookup import require_aware, resolve_deck
from flashdl.store import Store, queries
from flashdl.store.connection import Transaction
from flashdl.store.queries import ListedReview
from flashdl.store.settings import Settings, load_settings

LINES_CHUNK = 1000  # lines of a listing read and handed on at a time
T = TypeVar("T")


@dataclass(frozen=True)
class QueueLines:
    """Consecutive lines of ``flashdl due``, column by column: a listing of 100,000 due cards
    comes as a hundred of these, with no object per card beyond its strings."""

    cards: Sequence[str]  # DECK/CARD
    fronts: Sequence[str]
    kinds: Sequence[QueueKind]
    dues: Sequence[str]  # the due study day as ``date.isoformat`` writes it


@dataclass(frozen=True)
class DayRules:
    """What the day's queue is chosen by, read at the start of its transaction."""

    today: date
    settings: Settings
    deck_id: int | None
    new_allowance: dict[int, int]  # new cards each deck may still show today
    review_allowance: dict[int, int]  # reviews each deck with a reviews-per-day limit may still show
    deck_order: dict[int, int]
    random_order: set[int]  # decks whose new cards come in a fixed shuffle


def day_rules(conn: Transaction, now: datetime, deck: str | None) -> DayRules:
    """The rules of today's queue (``now`` aware), inside the caller's read transaction."""
    settings = load_settings(conn)
    return rules_on(conn, study_day(now, rollover_hour=settings.rollover_hour), deck, settings)


def rules_on(conn: Transaction, today: date, deck: str | None, settings: Settings | None = None) -> DayRules:
    """The rules of study day ``today``'s queue (a session's day, whatever the clock says now)."""
    if settings is None:
        settings = load_settings(conn)
    deck_id = resolve_deck(conn, deck)
    deck_records = queries.decks(conn)
    options = all_options(conn)
    allowance, review_allowance = daily_allowances(conn, today, options)
    return DayRules(today, settings, deck_id, allowance, review_allowance,
                    deck_order={d.id: rank for rank, d in enumerate(deck_records)},
                    random_order={d for d, o in options.items() if o.new_order == "random"})


def queue_lines(
    store: Store, now: datetime, deck: str | None = None, limit: int | None = None
) -> Generator[QueueLines, None, None]:
    """Today's queue as ``flashdl due`` lists it: the first ``limit`` cards (None: all) in
    study order, ``LINES_CHUNK`` at a time.

    The order is ``plan_queue``'s (``queue_parts`` makes both), but the due reviews stream
    from the store in that order with their fronts, so listing 100,000 of them holds one
    chunk at a time instead of an entry, a front and an item per card. New cards and
    same-day repeats (a day's worth) are planned first and their fronts read a chunk at a
    time. One read transaction, open while the caller iterates (the caller finishes with
    the iterator before the store closes), with a small page cache (``queries.small_cache``).
    """
    require_aware(now)
    with store.read() as conn, queries.small_cache(conn):
        rules = day_rules(conn, now, deck)
        others = queries.queue_candidates(conn, rules.today, rules.new_allowance, rules.deck_id,
                                          review_limit=0, random_order=rules.random_order)
        with closing(queries.listed_reviews(conn, rules.today, rules.deck_id, whole=limit is None)) as listed:
            reviews, new, learning = queue_parts(
                listed,
                [e for e in others if e.kind is QueueKind.NEW],
                [e for e in others if e.kind is QueueKind.LEARNING],
                review_deck=_LISTED_DECK, new_allowance=rules.new_allowance,
                deck_order=rules.deck_order, review_allowance=rules.review_allowance,
            )
            budget = _Budget(limit)
            for rows in budget.chunks(reviews):
                yield _review_lines(rows)
        for entries in chain(budget.chunks(new), budget.chunks(learning)):
            yield _entry_lines(conn, entries)


# the fields of a ``queries.listed_reviews`` row
_LISTED_DECK, _LISTED_CARD, _LISTED_DUE, _LISTED_FRONT = map(itemgetter, range(4))


@lru_cache(maxsize=4096)
def _iso_day(text: str) -> str:
    """A due day as stored, written as ``date.isoformat`` writes it (once per distinct day)."""
    return date.fromisoformat(text).isoformat()


class _Budget:
    """The lines a listing may still take (None: no limit), handed out a chunk at a time."""

    def __init__(self, left: int | None) -> None:
        self.left = left

    def chunks(self, part: Iterator[T]) -> Iterator[list[T]]:
        while self.left is None or self.left > 0:
            chunk = list(islice(part, LINES_CHUNK if self.left is None else min(self.left, LINES_CHUNK)))
            if not chunk:
                return
            if self.left is not None:
                self.left -= len(chunk)
            yield chunk


def _review_lines(rows: list[ListedReview]) -> QueueLines:
    """Reviews' lines as the store read them: columns, not a record per card."""
    return QueueLines(cards=list(map(_LISTED_CARD, rows)), fronts=list(map(_LISTED_FRONT, rows)),
                      kinds=[QueueKind.REVIEW] * len(rows), dues=list(map(_iso_day, map(_LISTED_DUE, rows))))


def _entry_lines(conn: Transaction, entries: list[QueueEntry]) -> QueueLines:
    """The lines of new cards or same-day repeats, their fronts read in one query."""
    fronts = queries.fronts(conn, [e.card_id for e in entries])
    return QueueLines(
        cards=[fronts[e.card_id][0] for e in entries],
        fronts=[fronts[e.card_id][1] for e in entries],
        kinds=[e.kind for e in entries],
        dues=[e.due.isoformat() for e in entries],
    )
