"""Study days in the statistics: the 04:00 rollover, time zones, the streak."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from stats_helpers import add_deck, grade

from flashdl.services.stats import collection_stats
from flashdl.store import Store, open_store

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def by_day(report) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {d.date.isoformat(): d.count for d in report.reviews_by_day if d.count}


# ------------------------------------------------------------ the 04:00 rollover


def test_a_review_at_0359_counts_for_the_day_before(store: Store) -> None:
    add_deck(store, "d", 3)
    grade(store, "d/000", 4, datetime(2025, 3, 10, 3, 59, tzinfo=BERLIN), seconds=10)
    grade(store, "d/001", 2, datetime(2025, 3, 10, 4, 0, tzinfo=BERLIN), seconds=5)

    evening = collection_stats(store, datetime(2025, 3, 10, 3, 59, 30, tzinfo=BERLIN), days=3)
    assert evening.today == date(2025, 3, 9)
    assert (evening.studied_today.reviewed, evening.studied_today.seconds) == (1, 10.0)
    assert by_day(evening) == {"2025-03-09": 1}

    morning = collection_stats(store, datetime(2025, 3, 10, 4, 0, tzinfo=BERLIN), days=3)
    assert morning.today == date(2025, 3, 10)
    assert morning.studied_today.reviewed == 1
    assert morning.studied_today.correct == 0
    assert morning.studied_today.new_seen == 1
    assert by_day(morning) == {"2025-03-09": 1, "2025-03-10": 1}


def test_forecast_counts_overdue_cards_on_today_across_the_rollover(store: Store) -> None:
    add_deck(store, "d", 2)
    grade(store, "d/000", 5, datetime(2025, 3, 1, 12, tzinfo=BERLIN))  # due 03-02
    grade(store, "d/001", 5, datetime(2025, 3, 4, 12, tzinfo=BERLIN))  # due 03-05
    before = collection_stats(store, datetime(2025, 3, 5, 3, 0, tzinfo=BERLIN), days=2)
    assert [(d.date.isoformat(), d.due) for d in before.forecast] == [
        ("2025-03-04", 1), ("2025-03-05", 1)]
    after = collection_stats(store, datetime(2025, 3, 5, 4, 0, tzinfo=BERLIN), days=2)
    assert [(d.date.isoformat(), d.due) for d in after.forecast] == [
        ("2025-03-05", 2), ("2025-03-06", 0)]


# ------------------------------------------------------------------ time zones

INSTANTS = [
    datetime(2025, 6, 1, 1, 30, tzinfo=UTC),  # Berlin 03:30 (06-01 -> 05-31); NY 21:30 05-31
    datetime(2025, 6, 1, 2, 30, tzinfo=UTC),  # Berlin 04:30 -> 06-01; NY 22:30 05-31
    datetime(2025, 6, 1, 9, 0, tzinfo=UTC),  # Berlin 11:00 06-01; NY 05:00 06-01
]


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (BERLIN, {"2025-05-31": 1, "2025-06-01": 2}),
        (NEW_YORK, {"2025-05-31": 2, "2025-06-01": 1}),
        (ZoneInfo("UTC"), {"2025-05-31": 2, "2025-06-01": 1}),
    ],
)
def test_the_same_instants_fall_on_the_days_of_each_zone(tmp_path, zone, expected) -> None:  # type: ignore[no-untyped-def]
    with open_store(tmp_path / f"{zone.key.replace('/', '_')}.sqlite3") as store:
        add_deck(store, "d", 3)
        for card, instant in enumerate(INSTANTS):
            grade(store, f"d/{card:03d}", 4, instant.astimezone(zone))
        now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC).astimezone(zone)
        report = collection_stats(store, now, days=3)
    assert by_day(report) == expected
    assert report.studied_today.reviewed == expected["2025-06-01"]


def test_today_follows_the_zone_of_now(store: Store) -> None:
    """The same instant is still the evening before in New York: today has no review there."""
    add_deck(store, "d", 1)
    moment = datetime(2025, 6, 1, 9, 0, tzinfo=BERLIN)  # 03:00 in New York
    grade(store, "d/000", 5, moment)
    assert collection_stats(store, moment).studied_today.reviewed == 1
    in_new_york = collection_stats(store, moment.astimezone(NEW_YORK))
    assert in_new_york.today == date(2025, 5, 31)
    assert in_new_york.studied_today.reviewed == 0
    assert in_new_york.streak_days == 0  # the review lies in New York's future


# ---------------------------------------------------------------------- streak

DAY0 = datetime(2025, 1, 10, 12, tzinfo=UTC)


def studied_on(store: Store, offsets: list[int]) -> None:
    add_deck(store, "d", 1)
    add_deck(store, "e", 1)
    for offset in offsets:
        grade(store, "d/000", 4, DAY0 + timedelta(days=offset))


@pytest.mark.parametrize(
    ("offsets", "today", "streak"),
    [
        ([], 0, 0),
        ([0], 0, 1),  # studied today only
        ([-2, -1, 0], 0, 3),
        ([-2, -1], 0, 2),  # none yet today: yesterday's streak still stands
        ([-3, -2], 0, 0),  # yesterday missed: broken
        ([-5, -4, -2, -1, 0], 0, 3),  # a gap ends the count
        ([-1, 0, 1], 0, 2),  # reviews after `now` (a --now in the past) are not counted
    ],
)
def test_streak(store: Store, offsets: list[int], today: int, streak: int) -> None:
    studied_on(store, offsets)
    report = collection_stats(store, DAY0 + timedelta(days=today, hours=1))
    assert report.streak_days == streak


def test_several_reviews_a_day_count_that_day_once(store: Store) -> None:
    studied_on(store, [-1, 0])
    for minutes in (5, 10, 15):
        grade(store, "d/000", 2, DAY0 + timedelta(minutes=minutes))
    assert collection_stats(store, DAY0 + timedelta(hours=2)).streak_days == 2


def test_streak_of_one_deck_counts_only_its_reviews(store: Store) -> None:
    studied_on(store, [-2, -1, 0])
    grade(store, "e/000", 4, DAY0 - timedelta(days=3))
    grade(store, "e/000", 4, DAY0)
    now = DAY0 + timedelta(hours=1)
    assert collection_stats(store, now).streak_days == 4
    assert collection_stats(store, now, "d").streak_days == 3
    assert collection_stats(store, now, "e").streak_days == 1
