"""Statistics of FSRS decks, undone reviews and other rollover hours, against independent references.

A card of an FSRS deck is scheduled by FSRS: its interval (what ``review`` and ``show`` report,
docs/fsrs.md §8) is FSRS's, so it is young or mature, and sits in the interval histogram, by that
interval, not by the SM-2 interval kept beside it. References: ``fsrs.Scheduler`` itself for a
hand-checked card, and the plain recount (``stats_recount``) on random histories.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stats_helpers import add_deck, grade, set_flags
from stats_recount import recount

from flashdl.services import deck_options
from flashdl.services import settings as settings_service
from flashdl.services.reviews import undo_last_review
from flashdl.services.stats import collection_stats
from flashdl.store import Store, open_store


def py_fsrs_interval(days: list[date], ratings: list[int]) -> int:
    """The interval py-fsrs gives after these reviews, each at its study day's midnight UTC."""
    scheduler = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = fsrs.Card()
    for day, rating in zip(days, ratings):
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), moment)
    return (card.due - moment).days


def test_an_fsrs_card_is_counted_by_its_fsrs_interval(store: Store) -> None:
    add_deck(store, "d", 3)
    deck_options.set_options(store, "d", scheduler="fsrs")
    easy_days = [date(2026, 1, 1), date(2026, 1, 9), date(2026, 2, 20)]
    for day in easy_days:
        grade(store, "d/000", 5, datetime(day.year, day.month, day.day, 10, tzinfo=UTC))
    grade(store, "d/001", 4, datetime(2026, 2, 20, 10, tzinfo=UTC))
    easy = py_fsrs_interval(easy_days, [4, 4, 4])
    good = py_fsrs_interval([date(2026, 2, 20)], [3])
    # SM-2 would have 17 days (1, 6, ceil(6 x 2.7)) and 1 day: young both, in 14-20 and 0-1.
    assert easy >= 180 and 2 <= good < 7

    report = collection_stats(store, datetime(2026, 2, 20, 12, tzinfo=UTC), days=3)
    assert (report.cards.young, report.cards.mature, report.cards.new) == (1, 1, 1)
    histogram = {(b.min, b.max): b.count for b in report.interval_histogram if b.count}
    assert histogram == {(180, 365): 1, (2, 7): 1}

    # Back on SM-2, its own intervals count again.
    deck_options.set_options(store, "d", scheduler="sm2")
    report = collection_stats(store, datetime(2026, 2, 20, 12, tzinfo=UTC), days=3)
    assert (report.cards.young, report.cards.mature) == (2, 0)
    histogram = {(b.min, b.max): b.count for b in report.interval_histogram if b.count}
    assert histogram == {(14, 21): 1, (0, 2): 1}


ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"]

steps = st.lists(
    st.one_of(
        st.tuples(st.just("review"), st.sampled_from(["a", "b"]), st.integers(0, 3), st.integers(0, 5),
                  st.sampled_from([0, 1, 59, 60, 600, 1439, 1440, 2880, 9000, 40_000])),
        st.tuples(st.just("undo")),
        st.tuples(st.just("scheduler"), st.sampled_from(["sm2", "fsrs"]), st.sampled_from([0.8, 0.9, 0.95])),
    ),
    max_size=30,
)


@settings(max_examples=int(os.environ.get("FLASHDL_STATS_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(ZONES),
    rollover=st.sampled_from([0, 1, 3, 4, 23]),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31)),
    plan=steps,
    suspended=st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 3)), max_size=2),
    later=st.integers(-1500, 9000),
    days=st.integers(1, 12),
    deck=st.sampled_from([None, "a", "b"]),
)
def test_statistics_with_fsrs_undo_and_any_rollover_match_a_plain_recount(
    zone: str, rollover: int, start: datetime, plan: list[tuple], suspended: list[tuple[str, int]],
    later: int, days: int, deck: str | None,
) -> None:
    tz = ZoneInfo(zone)
    moment = start.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)  # a real local time
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stats.sqlite3"
        with open_store(path) as store:
            settings_service.update_settings(store, rollover_hour=rollover)
            add_deck(store, "a", 4)
            add_deck(store, "b", 4)
            deck_options.set_options(store, "a", scheduler="fsrs")
            for step in plan:
                if step[0] == "undo":
                    undo_last_review(store)  # the undone review must count nowhere
                elif step[0] == "scheduler":
                    deck_options.set_options(store, "a", scheduler=step[1], desired_retention=step[2])
                else:
                    _, deck_slug, card, value, minutes = step
                    moment = (moment.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(tz)
                    grade(store, f"{deck_slug}/{card:03d}", value, moment, seconds=minutes % 50)
            for deck_slug, card in suspended:
                set_flags(store, f"{deck_slug}/{card:03d}", suspended=True)
            now = (moment.astimezone(UTC) + timedelta(minutes=later)).astimezone(tz)
            report = collection_stats(store, now, deck, days)
        assert report.to_json() == recount(path, now, deck, days, rollover=timedelta(hours=rollover))
