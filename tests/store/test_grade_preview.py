"""The interval shown on a grade key is what recording that grade stores.

Two references: the database after really recording each grade (then undoing
it), and the pure schedulers folded over the whole log (``sm2.replay``,
``fsrs_schedule.replay``), independent of the review path's code.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import NOW, make_deck

from flashdl.presentation.view_models import interval_preview
from flashdl.scheduler import fsrs_schedule, sm2
from flashdl.scheduler.fsrs_schedule import FsrsConfig
from flashdl.services import deck_options, deck_sync
from flashdl.services.reviews import preview_review, record_review, undo_last_review
from flashdl.services.views import GradePreview
from flashdl.store import Store, open_store


def at_day(offset: int) -> datetime:
    return NOW + timedelta(days=offset)


histories = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 5)), max_size=6)


@settings(max_examples=30, deadline=None)
@given(histories, st.integers(0, 60), st.booleans())
def test_preview_equals_what_each_grade_then_stores(history: list[tuple[int, int]], wait: int,
                                                     fsrs: bool) -> None:
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "p.sqlite3") as store:
        deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
        if fsrs:
            deck_options.set_options(store, "d", scheduler="fsrs")
        offset = 0
        reviews: list[tuple[date, int]] = []
        for days, grade in history:
            offset += days
            reviews.append((record_review(store, "d/001", grade, at_day(offset)).study_day, grade))
        now = at_day(offset + wait)
        today, previews = preview_review(store, "d/001", now)
        assert [p.grade for p in previews] == list(range(6))
        for preview in previews:
            result = record_review(store, "d/001", preview.grade, now)
            assert (result.due, result.repeat_today) == (preview.due, preview.repeat_today)
            assert result.study_day == today
            log = [*reviews, (today, preview.grade)]
            expected = fsrs_schedule.replay(log, FsrsConfig()).due if fsrs else sm2.replay(log).due
            assert preview.due == expected
            assert preview.repeat_today == (preview.grade < sm2.REPEAT_BELOW)
            assert undo_last_review(store) is not None


def test_a_new_card_previews_the_published_sm2_intervals(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    today, previews = preview_review(store, "d/001", NOW)
    # SM-2 (DESIGN §4): a first review gives I(1) = 1 day whatever the grade; < 4 also comes back
    # later today (§4.5), 3 included: it passes, but with serious difficulty.
    assert interval_preview(previews, today) == "0–3 again today, then 1d · 4–5 1d"
    record_review(store, "d/001", 4, NOW)
    today, previews = preview_review(store, "d/001", at_day(1))
    # the second successful review: I(2) = 6 days; a failed one starts again at 1 day
    assert interval_preview(previews, today) == "0–2 again today, then 1d · 3 again today, then 6d · 4–5 6d"


def test_interval_preview_text() -> None:
    day = date(2024, 3, 1)
    previews = [GradePreview(0, day + timedelta(1), True), GradePreview(1, day + timedelta(1), True),
                GradePreview(2, day + timedelta(1), True), GradePreview(3, day + timedelta(1), True),
                GradePreview(4, day + timedelta(6), False), GradePreview(5, day + timedelta(6), False)]
    assert interval_preview(previews, day) == "0–3 again today, then 1d · 4–5 6d"
    assert interval_preview(previews, day, (3, 4, 5)) == "3 again today, then 1d · 4–5 6d"
    same_day = [GradePreview(g, day, g < 4) for g in range(6)]  # a repeat today: the due day stays today
    assert interval_preview(same_day, day) == "0–3 again today · 4–5 today"
    cram = [GradePreview(g, None, g < 4, rescheduled=False) for g in range(6)]
    assert interval_preview(cram, day) == "0–3 again this session · 4–5 unchanged"
