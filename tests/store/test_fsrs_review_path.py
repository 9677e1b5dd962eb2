"""FSRS in the review path, switching and undo, on a temp-file database.

The reference for every state is the pure core folded over the whole log as
if the scheduler had never been switched: ``sm2.replay`` for SM-2 and
``fsrs_schedule.replay`` for FSRS (itself tested against ``fsrs.Scheduler``).
"""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import NOW, dump, make_deck

from flashdl.errors import InputError
from flashdl.scheduler import fsrs_schedule, sm2
from flashdl.scheduler.fsrs_schedule import FsrsConfig
from flashdl.services import deck_options, deck_sync
from flashdl.services.reviews import record_review, undo_last_review
from flashdl.services.study import study_queue
from flashdl.store import Store, open_store


def at_day(offset: int) -> datetime:
    return NOW + timedelta(days=offset)


def card_row(path: Path, slug: str) -> tuple[object, ...]:
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT repetitions, ease, interval, due, last_review, repeat_pending, fsrs_stability, "
            "fsrs_difficulty, sm2_due FROM card WHERE slug = ?", (slug,)).fetchone()
    finally:
        db.close()


def expect(path: Path, slug: str, reviews: list[tuple[date, int]], fsrs: FsrsConfig | None) -> None:
    """The card's stored states equal the never-switched folds of its whole log."""
    n, ease, interval, due, last, pending, stability, difficulty, sm2_due = card_row(path, slug)
    reference = sm2.replay(reviews)
    assert (n, ease, interval, last, bool(pending)) == (
        reference.repetitions, reference.ease, reference.interval,
        None if reference.last_review is None else reference.last_review.isoformat(),
        reference.repeat_pending)
    if fsrs is None or not reviews:
        assert (stability, difficulty, sm2_due) == (None, None, None)
        assert due == (None if reference.due is None else reference.due.isoformat())
        return
    state = fsrs_schedule.replay(reviews, fsrs)
    assert stability == pytest.approx(state.stability, rel=1e-12)
    assert difficulty == pytest.approx(state.difficulty, rel=1e-12)
    assert due == state.due.isoformat()  # the queue follows FSRS
    assert sm2_due == reference.due.isoformat()  # SM-2's kept all along


def test_fsrs_deck_reviews_follow_fsrs_and_keep_sm2(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 2), None)], NOW)
    deck_options.set_options(store, "d", scheduler="fsrs", desired_retention=0.85)
    config = FsrsConfig(desired_retention=0.85)
    reviews: list[tuple[date, int]] = []
    for offset, grade in ((0, 4), (0, 5), (3, 2), (3, 4), (9, 3), (30, 5)):
        result = record_review(store, "d/001", grade, at_day(offset))
        reviews.append((result.study_day, grade))
        expect(store.path, "001", reviews, config)
        assert result.due == fsrs_schedule.replay(reviews, config).due
    expect(store.path, "002", [], config)  # new cards stay new


def test_switching_on_and_off_loses_nothing(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    reviews = []
    for offset, grade in ((0, 4), (1, 4), (7, 1), (8, 4)):
        reviews.append((record_review(store, "d/001", grade, at_day(offset)).study_day, grade))
    before = dump(store.path)
    deck_options.set_options(store, "d", scheduler="fsrs")
    expect(store.path, "001", reviews, FsrsConfig())
    deck_options.set_options(store, "d", scheduler="sm2")
    expect(store.path, "001", reviews, None)
    # Back on SM-2 the card is exactly as it was (but the options row and change counter).
    def card_lines(text: str) -> list[str]:
        return [line.rsplit(",", 5)[0] for line in text.splitlines() if line.startswith('INSERT INTO "card"')]  # noqa: E501
    assert card_lines(dump(store.path)) == card_lines(before)


def test_undo_restores_the_fsrs_state_exactly(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    deck_options.set_options(store, "d", scheduler="fsrs")
    record_review(store, "d/001", 4, at_day(0))
    record_review(store, "d/001", 4, at_day(2))
    row = card_row(store.path, "001")
    record_review(store, "d/001", 1, at_day(9))
    assert card_row(store.path, "001") != row
    assert undo_last_review(store) is not None
    assert card_row(store.path, "001") == row
    undo_last_review(store)
    undo_last_review(store)
    assert card_row(store.path, "001") == (0, 2500, 0, None, None, 0, None, None, None)


def test_new_parameters_reschedule_the_deck(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    deck_options.set_options(store, "d", scheduler="fsrs")
    reviews = [(record_review(store, "d/001", g, at_day(o)).study_day, g) for o, g in ((0, 4), (5, 4))]
    weights = list(fsrs_schedule.DEFAULT_PARAMETERS)
    weights[2] = 5.0  # initial stability after Good
    deck_options.set_options(store, "d", fsrs_parameters=weights, desired_retention=0.8)
    expect(store.path, "001", reviews, FsrsConfig(parameters=tuple(weights), desired_retention=0.8))


def test_collection_default_scheduler_switches_decks_without_their_own(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("a", 1), None), (make_deck("b", 1), None)], NOW)
    deck_options.set_options(store, "b", scheduler="sm2")
    for deck in ("a", "b"):
        record_review(store, f"{deck}/001", 4, at_day(0))
    deck_options.set_options(store, None, scheduler="fsrs")
    assert deck_options.get_options(store, "a").scheduler == "fsrs"
    assert deck_options.get_options(store, "b").scheduler == "sm2"
    db = sqlite3.connect(store.path)
    states = dict(db.execute(
        "SELECT d.slug, c.fsrs_stability FROM card c JOIN deck d ON d.id = c.deck_id").fetchall())
    db.close()
    assert states["a"] is not None and states["b"] is None


@pytest.mark.parametrize(("stored", "message"), [
    ('{"scheduler": "fsrs", "fsrs_parameters": [1, 2]}', "needs 21 parameters"),
    ('{"desired_retention": 2}', "outside"),
    ('{"leech_action": "delete"}', "leech_action = 'delete' is not one of suspend, tag"),
    ('not json', "not valid JSON"),
])
def test_corrupt_stored_options_are_refused_never_replaced(store: Store, stored: str, message: str) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    db = sqlite3.connect(store.path)
    db.execute("UPDATE deck SET options = ?", (stored,))
    db.commit()
    db.close()
    before = dump(store.path)
    with pytest.raises(InputError, match=message):
        deck_options.get_options(store, "d")
    with pytest.raises(InputError, match="deck d options"):
        study_queue(store, NOW)
    if "scheduler" in stored:
        with pytest.raises(InputError):
            record_review(store, "d/001", 4, NOW)
    assert dump(store.path) == before


def test_queue_honours_reviews_per_day_and_random_new_order(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 12), None)], NOW)
    for i in range(1, 7):
        record_review(store, f"d/{i:03d}", 4, at_day(0))
    deck_options.set_options(store, "d", reviews_per_day=4, new_per_day=3)
    queue = study_queue(store, at_day(1))
    assert [q.kind for q in queue].count("review") == 4
    assert [q.kind for q in queue].count("new") == 3
    record_review(store, "d/001", 4, at_day(1))  # one review done today: three left
    assert [q.kind for q in study_queue(store, at_day(1))].count("review") == 3
    file_order = [q.card for q in study_queue(store, at_day(1)) if q.kind == "new"]
    assert file_order == ["d/007", "d/008", "d/009"]
    deck_options.set_options(store, "d", new_order="random", new_per_day=6)
    shuffled = [q.card for q in study_queue(store, at_day(1)) if q.kind == "new"]
    assert sorted(shuffled) == [f"d/{i:03d}" for i in range(7, 13)]  # the same cards
    assert shuffled != sorted(shuffled)
    assert shuffled == [q.card for q in study_queue(store, at_day(2)) if q.kind == "new"]  # fixed


