"""A study session's undo takes back every action, grades, suspends and buries, newest first.

The reference is the database itself: after each undo, each card's flags, schedule and
review log are exactly what they were before the action undone (read with plain sqlite3).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import NOW, make_deck

from flashdl.services import deck_sync
from flashdl.services.study import StudySession
from flashdl.services.views import FlagUndo, UndoResult
from flashdl.store import Store, open_store


def cards_and_log(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every card's flags and schedule (not its revision counter) and the whole review log."""
    db = sqlite3.connect(path)
    try:
        cards = db.execute("SELECT slug, suspended, buried_until, repetitions, ease, interval, due, "
                           "last_review, repeat_pending FROM card ORDER BY id").fetchall()
        log = db.execute("SELECT * FROM review_log ORDER BY id").fetchall()
        return cards, log
    finally:
        db.close()


def test_undo_takes_back_bury_suspend_and_grades_in_reverse(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 5), None)], NOW)
    session = StudySession(store, NOW)
    states = [cards_and_log(store.path)]
    shown = []
    for action in ("grade", "bury", "suspend", "grade"):
        card = session.next_card()
        assert card is not None
        shown.append(card.card)
        if action == "grade":
            session.answer(card.id, 4, NOW)
        elif action == "bury":
            session.bury(card.id, NOW)
        else:
            session.suspend(card.id)
        states.append(cards_and_log(store.path))
    assert states[2][0][1][1:3] == (0, "2024-03-02")  # buried until the next study day
    assert states[3][0][2][1] == 1  # suspended
    expected = [(UndoResult, shown[3]), (FlagUndo, shown[2]), (FlagUndo, shown[1]), (UndoResult, shown[0])]
    for kind, name in expected:
        states.pop()
        undone = session.undo()
        assert isinstance(undone, kind) and undone.card == name
        assert cards_and_log(store.path) == states[-1]
        next_card = session.next_card()
        assert next_card is not None and next_card.card == name  # shown again next
    assert session.undo() is None


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["grade2", "grade4", "bury", "suspend", "undo"]), max_size=12))
def test_any_actions_then_undos_restore_each_earlier_state(actions: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "u.sqlite3") as store:
        deck_sync.sync_decks(store, [(make_deck("d", 4), None)], NOW)
        session = StudySession(store, NOW)
        states = [cards_and_log(store.path)]
        for action in actions:
            if action == "undo":
                undone = session.undo()
                if len(states) == 1:
                    assert undone is None
                else:
                    states.pop()
                    assert undone is not None
                assert cards_and_log(store.path) == states[-1]
                continue
            card = session.next_card()
            if card is None:
                continue
            if action.startswith("grade"):
                session.answer(card.id, int(action[-1]), NOW)
            elif action == "bury":
                session.bury(card.id, NOW)
            else:
                session.suspend(card.id)
            states.append(cards_and_log(store.path))
        while len(states) > 1:  # and all the way back
            states.pop()
            assert session.undo() is not None
            assert cards_and_log(store.path) == states[-1]


def test_undoing_a_bury_of_a_card_its_grade_suspended_as_a_leech_leaves_it_out(store: Store) -> None:
    """A computed card's wrong answer is graded at once and the screen stays on the card, where
    ``s``/``b`` act on it. When that grade made it a leech (suspended), burying it and undoing the
    bury put the suspended card back at the head of the session, and it was graded again."""
    from datetime import timedelta

    from flashdl.scheduler.queue import QueueKind
    from flashdl.services import deck_options
    from flashdl.services.reviews import record_review

    deck_sync.sync_decks(store, [(make_deck("d", 2), None)], NOW - timedelta(days=1))
    deck_options.set_options(store, "d", leech_threshold=1, new_per_day=1)
    record_review(store, "d/001", 5, NOW - timedelta(days=1))  # due today
    session = StudySession(store, NOW)
    card = session.next_card(NOW)
    assert card is not None and card.card == "d/001" and card.kind is QueueKind.REVIEW
    assert session.answer(card.id, 1, NOW).leech_suspended  # its first lapse: a leech
    for action in (session.suspend, lambda card_id: session.bury(card_id, NOW)):
        before = cards_and_log(store.path)
        action(card.id)
        undone = session.undo()
        assert isinstance(undone, FlagUndo) and undone.card == "d/001" and not undone.requeued
        assert cards_and_log(store.path) == before  # still suspended, not buried
        shown = session.next_card(NOW)
        assert shown is not None and shown.card == "d/002"  # the new card: d/001 stays out
    graded = session.undo()  # then the grade: no longer a leech, shown again
    assert isinstance(graded, UndoResult) and session.next_card(NOW).card == "d/001"
