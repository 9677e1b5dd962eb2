"""A scripted history can push SM-2's geometric intervals past the calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flashdl.scheduler.sm2 import CardState, review


def test_interval_past_year_9999_is_a_value_error_not_an_overflow() -> None:
    state, day = CardState(), date(2024, 1, 1)
    with pytest.raises(ValueError, match="past the year 9999"):
        for _ in range(100):  # perfect grades daily: EF grows 0.1 a review, I multiplies by it
            state = review(state, 5, day).after
            day += timedelta(days=1)
    # The state before the refused review is intact and still usable with a failing grade.
    assert review(state, 1, day).after.interval == 1
