"""Reviews-per-day limits in ``plan_queue``, against a slow reference."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from flashdl.scheduler.queue import QueueEntry, QueueKind, plan_queue

TODAY = date(2024, 3, 1)

reviews = st.lists(
    st.tuples(st.integers(1, 3), st.integers(0, 20), st.integers(0, 50)),  # deck, days overdue, position
    max_size=40,
)
limits = st.dictionaries(st.integers(1, 3), st.integers(0, 10))


@given(reviews, limits)
def test_each_deck_keeps_its_most_overdue_reviews_up_to_its_limit(
    rows: list[tuple[int, int, int]], limit: dict[int, int]
) -> None:
    entries = [QueueEntry(i, deck, QueueKind.REVIEW, TODAY - timedelta(days=overdue), position)
               for i, (deck, overdue, position) in enumerate(rows)]
    planned = plan_queue(entries, new_allowance={}, review_allowance=limit)
    # Reference: sort all by (due, deck, position, id), then walk keeping a count per deck.
    ordered = sorted(entries, key=lambda e: (e.due, e.deck_id, e.position, e.card_id))
    kept, seen = [], {}
    for entry in ordered:
        seen[entry.deck_id] = seen.get(entry.deck_id, 0) + 1
        if entry.deck_id not in limit or seen[entry.deck_id] <= limit[entry.deck_id]:
            kept.append(entry)
    assert list(planned) == kept
