"""Looking at the collection: card details, search, tomorrow's load (the deck list: ``deck_list``).

``card_details(store, card) -> CardDetails``
    Content, flags, SM-2 state and the full review history (oldest first).
``search_cards(store, text, *, deck=None, limit=50, include_retired=False)
-> list[SearchHit]``
    Cards whose front, back or tags contain every word of ``text``.
``due_tomorrow(store, now, deck=None) -> int``
    Reviews due by the next study day if no more are done today.

All read in one transaction each; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flashdl.clock import study_day
from flashdl.scheduler.sm2 import Rating, ReviewKind
from flashdl.services.lookup import (
    CardRef,
    UnknownCardError,
    require_aware,
    resolve_card,
    resolve_deck,
)
from flashdl.services.views import CardDetails, ReviewEntry, SearchHit
from flashdl.store import Store, queries, scheduling
from flashdl.store.records import from_ms
from flashdl.store.settings import load_settings


def card_details(store: Store, card: CardRef, now: datetime | None = None) -> CardDetails:
    """One card in full; with ``now``, also its schedule then (``services.card_schedule``)."""
    with store.read() as conn:
        card_id = resolve_card(conn, card)
        stored = queries.cards(conn, [card_id]).get(card_id)
        if stored is None:
            raise UnknownCardError(f"unknown card {card!r}")
        deck_name = next(d.name for d in queries.decks(conn) if d.id == stored.deck_id)
        history = scheduling.card_reviews(conn, card_id)
        schedule = None
        if now is not None:
            from flashdl.services.card_schedule import card_schedule

            schedule = card_schedule(conn, card_id, now)
    return CardDetails(
        id=stored.id,
        card=stored.full_id,
        deck=stored.deck,
        deck_name=deck_name,
        front=stored.front,
        back=stored.back,
        tags=stored.all_tags,
        engine=stored.engine,
        errata=stored.errata,
        state=stored.state,
        suspended=stored.suspended,
        buried_until=stored.buried_until,
        retired=stored.retired,
        revision=stored.revision,
        schedule=schedule,
        history=tuple(
            ReviewEntry(
                review_id=r.id,
                reviewed_at=from_ms(r.reviewed_ms),
                study_day=r.study_day,
                grade=r.grade,
                rating=Rating(r.rating),
                kind=ReviewKind(r.kind),
                interval_before=r.before.interval,
                interval_after=r.after.interval,
                ease_before=r.before.ease,
                ease_after=r.after.ease,
                duration_ms=r.duration_ms,
                variant_params=r.variant_params,
                typed_answer=r.typed_answer,
                answer_correct=r.answer_correct,
                due_after=r.after.due,
            )
            for r in history
        ),
        markup=stored.markup,
        leech=stored.leech,
    )


def search_cards(
    store: Store,
    text: str,
    *,
    deck: str | None = None,
    limit: int = 50,
    include_retired: bool = False,
    states: Sequence[str] = (),
    props: Sequence[tuple[str, str, float]] = (),
    now: datetime | None = None,
    offset: int = 0,
    order: str = "deck",
) -> list[SearchHit]:
    """Cards matching every word and filter, in deck and file order, ``limit`` from ``offset``.

    ``is:due`` is judged on ``now``'s study day (``now`` is required for it).
    """
    words = text.split()
    with store.read() as conn:
        deck_id = resolve_deck(conn, deck)
        today = None
        if "due" in states:
            if now is None:
                raise ValueError("is:due needs now")
            require_aware(now)
            today = study_day(now, rollover_hour=load_settings(conn).rollover_hour)
        found = queries.search(
            conn, words, deck_id_=deck_id, limit=limit, include_retired=include_retired,
            states=states, props=props, today=today, offset=offset, order=order,
        )
    return [
        SearchHit(
            id=c.id, card=c.full_id, deck=c.deck, front=c.front, back=c.back, tags=c.all_tags,
            due=c.state.due, suspended=c.suspended, retired=c.retired, markup=c.markup,
            buried_until=c.buried_until, interval=c.state.interval, ease=c.state.ease,
            leech=c.leech,
        )
        for c in found
    ]


def due_tomorrow(store: Store, now: datetime, deck: str | None = None) -> int:
    require_aware(now)
    with store.read() as conn:
        today = study_day(now, rollover_hour=load_settings(conn).rollover_hour)
        return queries.due_by(conn, today + timedelta(days=1), resolve_deck(conn, deck))
