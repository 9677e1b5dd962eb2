"""FSRS tuning, evaluation and workload simulation on the collection's own review log.

``optimize(store, deck) -> TuningResult``: fits the weights on the deck's (or
every deck's) log and stores them in the deck's (or the collection's) options.
``evaluate(store, deck) -> Evaluation``, ``simulate(store, deck, days, retentions)
-> tuple[Workload, ...]``: read-only.

The log is read in one read transaction and the numbers are computed outside
any transaction; ``optimize`` stores its result in a write transaction of its
own at the very end, so an interrupt at any point leaves the database as it
was. Cards whose log does not start from a new card (SM-2 state imported
without the reviews that made it) are left out: their first logged review is
not their first (docs/fsrs.md §3). Reviews imported from Anki are log rows
like any other, and count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from flashdl.services.deck_options import all_options, change_options
from flashdl.services.lookup import resolve_deck
from flashdl.store import Store, scheduling

if TYPE_CHECKING:
    from flashdl.scheduler.fsrs_simulation import Workload
    from flashdl.scheduler.fsrs_tuning import Evaluation, TuningResult


def _histories(store: Store, deck: str | None) -> tuple[list[list[tuple[date, int]]], int]:
    """Complete card logs, and how many cards were reviewed (incomplete ones included)."""
    with store.read() as tx:
        deck_id = resolve_deck(tx, deck)
        logs = scheduling.deck_logs(tx, deck_id)
    complete = [list(log.reviews) for log in logs
                if log.reviews and log.first_before is not None and log.first_before.is_new]
    return complete, sum(1 for log in logs if log.reviews)


def optimize(store: Store, deck: str | None) -> TuningResult:
    """Fit FSRS to the log and store the weights (``NotEnoughReviewsError`` when too few)."""
    from flashdl.scheduler import fsrs_tuning

    histories, _ = _histories(store, deck)
    result = fsrs_tuning.optimize(histories)
    with store.write() as tx:
        change_options(tx, deck, {"fsrs_parameters": result.parameters})
    return result


def evaluate(store: Store, deck: str | None) -> Evaluation:
    """SM-2 against FSRS (default and tuned weights) on the log; read-only."""
    from flashdl.scheduler import fsrs_tuning

    histories, _ = _histories(store, deck)
    return fsrs_tuning.evaluate(histories)


def simulate(store: Store, deck: str | None, *, days: int,
             retentions: Sequence[float] | None = None) -> tuple[Workload, ...]:
    """Expected daily workload of studying the deck (or collection) under FSRS; read-only.

    Deck size, new cards per day, reviews per day and the weights are the
    deck's (for the whole collection: the sum of the decks' sizes and daily
    new cards, the collection's weights).
    """
    from flashdl.scheduler import fsrs_simulation
    from flashdl.services.deck_options import get_options

    with store.read() as tx:
        deck_id = resolve_deck(tx, deck)
        options = all_options(tx)
        sizes = scheduling.active_card_counts(tx)
    if deck_id is not None:
        chosen = options[deck_id]
        size, new_per_day, reviews_per_day = sizes.get(deck_id, 0), chosen.new_per_day, chosen.reviews_per_day
        parameters = chosen.fsrs_config.parameters
    else:
        collection = get_options(store, None)
        size = sum(sizes.values())
        new_per_day = sum(o.new_per_day for o in options.values())
        limits = [o.reviews_per_day for o in options.values()]
        reviews_per_day = None if not limits or None in limits else sum(x for x in limits if x is not None)
        parameters = collection.fsrs_config.parameters
    from flashdl.errors import UsageError

    if size < 1:
        raise UsageError(f"simulate: {'deck ' + deck if deck else 'the collection'} has no cards to study")
    if new_per_day < 1:
        raise UsageError("simulate: new cards per day is 0, so nothing would ever be studied")
    return fsrs_simulation.simulate(
        deck_size=size, new_per_day=new_per_day, days=days,
        desired_retentions=retentions or fsrs_simulation.DEFAULT_RETENTIONS,
        parameters=parameters, reviews_per_day=reviews_per_day,
    )
