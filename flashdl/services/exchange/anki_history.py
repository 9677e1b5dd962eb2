"""The scheduling an ``.apkg`` export carries with ``--with-history`` (docs/fsrs.md §8).

Reads a deck's cards, review log, FSRS states and options in one read
transaction and turns them into Anki's rows (``formats.anki_schedule``). The
collection's creation day (``col.crt``, from which Anki counts review cards'
due days) is the earliest study day the deck's schedule mentions, today at
the latest, so every due day counts from it forwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

from flashdl.clock import study_day
from flashdl.formats.anki_schedule import (
    DeckSchedule,
    LoggedAnswer,
    MemoryState,
    ScheduledCard,
    SchedulePlan,
    plan_schedule,
)
from flashdl.scheduler.deck_options import FSRS
from flashdl.services.deck_options import all_options
from flashdl.store import Store, scheduling
from flashdl.store import bulk as store_access
from flashdl.store.records import text_day
from flashdl.store.settings import load_settings


def apkg_schedule(store: Store, deck_id: int, name: str, anki_deck_id: int, positions: Mapping[int, int],
                  now: datetime) -> SchedulePlan:
    """The Anki scheduling rows of deck ``deck_id``'s cards; ``positions``: store card id ->
    the card's position among the export's notes."""
    with store.read() as tx:
        cards = store_access.deck_cards(tx, deck_id)
        answers: dict[int, list[LoggedAnswer]] = {}
        first_day: str | None = None
        for row in store_access.deck_reviews(tx, deck_id):
            (_slug, card_id, ms, day, grade, rating, kind, _n0, _n1, _e0, e1, i0, i1, _due0, _due1,
             _last0, _pending0, duration, *_answer) = row
            answers.setdefault(card_id, []).append(LoggedAnswer(ms, grade, rating, kind, i0, i1, e1, duration))
            first_day = day if first_day is None else min(first_day, day)  # ISO dates sort as days
        memory = scheduling.fsrs_memory(tx, deck_id)
        options = all_options(tx)[deck_id]
        rollover = load_settings(tx).rollover_hour
    from flashdl.scheduler.fsrs_schedule import DEFAULT_PARAMETERS

    weights = options.fsrs_parameters or DEFAULT_PARAMETERS
    deck = DeckSchedule(anki_deck_id, name, options.new_per_day, options.reviews_per_day,
                        options.leech_threshold, options.leech_action, options.scheduler == FSRS,
                        options.desired_retention, options.fsrs_parameters, weights[20])
    scheduled = []
    for card in cards:
        if card.id not in positions:
            continue
        state = memory.get(card.id)
        scheduled.append(ScheduledCard(
            positions[card.id], card.ease, card.interval, text_day(card.due), text_day(card.last_review),
            bool(card.suspended), answers.get(card.id, ()),
            None if state is None else MemoryState(*state)))
    today = study_day(now, rollover_hour=rollover)
    mentioned: list[date] = [] if first_day is None else [date.fromisoformat(first_day)]
    mentioned += [d for c in scheduled for d in (c.due, c.memory.due if c.memory else None) if d is not None]
    crt_day = min([today, *mentioned])
    crt = int(datetime.combine(crt_day, time(rollover), tzinfo=now.tzinfo).timestamp())
    return plan_schedule(scheduled, deck, crt=crt, crt_day=crt_day)
