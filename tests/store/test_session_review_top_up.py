"""A review buried or suspended in a session leaves its place to the deck's next due review when
the deck has a reviews-per-day limit, as in Anki (buried and suspended cards do not count toward
the day's limit): before, the session went one review short of what ``flashdl decks`` counted.

The reference is read off the database with plain sqlite3, one rule at a time: a deck with a
limit may show ``limit`` reviews a day, less the reviews (first reviews of seen cards) logged
today; the reviews still to come are its cards due by today, neither suspended nor buried, most
overdue first (then deck, file position, id), as many as its limit leaves; a deck without a limit
shows every one. The session must hold exactly those, in that order, and an undo must put its
queue back exactly as it was before the action undone.
"""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import NOW, make_deck

from flashdl.scheduler.queue import QueueKind
from flashdl.services import deck_options, deck_sync
from flashdl.services.reviews import record_review
from flashdl.services.study import StudySession
from flashdl.store import Store, open_store

TODAY = NOW.date().isoformat()  # NOW is 10:00 UTC: its own study day
DECKS = {"a": 6, "b": 4}  # cards per deck; decks come in slug order
REVIEW_KIND = 1  # review_log.kind of a seen card's first review on a day (new 0, drill 2)


def seen_cards(store: Store) -> None:
    """Every card reviewed once (grade 5: due the next day) 1 to 5 days ago: all due today, on
    different days."""
    for slug, count in DECKS.items():
        for i in range(1, count + 1):
            record_review(store, f"{slug}/{i:03d}", 5, NOW - timedelta(days=1 + (3 * i + len(slug)) % 5))


def expected_reviews(path: Path, limits: dict[str, int | None], deck: str | None) -> list[str]:
    db = sqlite3.connect(path)
    try:
        due = db.execute(
            "SELECT d.slug, d.slug || '/' || c.slug FROM card AS c JOIN deck AS d ON d.id = c.deck_id "
            "WHERE c.due <= ? AND c.suspended = 0 AND c.retired = 0 "
            "AND (c.buried_until IS NULL OR c.buried_until <= ?) ORDER BY c.due, d.id, c.position, c.id",
            (TODAY, TODAY)).fetchall()
        done = dict(db.execute(
            "SELECT d.slug, count(*) FROM review_log AS l JOIN card AS c ON c.id = l.card_id "
            "JOIN deck AS d ON d.id = c.deck_id WHERE l.study_day = ? AND l.kind = ? GROUP BY d.slug",
            (TODAY, REVIEW_KIND)).fetchall())
    finally:
        db.close()
    left = {slug: None if limit is None else max(0, limit - done.get(slug, 0)) for slug, limit in limits.items()}
    chosen: list[str] = []
    for slug, name in due:
        if deck is not None and slug != deck:
            continue
        room = left[slug]
        if room is None or room > 0:
            chosen.append(name)
            left[slug] = None if room is None else room - 1
    return chosen


def queued_reviews(store: Store, session: StudySession) -> list[str]:
    ids = [e.card_id for e in session.queued() if e.kind is QueueKind.REVIEW]
    db = sqlite3.connect(store.path)
    try:
        names = dict(db.execute("SELECT c.id, d.slug || '/' || c.slug FROM card AS c JOIN deck AS d "
                                "ON d.id = c.deck_id").fetchall())
    finally:
        db.close()
    return [names[i] for i in ids]


@settings(max_examples=40, deadline=None)
@given(
    limits=st.fixed_dictionaries({slug: st.none() | st.integers(0, count + 1) for slug, count in DECKS.items()}),
    deck=st.sampled_from([None, "a", "b"]),
    actions=st.lists(st.sampled_from(["grade2", "grade4", "bury", "suspend", "undo"]), max_size=12),
)
def test_the_session_holds_the_reviews_the_limits_leave(limits: dict[str, int | None], deck: str | None,
                                                        actions: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "t.sqlite3") as store:
        deck_sync.sync_decks(store, [(make_deck(slug, count), None) for slug, count in DECKS.items()],
                             NOW - timedelta(days=10))
        seen_cards(store)
        for slug, limit in limits.items():
            deck_options.set_options(store, slug, reviews_per_day=limit)
        session = StudySession(store, NOW, deck=deck)
        before = [session.queued()]  # the queue before each action still to undo
        assert queued_reviews(store, session) == expected_reviews(store.path, limits, deck)
        for action in actions:
            if action == "undo":
                if session.undo() is not None:
                    assert tuple(session.queued()) == tuple(before.pop())  # exactly as it was
            else:
                card = session.next_card()
                if card is None:
                    continue
                queue = tuple(session.queued())
                if action.startswith("grade"):
                    session.answer(card.id, int(action[-1]), NOW)
                elif action == "bury":
                    session.bury(card.id, NOW)
                else:
                    session.suspend(card.id)
                before.append(queue)
            expected = expected_reviews(store.path, limits, deck)
            assert queued_reviews(store, session) == expected
            assert session.counts().review == len(expected)


def test_burying_a_review_at_the_limit_brings_in_the_next_due_one(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("a", 5), None)], NOW - timedelta(days=10))
    for i in range(1, 6):  # a/001 most overdue ... a/005 due today
        record_review(store, f"a/{i:03d}", 5, NOW - timedelta(days=6 - i))
    deck_options.set_options(store, "a", reviews_per_day=2)
    session = StudySession(store, NOW)
    first = session.next_card()
    assert first is not None and first.card == "a/001"
    session.bury(first.id, NOW)
    assert queued_reviews(store, session) == ["a/002", "a/003"]
    session.suspend(session.next_card().id)  # a/002
    assert queued_reviews(store, session) == ["a/003", "a/004"]
    assert session.counts().review == 2
    session.undo()
    assert queued_reviews(store, session) == ["a/002", "a/003"]
    assert session.next_card().card == "a/002"


def test_an_extra_new_cards_session_keeps_the_days_review_limit_after_a_bury(store: Store) -> None:
    """Extra new cards is today's queue with more new cards (docs/custom-study.md rule 6): a
    review buried there leaves its place to the next due one too."""
    from flashdl.services.custom_study import CustomStudy

    deck_sync.sync_decks(store, [(make_deck("a", 5), None)], NOW - timedelta(days=10))
    for i in range(1, 4):  # a/001..a/003 due, most overdue first; a/004, a/005 new
        record_review(store, f"a/{i:03d}", 5, NOW - timedelta(days=4 - i))
    deck_options.set_options(store, "a", reviews_per_day=1, new_per_day=0)
    session = StudySession(store, NOW, custom=CustomStudy(extra_new=1))
    assert queued_reviews(store, session) == ["a/001"]
    session.bury(session.next_card().id, NOW)
    assert queued_reviews(store, session) == ["a/002"]
    assert session.counts().review == 1 and session.counts().new == 1
    session.undo()
    assert queued_reviews(store, session) == ["a/001"]
