"""A session open across the 04:00 rollover: the new study day's queue, as in Anki (which
rebuilds its queues when the day rolls over).

Before, the session went on with the old day's queue: a card graded 3 at 03:50 came back at 04:05
as a "learning" repeat although its repeat had lapsed with its day (DESIGN §4 rule 5), and grading
it there was recorded as a real review on the new day, 16 days early, moving the card ~4 weeks on.
SM-2 worked by hand (DESIGN §4): q=5, 5 on a new card give n=2, I=6, EF=2.7; then q=3 gives
I = ceil(6 × 2.7) = 17 and EF = 2.7 + 0.1 − 2·(0.08 + 2·0.02) = 2.56.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
from store_helpers import dump, make_deck

from flashdl.scheduler.queue import QueueKind
from flashdl.services import deck_sync, settings
from flashdl.services.reviews import record_review
from flashdl.services.study import StudyDayChangedError, StudySession
from flashdl.store import Store

START = datetime(2026, 1, 1, 10, tzinfo=UTC)
BEFORE = datetime(2026, 1, 9, 3, 50, tzinfo=UTC)  # study day 2026-01-08: a/001 is due
AFTER = BEFORE + timedelta(minutes=15)  # 04:05: study day 2026-01-09


def log(store: Store) -> list[tuple[str, int, int, int, int, str]]:
    db = sqlite3.connect(store.path)
    try:
        return db.execute("SELECT study_day, grade, kind, interval_before, interval_after, due_after "
                          "FROM review_log ORDER BY id").fetchall()
    finally:
        db.close()


@pytest.fixture
def seen(store: Store) -> Store:
    """a/001 at n=2, I=6, EF=2.7, due 2026-01-08; a/002 and a/003 new."""
    deck_sync.sync_decks(store, [(make_deck("a", 3), None)], START)
    settings.set_deck_new_limit(store, "a", 0)
    record_review(store, "a/001", 5, START)  # I=1: due 01-02
    record_review(store, "a/001", 5, START + timedelta(days=1))  # I=6: due 01-08
    return store


def test_a_lapsed_repeat_is_not_shown_on_the_new_day(seen: Store) -> None:
    session = StudySession(seen, BEFORE)
    card = session.next_card(BEFORE)
    assert card is not None and card.card == "a/001" and card.kind is QueueKind.REVIEW
    result = session.answer(card.id, 3, BEFORE)
    assert (result.state.interval, result.state.ease, result.state.due) == (17, 2560, date(2026, 1, 25))
    assert session.next_card(BEFORE).kind is QueueKind.LEARNING  # 03:50: its repeat is today's
    assert session.next_card(AFTER) is None  # 04:05: nothing is due on 01-09 (no new cards a day)
    assert session.today == date(2026, 1, 9)
    assert log(seen)[-1] == ("2026-01-08", 3, 1, 6, 17, "2026-01-25")


def test_grading_a_lapsed_repeat_after_the_rollover_records_nothing(seen: Store) -> None:
    session = StudySession(seen, BEFORE)
    card = session.next_card(BEFORE)
    session.answer(card.id, 3, BEFORE)
    repeat = session.next_card(BEFORE)  # shown at 03:50 ...
    assert repeat is not None and repeat.kind is QueueKind.LEARNING
    before = dump(seen.path)
    with pytest.raises(StudyDayChangedError, match=r"a/001 was a repeat of 2026-01-08 and is not due until 2026-01-25"):
        session.answer(repeat.id, 5, AFTER)  # ... graded at 04:05
    assert dump(seen.path) == before  # no review, the card as it was
    assert session.next_card(AFTER) is None


def test_a_repeat_due_on_the_new_day_is_graded_there_as_its_review(seen: Store) -> None:
    session = StudySession(seen, BEFORE)
    card = session.next_card(BEFORE)
    session.answer(card.id, 2, BEFORE)  # failed: n=0, I=1, due 01-09
    repeat = session.next_card(BEFORE)
    assert repeat is not None and repeat.kind is QueueKind.LEARNING
    result = session.answer(repeat.id, 5, AFTER)  # on 01-09 it is due: its first review there
    assert log(seen)[-2:] == [("2026-01-08", 2, 1, 6, 1, "2026-01-09"), ("2026-01-09", 5, 1, 1, 1, "2026-01-10")]
    assert result.study_day == date(2026, 1, 9) and not result.repeat_today
    assert session.next_card(AFTER) is None


def test_the_new_day_brings_its_own_new_cards(seen: Store) -> None:
    settings.set_deck_new_limit(seen, "a", 1)
    session = StudySession(seen, BEFORE)
    assert session.next_card(BEFORE).card == "a/001"
    session.answer(session.next_card(BEFORE).id, 5, BEFORE)
    new = session.next_card(BEFORE)
    assert new is not None and new.card == "a/002"
    session.answer(new.id, 5, BEFORE)
    assert session.next_card(BEFORE) is None  # 01-08's one new card is done
    after = session.next_card(AFTER)  # 01-09: a/002 is due (I=1), and the day has its own new card
    assert after is not None and after.card == "a/002" and after.kind is QueueKind.REVIEW
    db = sqlite3.connect(seen.path)
    a003 = db.execute("SELECT id FROM card WHERE slug = '003'").fetchone()[0]
    db.close()
    assert [e.card_id for e in session.queued() if e.kind is QueueKind.NEW] == [a003]
    assert (session.counts().review, session.counts().new) == (1, 1)
