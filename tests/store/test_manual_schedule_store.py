"""Forget and Set due date on a temp-file database: one transaction, one log row a card, the
stored state always the fold of the log (``sm2.replay_log`` on the rows read back with plain
sqlite3), FSRS started over by Forget, undo never taking a review from under them."""

from __future__ import annotations

import random
import sqlite3
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import NOW, dump, make_deck

from flashdl.scheduler import fsrs_schedule, sm2
from flashdl.scheduler.due_spec import parse_due_spec
from flashdl.scheduler.fsrs_schedule import FsrsConfig
from flashdl.scheduler.sm2 import CardState
from flashdl.services import browse, deck_options, deck_sync
from flashdl.services.lookup import RetiredCardError, UnknownCardError
from flashdl.services.manual_schedule import InvalidDueError, forget_cards, set_due_cards
from flashdl.services.reviews import UndoBlockedError, record_review, undo_last_review
from flashdl.store import Store, open_store


def at_day(offset: int) -> datetime:
    return NOW + timedelta(days=offset)


def log_rows(path: Path, slug: str) -> list[tuple[int, date, int, date | None, int]]:
    db = sqlite3.connect(path)
    try:
        rows = db.execute(
            "SELECT r.kind, r.study_day, r.grade, r.due_after, r.interval_after FROM review_log r "
            "JOIN card c ON c.id = r.card_id WHERE c.slug = ? ORDER BY r.id", (slug,)).fetchall()
    finally:
        db.close()
    return [(k, date.fromisoformat(d), g, None if due is None else date.fromisoformat(due), i)
            for k, d, g, due, i in rows]


def stored_state(path: Path, slug: str) -> CardState:
    db = sqlite3.connect(path)
    try:
        n, ease, interval, due, last, pending, stability, sm2_due = db.execute(
            "SELECT repetitions, ease, interval, due, last_review, repeat_pending, fsrs_stability, sm2_due "
            "FROM card WHERE slug = ?", (slug,)).fetchone()
    finally:
        db.close()
    def day(text: str | None) -> date | None:
        return None if text is None else date.fromisoformat(text)

    return CardState(n, ease, interval, day(sm2_due if stability is not None else due), day(last), bool(pending))


def test_forget_and_set_due_write_one_row_a_card_as_a_review_does(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 3), None)], NOW)
    record_review(store, "d/001", 5, at_day(0))
    record_review(store, "d/001", 4, at_day(1))
    before = stored_state(store.path, "001")
    [forgotten] = forget_cards(store, ["d/001"], at_day(2))
    assert forgotten.before == before and forgotten.state == CardState() and forgotten.due is None
    results = set_due_cards(store, ["d/002", "d/003", "d/002"], parse_due_spec("4"), at_day(2))
    assert [r.card for r in results] == ["d/002", "d/003"]  # a card named twice is changed once
    db = sqlite3.connect(store.path)
    rows = db.execute(
        "SELECT c.slug, r.kind, r.grade, r.rating, r.repetitions_before, r.repetitions_after, r.ease_before, "
        "r.ease_after, r.interval_before, r.interval_after, r.due_before, r.due_after, r.last_review_before, "
        "r.pending_before, r.study_day FROM review_log r JOIN card c ON c.id = r.card_id WHERE r.kind >= 3 "
        "ORDER BY r.id").fetchall()
    db.close()
    day2 = "2024-03-03"
    assert rows == [
        ("001", 3, 0, 0, 2, 0, 2600, 2500, 6, 0, "2024-03-08", None, "2024-03-02", 0, day2),
        ("002", 4, 0, 0, 0, 0, 2500, 2500, 0, 4, None, "2024-03-07", None, 0, day2),
        ("003", 4, 0, 0, 0, 0, 2500, 2500, 0, 4, None, "2024-03-07", None, 0, day2),
    ]
    assert stored_state(store.path, "002") == CardState(0, 2500, 4, date(2024, 3, 7), None, False)
    details = browse.card_details(store, "d/001")
    assert details.history[-1].kind == sm2.ReviewKind.RESET and details.state == CardState()


def test_a_bad_card_changes_nothing(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 2), None)], NOW)
    before = dump(store.path)
    with pytest.raises(UnknownCardError):
        forget_cards(store, ["d/001", "d/nope"], at_day(0))
    with pytest.raises(UnknownCardError):
        set_due_cards(store, ["d/001", "x/001"], parse_due_spec("1"), at_day(0))
    with pytest.raises(InvalidDueError, match="9999"):
        set_due_cards(store, ["d/001"], parse_due_spec("9999999"), at_day(0))
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)  # 002 retired
    before = dump(store.path)
    with pytest.raises(RetiredCardError):
        forget_cards(store, ["d/001", "d/002"], at_day(0))
    assert dump(store.path) == before


def test_a_range_draws_per_card(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 40), None)], NOW)
    cards = [f"d/{i:03d}" for i in range(1, 41)]
    results = set_due_cards(store, cards, parse_due_spec("1-3"), at_day(0), random.Random(7))
    offsets = {(r.due - r.study_day).days for r in results if r.due is not None}
    assert offsets == {1, 2, 3}
    assert all(r.state.interval == (r.due - r.study_day).days for r in results if r.due)  # new: I = days