actions = st.lists(
    st.one_of(
        st.tuples(st.just("review"), st.integers(0, 3), st.integers(0, 5)),  # days later, grade
        st.tuples(st.just("toggle"), st.just(0), st.just(0)),
        st.tuples(st.just("undo"), st.just(0), st.just(0)),
    ),
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions)
def test_any_switching_and_undo_equals_the_never_switched_schedulers(steps: list[tuple[str, int, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "h.sqlite3") as store:
        deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
        fsrs_on, offset = False, 0
        reviews: list[tuple[date, int]] = []
        for action, days, grade in steps:
            if action == "review":
                offset += days
                reviews.append((record_review(store, "d/001", grade, at_day(offset)).study_day, grade))
            elif action == "toggle":
                fsrs_on = not fsrs_on
                deck_options.set_options(store, "d", scheduler="fsrs" if fsrs_on else "sm2")
            elif reviews:
                assert undo_last_review(store) is not None
                reviews.pop()
            expect(store.path, "001", reviews, FsrsConfig() if fsrs_on else None)


def test_a_corrupt_option_is_repaired_by_setting_it(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None), (make_deck("e", 1), None)], NOW)
    record_review(store, "d/001", 4, NOW)
    db = sqlite3.connect(store.path)
    db.execute("UPDATE deck SET options = ? WHERE slug = 'd'",
               ('{"scheduler": "fsrs", "desired_retention": 7, "leech_threshold": -2}',))
    db.commit()
    db.close()
    before = dump(store.path)
    with pytest.raises(InputError, match="deck d options"):  # another option still corrupt: nothing changes
        deck_options.set_options(store, "d", desired_retention=0.9)
    with pytest.raises(InputError, match="deck d options"):  # nor may another deck change meanwhile
        deck_options.set_options(store, "e", new_order="random")
    assert dump(store.path) == before
    repaired = deck_options.set_options(store, "d", desired_retention=0.85, leech_threshold=6)
    assert (repaired.scheduler, repaired.desired_retention, repaired.leech_threshold) == ("fsrs", 0.85, 6)
    expect(store.path, "001", [(NOW.date(), 4)], FsrsConfig(desired_retention=0.85))


def test_the_review_path_options_cache_never_goes_stale(store: Store) -> None:
    """Reviews read the options through a cache keyed on the stored texts: a change made
    between two reviews (here behind the service's back, as another process would) is
    followed at once, and a corrupt text is refused at every review, never remembered."""
    deck_sync.sync_decks(store, [(make_deck("d", 2), None)], NOW)
    deck_options.set_options(store, "d", scheduler="fsrs", desired_retention=0.8)
    first = record_review(store, "d/001", 4, at_day(0))
    db = sqlite3.connect(store.path)
    db.execute("UPDATE deck SET options = ?", ('{"scheduler": "fsrs", "desired_retention": 0.95}',))
    db.commit()
    second = record_review(store, "d/002", 4, at_day(0))
    reference = FsrsConfig(desired_retention=0.95)
    assert card_row(store.path, "002")[3] == (
        fsrs_schedule.review(fsrs_schedule.FsrsState(), 4, second.study_day, reference).after.due.isoformat())
    assert card_row(store.path, "001")[3] == (
        fsrs_schedule.review(fsrs_schedule.FsrsState(), 4, first.study_day, FsrsConfig(desired_retention=0.8))
        .after.due.isoformat())
    db.execute("UPDATE deck SET options = ?", ('{"scheduler": "fsrs", "desired_retention": 2}',))
    db.commit()
    db.close()
    for _ in range(2):
        with pytest.raises(InputError, match="outside"):
            record_review(store, "d/001", 4, at_day(3))
