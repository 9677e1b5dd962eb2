"""The deck list (`flashdl decks`, the home screen): ``list_decks(store, now) -> list[DeckSummary]``.

Every deck (by id) with its counts on ``now``'s study day: total, new (what today's queue
shows), unseen, learning, due, suspended, buried, and today's progress (new started, reviews,
correct, seconds). Read in one transaction; nothing here writes.

Apart from ``browse`` and ``views`` so that `decks`, a command scripts and status bars call
often, defines its one view model and not the thirteen of a study session (issue 17: ~5 ms of
frozen-dataclass creation, a sixth of what `decks` adds to `flashdl --help`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flashdl.clock import study_day
from flashdl.services.deck_options import all_options, daily_allowances
from flashdl.services.lookup import require_aware
from flashdl.store import Store, queries
from flashdl.store.queries import DeckCensus
from flashdl.store.settings import load_settings


@dataclass(frozen=True)
class DeckSummary:
    """A deck's line on the home screen, on one study day.

    ``new`` is what today's queue will show (unseen cards within the
    deck's daily new-card limit); ``unseen`` is every active card never
    reviewed. ``learning`` cards are waiting for a same-day repeat; ``due``
    counts reviews due today or overdue. Suspended, buried and retired
    cards count in none of these (``total`` excludes only retired ones).
    """

    id: str
    name: str
    path: str | None
    total: int
    new: int
    unseen: int
    learning: int
    due: int
    suspended: int
    buried: int
    new_limit: int
    new_seen_today: int
    reviewed_today: int
    correct_today: int
    seconds_today: float


def list_decks(store: Store, now: datetime) -> list[DeckSummary]:
    require_aware(now)
    with store.read() as conn:
        settings = load_settings(conn)
        today = study_day(now, rollover_hour=settings.rollover_hour)
        decks = queries.decks(conn)
        census = queries.census(conn, today)
        seen = queries.new_seen_on(conn, today)
        reviewed = queries.reviews_on(conn, today)
        options = all_options(conn)
        new_allowance, review_allowance = daily_allowances(conn, today, options)
    summaries = []
    for deck in decks:
        counts = census.get(deck.id, DeckCensus())
        limit = options[deck.id].new_per_day
        seen_today = seen.get(deck.id, 0)
        done, correct, ms = reviewed.get(deck.id, (0, 0, 0))
        summaries.append(DeckSummary(
            id=deck.slug,
            name=deck.name,
            path=deck.path,
            total=counts.total,
            new=min(counts.unseen, new_allowance[deck.id]),
            unseen=counts.unseen,
            learning=counts.learning,
            due=min(counts.due, review_allowance.get(deck.id, counts.due)),  # as today's queue
            suspended=counts.suspended,
            buried=counts.buried,
            new_limit=limit,
            new_seen_today=seen_today,
            reviewed_today=done,
            correct_today=correct,
            seconds_today=ms / 1000,
        ))
    return summaries
