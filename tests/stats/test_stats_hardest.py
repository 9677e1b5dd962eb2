"""The hardest cards: most lapses first, then lowest E-Factor; retired cards never listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stats_helpers import add_deck, grade, set_flags

from flashdl.services.stats import collection_stats
from flashdl.store import Store

DAY0 = datetime(2025, 5, 1, 12, tzinfo=UTC)


def lapse_ladder(store: Store, cards: int) -> None:
    """Card i lapses i times (a review-kind review graded 1 on each of days 1..i)."""
    add_deck(store, "d", cards)
    for i in range(cards):
        grade(store, f"d/{i:03d}", 4, DAY0)  # first sight: kind NEW, not a lapse
    for day in range(1, cards):
        for i in range(day, cards):
            grade(store, f"d/{i:03d}", 1, DAY0 + timedelta(days=day))


def test_ten_most_lapsed_cards_skip_retired_ones(store: Store) -> None:
    lapse_ladder(store, 13)
    set_flags(store, "d/012", retired=True)
    set_flags(store, "d/011", suspended=True)  # suspended cards are listed (leeches)
    report = collection_stats(store, DAY0 + timedelta(days=13))
    assert [(h.card, h.lapses) for h in report.hardest] == [
        (f"d/{i:03d}", i) for i in range(11, 1, -1)]


def test_ties_in_lapses_go_to_the_lowest_ease(store: Store) -> None:
    add_deck(store, "d", 3)
    for i, again in enumerate((2, 0, 1)):  # one lapse each; grade 0 costs the most ease
        grade(store, f"d/{i:03d}", 5, DAY0)
        grade(store, f"d/{i:03d}", again, DAY0 + timedelta(days=1))
    report = collection_stats(store, DAY0 + timedelta(days=2))
    assert [h.card for h in report.hardest] == ["d/001", "d/002", "d/000"]
    assert [h.ease_factor for h in report.hardest] == [1.8, 2.06, 2.28]  # 2.6 - 0.8, 2.6 - 0.54, 2.6 - 0.32


def test_cards_without_lapses_but_a_low_ease_fill_the_list(store: Store) -> None:
    add_deck(store, "d", 3)
    grade(store, "d/000", 3, DAY0)  # new card graded 3: EF 2.5 -> 2.36, no lapse
    grade(store, "d/001", 5, DAY0)
    grade(store, "d/001", 1, DAY0 + timedelta(days=1))  # a lapse
    grade(store, "d/002", 4, DAY0)  # EF stays 2.5: not hard
    report = collection_stats(store, DAY0 + timedelta(days=2))
    assert [(h.card, h.lapses) for h in report.hardest] == [("d/001", 1), ("d/000", 0)]
