"""Custom study sessions in the service: cram leaves the database as it was, whatever is graded
and undone (hypothesis); review ahead's undo restores the card exactly; the cap is 100."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import NOW, make_deck

from flashdl.scheduler.sm2 import ReviewKind
from flashdl.services import deck_sync
from flashdl.services.custom_study import CARD_CAP, CustomStudy
from flashdl.services.reviews import record_review
from flashdl.services.study import StudySession
from flashdl.store import Store, open_store


def snapshot(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        # every card's schedule and flags (not the revision counter, which undo also bumps)
        return (db.execute("SELECT slug, suspended, buried_until, repetitions, ease, interval, due, "
                           "last_review, repeat_pending, fsrs_stability, sm2_due FROM card "
                           "ORDER BY id").fetchall(),
                db.execute("SELECT * FROM review_log ORDER BY id").fetchall())


@settings(max_examples=25, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 5), st.just("undo")), max_size=12))
def test_cram_changes_neither_cards_nor_log(tmp_path_factory: object, actions: list[int | str]) -> None:
    path = tmp_path_factory.mktemp("cram") / "db.sqlite3"  # type: ignore[attr-defined]
    with open_store(path) as store:
        deck_sync.sync_decks(store, [(make_deck("d", 4), None)], NOW)
        for slug in ("d/001", "d/002"):
            record_review(store, slug, 5, NOW - timedelta(days=3))
        before = snapshot(path)
        session = StudySession(store, NOW, custom=CustomStudy(search=True, words=("front",), cram=True))
        graded = 0
        for action in actions:
            card = session.next_card()
            if action == "undo":
                if session.undo() is not None:
                    graded -= 1
                continue
            if card is None:
                break
            result = session.answer(card.id, action, NOW)
            graded += 1
            assert result.kind is ReviewKind.DRILL and not result.rescheduled
            assert result.state.due == result.before.due
            assert result.repeat_today == (action < 4)
        assert snapshot(path) == before


def test_undo_of_a_review_ahead_restores_the_card(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 3), None)], NOW)
    record_review(store, "d/001", 5, NOW - timedelta(days=3))
    record_review(store, "d/001", 5, NOW - timedelta(days=2))  # I = 6: due in 4 days
    before = snapshot(store.path)
    session = StudySession(store, NOW, custom=CustomStudy(ahead=4))
    card = session.next_card()
    assert card is not None and card.card == "d/001" and session.counts().review == 1
    result = session.answer(card.id, 4, NOW)
    assert result.kind is ReviewKind.REVIEW and result.state.interval == 17  # ceil(6 x 2.7)
    assert snapshot(store.path) != before
    session.undo()
    assert snapshot(store.path) == before


def test_a_search_session_takes_at_most_the_cap(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", CARD_CAP + 30), None)], NOW)
    session = StudySession(store, NOW, custom=CustomStudy(search=True, states=("new",)))
    assert session.counts().new == CARD_CAP
