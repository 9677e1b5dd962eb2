"""The SQL statistics agree with a plain recount over the same rows, on random histories."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stats_helpers import add_deck, grade, set_flags
from stats_recount import recount

from flashdl.services.stats import collection_stats
from flashdl.store import open_store

ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Europe/Berlin"]
FAMILIES = {0: "conv2d_output_size", 2: "linear_param_count", 3: "conv2d_output_size"}

review_steps = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]),  # deck
        st.integers(0, 4),  # card
        st.integers(0, 5),  # grade
        st.sampled_from([0, 1, 7, 90, 200, 600, 1439, 1440, 1441, 2900, 30_000]),  # minutes later
        st.integers(0, 90_000),  # duration ms
        st.booleans(),  # typed answer right (computed cards only)
    ),
    max_size=40,
)
flags = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 4),
              st.sampled_from(["suspend", "retire", "bury", "leech"])),
    max_size=3,
)


@pytest.mark.slow   # 2-12 s
@settings(max_examples=int(os.environ.get("FLASHDL_STATS_EXAMPLES", "200")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31)),
    steps=review_steps,
    flagged=flags,
    now_after_minutes=st.integers(-1500, 9000),
    days=st.integers(1, 12),
    deck=st.sampled_from([None, "a", "b"]),
)
def test_statistics_match_a_plain_recount(
    zone: str, start: datetime, steps: list, flagged: list, now_after_minutes: int,
    days: int, deck: str | None,
) -> None:
    tz = ZoneInfo(zone)
    # Steps are taken in absolute time, so every moment is a real local time
    # (wall-clock arithmetic can land in a DST gap, which no clock reports).
    moment = start.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stats.sqlite3"
        with open_store(path) as store:
            add_deck(store, "a", 5, families=FAMILIES)
            add_deck(store, "b", 5, families={1: "dropout"})
            for deck_slug, card, value, minutes, duration, typed in steps:
                moment = (moment.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(tz)
                computed = (deck_slug == "a" and card in FAMILIES) or (deck_slug, card) == ("b", 1)
                grade(store, f"{deck_slug}/{card:03d}", value, moment,
                      seconds=duration / 1000, typed_correct=typed if computed else None)
            now = (moment.astimezone(UTC)
                   + timedelta(minutes=now_after_minutes)).astimezone(tz)
            for deck_slug, card, flag in flagged:
                name = f"{deck_slug}/{card:03d}"
                if flag == "suspend":
                    set_flags(store, name, suspended=True)
                elif flag == "retire":
                    set_flags(store, name, retired=True)
                elif flag == "leech":
                    set_flags(store, name, leech=True)
                else:
                    tomorrow = (now - timedelta(hours=4)).date() + timedelta(days=1)
                    set_flags(store, name, buried_until=tomorrow)
            report = collection_stats(store, now, deck, days)
        _check_stored_days(path, tz)
        assert report.to_json() == recount(path, now, deck, days)


def _check_stored_days(path: Path, tz: ZoneInfo) -> None:
    """Each row's study day is its moment's local date, 4 hours earlier."""
    db = sqlite3.connect(path)
    try:
        for reviewed_ms, stored in db.execute("SELECT reviewed_ms, study_day FROM review_log"):
            local = datetime.fromtimestamp(reviewed_ms / 1000, tz)
            assert (local - timedelta(hours=4)).date().isoformat() == stored
    finally:
        db.close()