def test_undo_takes_back_no_forget_and_no_review_before_one(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 2), None)], NOW)
    record_review(store, "d/001", 4, at_day(0))
    record_review(store, "d/002", 4, at_day(0))
    forget_cards(store, ["d/001"], at_day(1))
    state = stored_state(store.path, "001")
    with pytest.raises(UndoBlockedError, match="d/001 was forgotten"):
        undo_last_review(store, card="d/001")
    assert stored_state(store.path, "001") == state
    undone = undo_last_review(store)  # the latest review: 002's (the forget is no review)
    assert undone is not None and undone.card == "d/002"
    record_review(store, "d/002", 4, at_day(1))
    set_due_cards(store, ["d/002"], parse_due_spec("3"), at_day(1))
    with pytest.raises(UndoBlockedError, match="d/002 was given a due date on 2024-03-02"):
        undo_last_review(store)
    record_review(store, "d/001", 5, at_day(2))
    assert undo_last_review(store, card="d/001") is not None  # a review after the forget: undone
    assert stored_state(store.path, "001") == CardState()


def test_fsrs_starts_over_after_forget_and_keeps_its_memory_on_set_due(store: Store) -> None:
    """Reference: ``fsrs_schedule.replay`` of the reviews after the forget only (Anki reads an
    FSRS log from its last reset); a set due date moves FSRS's due day, not its memory."""
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    deck_options.set_options(store, "d", scheduler="fsrs")
    for offset, grade in ((0, 4), (3, 2), (5, 5)):
        record_review(store, "d/001", grade, at_day(offset))
    forget_cards(store, ["d/001"], at_day(6))
    db = sqlite3.connect(store.path)
    assert db.execute("SELECT fsrs_stability, fsrs_difficulty, due, sm2_due FROM card").fetchone() == (
        None, None, None, None)
    reviews = [(record_review(store, "d/001", g, at_day(o)).study_day, g) for o, g in ((7, 4), (9, 3))]
    state = fsrs_schedule.replay(reviews, FsrsConfig())
    stab, diff, due = db.execute("SELECT fsrs_stability, fsrs_difficulty, due FROM card").fetchone()
    assert (stab, diff, due) == (pytest.approx(state.stability, rel=1e-12),
                                 pytest.approx(state.difficulty, rel=1e-12), state.due.isoformat())
    [moved] = set_due_cards(store, ["d/001"], parse_due_spec("20"), at_day(10))
    assert db.execute("SELECT fsrs_stability, due, sm2_due FROM card").fetchone() == (
        stab, "2024-03-31", "2024-03-31")
    # switching away and back derives the same state from the log (its set due day included)
    deck_options.set_options(store, "d", scheduler="sm2")
    assert db.execute("SELECT fsrs_stability, due FROM card").fetchone() == (None, "2024-03-31")
    deck_options.set_options(store, "d", scheduler="fsrs")
    assert db.execute("SELECT fsrs_stability, due FROM card").fetchone() == (stab, "2024-03-31")
    db.close()
    assert moved.due == date(2024, 3, 31)


ACTIONS = st.lists(st.tuples(
    st.sampled_from(["review", "forget", "set-due"]), st.integers(0, 3), st.integers(0, 5),
    st.sampled_from(["0", "2", "1-9", "5!", "0!", "3-4!"])), max_size=14)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS, fsrs=st.booleans(), seed=st.integers(0, 99))
