"""``plan_queue(extra_new=N)`` (custom study's ``--new N``) against a slow reference."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from flashdl.scheduler.queue import QueueEntry, QueueKind, plan_queue

TODAY = date(2024, 3, 1)

new_cards = st.lists(st.tuples(st.integers(1, 3), st.integers(0, 50)), max_size=40)  # deck, position
allowances = st.dictionaries(st.integers(1, 3), st.integers(0, 10))


@given(new_cards, allowances, st.integers(0, 15))
def test_extra_new_cards_follow_the_daily_ones_in_deck_and_file_order(
    rows: list[tuple[int, int]], allowance: dict[int, int], extra: int
) -> None:
    entries = [QueueEntry(i, deck, QueueKind.NEW, TODAY, position) for i, (deck, position) in enumerate(rows)]
    planned = plan_queue(entries, new_allowance=allowance, extra_new=extra)
    # Reference: cards in (deck, position, id) order; first each deck's allowance, then the
    # first `extra` of those left over, in the same order.
    ordered = sorted(entries, key=lambda e: (e.deck_id, e.position, e.card_id))
    daily: list[QueueEntry] = []
    for deck in sorted({e.deck_id for e in ordered}):
        daily += [e for e in ordered if e.deck_id == deck][: allowance.get(deck, 0)]
    left = [e for e in ordered if e not in daily]
    assert list(planned) == daily + left[:extra]
    assert len(planned) == min(len(entries), len(daily) + extra)
