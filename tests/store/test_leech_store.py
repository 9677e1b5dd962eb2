"""Leeches in the store: the one review path applies the deck's action, undo restores it,
and a schema-9 database gains the columns (schema 10)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import FIXTURES, NOW, dump, make_deck

from flashdl.services import browse, deck_options, deck_sync
from flashdl.services.reviews import record_review, undo_last_review
from flashdl.services.study import StudySession
from flashdl.store import SCHEMA_VERSION, Store, open_store
from flashdl.store.migrations import MIGRATIONS


def at_day(offset: int) -> datetime:
    return NOW + timedelta(days=offset)


def flags(store: Store, card: str) -> tuple[int, int]:
    db = sqlite3.connect(store.path)
    try:
        deck, slug = card.split("/")
        return db.execute(
            "SELECT c.leech, c.suspended FROM card AS c JOIN deck AS d ON d.id = c.deck_id "
            "WHERE d.slug = ? AND c.slug = ?", (deck, slug)).fetchone()
    finally:
        db.close()


def lapse(store: Store, card: str, lapses: int, start: int = 1) -> list[bool]:
    """A first review, then ``lapses`` failed reviews on the following days: each result's leech."""
    record_review(store, card, 5, at_day(start - 1))
    return [record_review(store, card, 1, at_day(start + i)).leech for i in range(lapses)]


def test_eighth_lapse_suspends_and_tags_by_default(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 2), None)], NOW)
    marks = lapse(store, "d/001", 13)
    assert [i + 1 for i, marked in enumerate(marks) if marked] == [8, 12]
    assert flags(store, "d/001") == (1, 1) and flags(store, "d/002") == (0, 0)
    hits = browse.search_cards(store, "", states=("leech",))
    assert [h.card for h in hits] == ["d/001"] and hits[0].leech


def test_drills_and_new_cards_are_not_lapses(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    deck_options.set_options(store, "d", leech_threshold=2)
    for minute in range(5):  # a new card failed, then drilled the same day: no lapse
        assert not record_review(store, "d/001", 0, NOW + timedelta(minutes=minute)).leech
    assert not record_review(store, "d/001", 0, at_day(1)).leech  # lapse 1
    assert not record_review(store, "d/001", 0, at_day(1) + timedelta(minutes=5)).leech  # a drill
    assert record_review(store, "d/001", 2, at_day(2)).leech  # lapse 2: the threshold
    assert flags(store, "d/001") == (1, 1)


def test_tag_action_leaves_the_card_in_study(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    deck_options.set_options(store, "d", leech_threshold=3, leech_action="tag")
    marks = lapse(store, "d/001", 3)
    assert marks == [False, False, True]
    assert flags(store, "d/001") == (1, 0)


def test_fsrs_again_counts_as_a_lapse(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    deck_options.set_options(store, "d", scheduler="fsrs", leech_threshold=2)
    record_review(store, "d/001", 4, at_day(0))
    day = 1
    results = []
    for _ in range(2):  # review whenever FSRS next has it due, failing it
        due = browse.card_details(store, "d/001").state.due
        assert due is not None
        result = record_review(store, "d/001", 1, at_day(day))
        results.append(result.leech)
        day += 1
    assert results == [False, True] and flags(store, "d/001") == (1, 1)


def test_undo_restores_the_flags_exactly(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    deck_options.set_options(store, "d", leech_threshold=2)
    lapse(store, "d/001", 1)
    before = dump(store.path)
    assert record_review(store, "d/001", 0, at_day(2)).leech
    assert flags(store, "d/001") == (1, 1)
    undone = undo_last_review(store)
    assert undone is not None
    assert flags(store, "d/001") == (0, 0)
    revision = lambda text: [line.rsplit(",", 5)[0] for line in text.splitlines()  # noqa: E731
                             if "sqlite_sequence" not in line]
    assert revision(dump(store.path)) == revision(before)


def test_a_suspended_leech_leaves_the_session(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    deck_options.set_options(store, "d", leech_threshold=1)
    record_review(store, "d/001", 5, at_day(0))
    session = StudySession(store, at_day(1))
    card = session.next_card()
    assert card is not None
    result = session.answer(card.id, 1, at_day(1))
    assert result.leech and result.leech_suspended and result.repeat_today
    assert session.next_card() is None  # not shown again today although graded < 4
    session.undo()
    assert flags(store, "d/001") == (0, 0)
    assert session.next_card() is not None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(grades=st.lists(st.integers(0, 5), min_size=1, max_size=25), threshold=st.integers(1, 6),
       action=st.sampled_from(["suspend", "tag"]))
def test_marks_follow_a_recount_of_the_log(tmp_path_factory: pytest.TempPathFactory, grades: list[int],
                                          threshold: int, action: str) -> None:
    """One review a day: a review is a leech mark exactly when it is a failed one whose
    lapse count (recounted by hand) is the threshold or a half-threshold step past it."""
    path = tmp_path_factory.mktemp("leech") / "db.sqlite3"
    with open_store(path) as store:
        deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
        deck_options.set_options(store, "d", leech_threshold=threshold, leech_action=action)
        lapses, seen, expected, got = 0, False, [], []
        for day, grade in enumerate(grades):
            mark = False
            if seen and grade < 3:
                lapses += 1
                step = max((threshold + 1) // 2, 1)
                mark = lapses >= threshold and (lapses - threshold) % step == 0
            seen = True
            expected.append(mark)
            got.append(record_review(store, "d/001", grade, at_day(day)).leech)
        assert got == expected
        assert flags(store, "d/001") == (int(any(expected)), int(any(expected) and action == "suspend"))


def test_schema_9_gains_the_leech_columns(tmp_path: Path) -> None:
    """A schema-9 database (the schema-1 fixture taken through steps 1..8) upgrades to 10:
    every card not a leech, every log row without leech flags, the index made, and it works."""
    path = tmp_path / "nine.sqlite3"
    shutil.copy(FIXTURES / "schema-1.sqlite", path)
    db = sqlite3.connect(path)
    for step in MIGRATIONS:
        if step.to_version <= 9:
            for statement in step.statements:
                db.execute(statement)
    db.execute("PRAGMA user_version = 9")
    db.commit()
    cards_before = db.execute("SELECT * FROM card ORDER BY id").fetchall()
    log_before = db.execute("SELECT * FROM review_log ORDER BY id").fetchall()
    db.close()
    with open_store(path) as store:
        details = browse.card_details(store, "quiz-1/001")
        assert not details.leech
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 10
    assert [row[:-1] for row in db.execute("SELECT * FROM card ORDER BY id")] == cards_before
    assert {row[-1] for row in db.execute("SELECT * FROM card")} == {0}
    assert [row[:-1] for row in db.execute("SELECT * FROM review_log ORDER BY id")] == log_before
    assert {row[-1] for row in db.execute("SELECT * FROM review_log")} == {None}
    plan = " ".join(str(r) for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM card WHERE leech = 1 AND retired = 0"))
    assert "ix_card_leech" in plan
    db.close()
    with open_store(path) as store:
        deck_options.set_options(store, "quiz-1", leech_threshold=1)
        result = record_review(store, "quiz-1/001", 0, datetime(2024, 3, 8, 12, tzinfo=NOW.tzinfo))
    assert result.leech and flags(store, "quiz-1/001") == (1, 1)