def test_any_interleaving_replays_to_the_stored_state(actions: list[tuple[str, int, int, str]],
                                                      fsrs: bool, seed: int) -> None:
    """The property: whatever mix of reviews, forgets and set-dues, on whichever days, the
    stored SM-2 state is the fold of the log read back with sqlite3 (and for an FSRS deck the
    FSRS state the fold of the reviews since the last forget)."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "db.sqlite3") as store:
        deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
        if fsrs:
            deck_options.set_options(store, "d", scheduler="fsrs")
        offset = 0
        for action, gap, grade, spec in actions:
            offset += gap
            if action == "review":
                record_review(store, "d/001", grade, at_day(offset))
            elif action == "forget":
                forget_cards(store, ["d/001"], at_day(offset))
            else:
                set_due_cards(store, ["d/001"], parse_due_spec(spec), at_day(offset), rng)
            log = log_rows(store.path, "001")
            assert stored_state(store.path, "001") == sm2.replay_log(log)
            if not fsrs:  # browse shows the due day the queue follows: FSRS's on an FSRS deck
                assert browse.card_details(store, "d/001").state == sm2.replay_log(log)
        if fsrs:
            since = [(d, g) for k, d, g, _, _ in log_rows(store.path, "001")]
            kinds = [k for k, *_ in log_rows(store.path, "001")]
            last_reset = max((i for i, k in enumerate(kinds) if k == 3), default=-1)
            graded = [since[i] for i in range(last_reset + 1, len(kinds)) if kinds[i] < 3]
            db = sqlite3.connect(store.path)
            stab, due = db.execute("SELECT fsrs_stability, due FROM card").fetchone()
            db.close()
            if graded:
                assert stab == pytest.approx(fsrs_schedule.replay(graded, FsrsConfig()).stability, rel=1e-12)
                if kinds[-1] == 4:
                    assert due == log_rows(store.path, "001")[-1][3].isoformat()  # type: ignore[union-attr]
            else:
                assert stab is None


def test_a_schema_10_database_upgrades_and_an_older_flashdl_refuses_it_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Schema 11 changes no table: a schema-10 database (the schema-1 fixture through steps
    1..9) keeps every row; afterwards a flashdl that reads schema 10 at most refuses it."""
    from store_helpers import FIXTURES

    from flashdl.store import migrations
    from flashdl.store.errors import NewerSchemaError
    from flashdl.store.migrations import MIGRATIONS

    path = tmp_path / "ten.sqlite3"
    path.write_bytes((FIXTURES / "schema-1.sqlite").read_bytes())
    db = sqlite3.connect(path)
    for step in MIGRATIONS:
        if step.to_version <= 10:
            for statement in step.statements:
                db.execute(statement)
    db.execute("PRAGMA user_version = 10")
    db.commit()
    before = dump(path).replace("PRAGMA user_version", "")
    db.close()
    with open_store(path) as store:
        pass
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 11
    db.close()
    assert dump(path) == before
    with open_store(path) as store:
        forget_cards(store, ["quiz-1/001"], at_day(30))
    from flashdl.store import schema_version

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 10)  # flashdl as it was before schema 11
    monkeypatch.setattr(schema_version, "SCHEMA_VERSION", 10)
    with pytest.raises(NewerSchemaError, match="schema 11 is newer"):
        open_store(path)


def test_a_session_undo_of_a_grade_a_forget_followed_does_nothing(store: Store) -> None:
    """Browse forgot the card after the session graded it: the session's undo leaves the database
    as it is (the grade is no longer the card's latest change) and goes on to older actions."""
    from flashdl.services.study import StudySession

    deck_sync.sync_decks(store, [(make_deck("d", 2), None)], NOW)
    session = StudySession(store, NOW)
    first = session.next_card()
    assert first is not None
    session.answer(first.id, 5, NOW)
    second = session.next_card()
    assert second is not None and second.id != first.id
    session.answer(second.id, 5, NOW)
    forget_cards(store, [second.id], NOW)
    before = dump(store.path)
    with pytest.raises(UndoBlockedError, match=f"card {second.card} was forgotten on"):
        session.undo()  # it said None, which both screens read as "nothing to undo in this session"
    assert dump(store.path) == before
    undone = session.undo()  # the older grade, of the other card, is taken back as usual
    assert undone is not None and undone.card_id == first.id
    assert stored_state(store.path, first.card.split("/")[1]) == CardState()


def anki_queues_after(action: str, tmp_path: Path) -> tuple[int, int]:
    """The queue Anki (the `anki` package) leaves a suspended card and a buried one in after
    ``action`` (its queues: -1 suspended, -2/-3 buried, 0 new, 2 review)."""
    from anki.collection import Collection

    col = Collection(str(tmp_path / "c.anki2"))
    try:
        ids = []
        for front in ("a", "b"):
            note = col.new_note(col.models.by_name("Basic"))
            note["Front"], note["Back"] = front, "x"
            col.add_note(note, col.decks.id("Default"))
            ids.append(note.card_ids()[0])
        col.sched.suspend_cards([ids[0]])
        col.sched.bury_cards([ids[1]], manual=True)
        if action == "forget":
            col.sched.schedule_cards_as_new(ids)
        else:
            col.sched.set_due_date(ids, "3")
        return col.get_card(ids[0]).queue, col.get_card(ids[1]).queue
    finally:
        col.close()


@pytest.mark.parametrize("action", ["forget", "set-due"])
def test_both_put_a_suspended_or_buried_card_back_into_study_as_anki_does(
        store: Store, tmp_path: Path, action: str) -> None:
    """A suspended leech forgotten to be learnt again must come up; the leech tag stays."""
    pytest.importorskip("anki.collection")
    from flashdl.services.card_flags import bury_card, set_leech, suspend_card

    anki = anki_queues_after(action, tmp_path)
    assert all(queue >= 0 for queue in anki), anki  # neither suspended nor buried in Anki
    deck_sync.sync_decks(store, [(make_deck("quiz", 3), None)], NOW)
    suspend_card(store, "quiz/001")
    set_leech(store, "quiz/001", True)
    bury_card(store, "quiz/002", NOW)
    if action == "forget":
        forget_cards(store, ["quiz/001", "quiz/002"], NOW)
    else:
        set_due_cards(store, ["quiz/001", "quiz/002"], parse_due_spec("3"), NOW)
    db = sqlite3.connect(store.path)
    try:
        rows = db.execute("SELECT slug, suspended, buried_until, leech FROM card ORDER BY slug").fetchall()
    finally:
        db.close()
    assert rows == [("001", 0, None, 1), ("002", 0, None, 0), ("003", 0, None, 0)]
