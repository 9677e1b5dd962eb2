"""Practice runs against a real database: attempts recorded, the schedule untouched, the selection exact."""

from __future__ import annotations

import itertools
import random
import sqlite3
import tempfile
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashdl.deck.model import Card, Deck, EngineSpec
from flashdl.errors import UsageError
from flashdl.services.lookup import UnknownDeckError
from flashdl.services.practice import PracticeOptions, PracticeRun, choose_cards, practice_order
from flashdl.services.reviews import record_review
from flashdl.services.views import ComputedAnswer
from flashdl.store import SCHEMA_VERSION, Store, open_store
from flashdl.store import practice as practice_store
from flashdl.store.card_content import sync_deck
from flashdl.store.practice import ComputedCard, FamilyRecord

NOW = datetime(2025, 5, 6, 9, 30, tzinfo=UTC)  # 09:30 UTC: study day 2025-05-06 (rollover 04:00)
LINEAR = {"in_features": 3, "out_features": 2}


def linear_params(params: dict[str, Any]) -> int:
    """nn.Linear's parameter count, by hand: a weight per input-output pair, a bias per output."""
    n_in, n_out = params["in_features"], params["out_features"]
    return n_in * n_out + (n_out if params.get("bias", True) else 0)


def add(store: Store, deck: Deck) -> None:
    with store.write() as tx:
        sync_deck(tx, deck, None, 0)


def lin_deck(deck_id: str = "lin") -> Deck:
    return Deck(id=deck_id, name="Linear", cards=(
        Card(id="a", front="Params of Linear(3, 2)?", back="8", tags=("dense",),
             engine=EngineSpec("linear_param_count", LINEAR)),
        Card(id="plain", front="What is a neuron?", back="A weighted sum and a non-linearity."),
    ))


def card_rows(db_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as db:
        return db.execute("SELECT * FROM card ORDER BY id").fetchall()


def log_count(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        return int(db.execute("SELECT count(*) FROM review_log").fetchone()[0])


def test_attempts_are_recorded_and_the_schedule_is_untouched(tmp_path: Path) -> None:
    db_path = tmp_path / "flashdl.sqlite3"
    with open_store(db_path) as store:
        add(store, lin_deck())
        record_review(store, "lin/a", 4, NOW - timedelta(days=1))  # the card has a due date to keep
        cards_before, reviews_before = card_rows(db_path), log_count(db_path)
        seeds = itertools.count(100)
        run = PracticeRun(store, PracticeOptions(count=3), lambda: next(seeds))
        assert run.total == 3 and {card.full_id for card in run.plan} == {"lin/a"}
        items, typed = [], []
        for answer_kind in ("right", "wrong", "empty"):
            item = run.next_item()
            assert item is not None and item.card == "lin/a" and item.family == "linear_param_count"
            expected = linear_params(item.exercise.params)
            text = {"right": str(expected), "wrong": str(expected + 1), "empty": ""}[answer_kind]
            result = run.record(item, text, item.exercise.check(text), NOW, duration_ms=1500)
            assert result.correct is (answer_kind == "right")
            assert result.skipped is (answer_kind == "empty")
            items.append(item)
            typed.append(text)
        assert run.next_item() is None and (run.right, run.answered) == (1, 3)
        with store.read() as tx:
            logged = practice_store.attempts(tx)
    # fresh numbers: every variant is drawn by the engine from its own seed
    assert len({str(item.exercise.params) for item in items}) >= 2
    assert [(a.family, a.typed, a.correct) for a in logged] == [
        ("linear_param_count", typed[0], True), ("linear_param_count", typed[1], False),
        ("linear_param_count", "", False)]
    assert [a.params for a in logged] == [item.exercise.params for item in items]
    assert all(a.card_id == items[0].card_id and a.duration_ms == 1500 for a in logged)
    assert all(a.attempted_ms == int(NOW.timestamp() * 1000) and a.study_day == date(2025, 5, 6)
               for a in logged)
    # outside the schedule: no review-log row, not one card column changed (due, revision...)
    assert log_count(db_path) == reviews_before == 1
    assert card_rows(db_path) == cards_before


def test_each_attempt_is_committed_on_its_own(tmp_path: Path) -> None:
    db_path = tmp_path / "flashdl.sqlite3"
    with open_store(db_path) as store:
        add(store, lin_deck())
        run = PracticeRun(store, PracticeOptions(count=2), itertools.count(1).__next__)
        item = run.next_item()
        assert item is not None
        run.record(item, "1", item.exercise.check("1"), NOW)
        with sqlite3.connect(db_path) as other:  # another connection sees it before the run ends
            assert other.execute("SELECT count(*) FROM practice_attempt").fetchone()[0] == 1


def test_filters_that_match_nothing_or_do_not_exist(store: Store) -> None:
    add(store, lin_deck())
    with pytest.raises(UnknownDeckError):
        choose_cards(store, PracticeOptions(deck="nope"))
    with pytest.raises(UsageError, match="unknown family"):
        choose_cards(store, PracticeOptions(family="no_such_family"))
    run = PracticeRun(store, PracticeOptions(tag="absent"), itertools.count(1).__next__)
    assert run.total == 0 and run.next_item() is None


def card(family: str, n: int = 0) -> ComputedCard:
    return ComputedCard(n, "d", f"{family}-{n}", (), EngineSpec(family, {}), n)


def test_weakest_family_first_never_answered_before_all() -> None:
    cards = [card("strong"), card("weak", 1), card("fresh", 2), card("middle", 3), card("weak", 4)]
    records = {
        "strong": FamilyRecord(attempts=30, correct=28, recent=10, recent_correct=10),
        "weak": FamilyRecord(attempts=12, correct=9, recent=10, recent_correct=2),
        "middle": FamilyRecord(attempts=4, correct=2, recent=4, recent_correct=2),
    }
    order = practice_order(cards, records, count=7, rng=random.Random(1))
    # one per family per round, weakest (last-10 accuracy) first: fresh, weak 0.2, middle 0.5, strong 1.0
    assert [c.engine.family for c in order] == ["fresh", "weak", "middle", "strong",
                                                "fresh", "weak", "middle"]
    assert {order[1].id, order[5].id} == {1, 4}  # both weak cards before either repeats
    weakest_two = practice_order(cards, records, count=5, rng=random.Random(1), weakest=2)
    assert {c.engine.family for c in weakest_two} == {"fresh", "weak"}


def test_a_huge_count_deals_only_the_cards_the_run_reaches(store: Store) -> None:
    """--count accepts up to 10⁹: the run used to build that many cards up front (8 GB of
    references, the command hung before the first exercise); now it deals them as it goes."""
    add(store, lin_deck())
    tracemalloc.start()
    try:
        run = PracticeRun(store, PracticeOptions(count=10**6), itertools.count(1).__next__)
        assert run.total == 10**6
        for _ in range(3):
            item = run.next_item()
            assert item is not None and item.card == "lin/a"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000  # a list of 10⁶ cards alone is 8 MB
    assert run.plan[-1].full_id == "lin/a" and len(run.plan[2:5]) == 3


def test_the_plan_deals_round_by_round_as_the_rule_says() -> None:
    """The lazy plan against a slow re-statement of the rule: each round, one card per family in
    weakness order; each family's cards in a fresh shuffle of them every time they run out."""
    cards = [card("b", 1), card("a", 2), card("b", 3), card("c", 4), card("b", 5)]
    records = {"a": FamilyRecord(5, 1, 5, 1), "c": FamilyRecord(5, 4, 5, 4)}
    order = practice_order(cards, records, count=20, rng=random.Random(7))
    families = ["b", "a", "c"]  # b never answered, then a (1/5), then c (4/5)
    assert [c.engine.family for c in order] == (families * 7)[:20]
    b_cards = [c.id for c in order if c.engine.family == "b"]
    assert all(sorted(b_cards[i:i + 3]) == [1, 3, 5] for i in range(0, 6, 3))


def test_family_records_count_reviews_and_practice_newest_last_ten(store: Store) -> None:
    add(store, lin_deck())
    # 12 reviews with a typed answer, a day apart: right, wrong, right, ... (6 right)
    for day in range(12):
        record_review(store, "lin/a", 4, NOW - timedelta(days=40 - 3 * day),
                      answer=ComputedAnswer(LINEAR, "8", day % 2 == 0))
    run = PracticeRun(store, PracticeOptions(count=3), itertools.count(5).__next__)
    for _ in range(3):  # three wrong practice answers, the newest of all
        item = run.next_item()
        assert item is not None
        run.record(item, "", item.exercise.check(""), NOW)
    with store.read() as tx:
        record = practice_store.family_records(tx)["linear_param_count"]
    # last 10 by moment: the 3 practice answers (wrong) + reviews 11..5 (7 reviews: days 5,7,9,11
    # wrong, 6,8,10 right) -> 3 right
    assert record == FamilyRecord(attempts=15, correct=6, recent=10, recent_correct=3)


FAMILIES = ("linear_param_count", "softmax", "box_iou")
TAGS = ("a", "B", "c")


@st.composite
def collections(draw: st.DrawFn) -> list[tuple[str, list[tuple[str | None, tuple[str, ...], bool]]]]:
    """Decks of cards: (family or None for a plain card, tags, suspended)."""
    decks = []
    for deck_id in draw(st.lists(st.sampled_from(("d1", "d2", "d3")), min_size=1, max_size=3, unique=True)):
        cards = draw(st.lists(st.tuples(
            st.one_of(st.none(), st.sampled_from(FAMILIES)),
            st.lists(st.sampled_from(TAGS), max_size=2, unique=True).map(tuple),
            st.booleans(),
        ), max_size=6))
        decks.append((deck_id, cards))
    return decks


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(collections(), st.one_of(st.none(), st.sampled_from(("d1", "d2", "d3"))),
       st.one_of(st.none(), st.sampled_from(FAMILIES)), st.one_of(st.none(), st.sampled_from(("a", "b", "C"))))
def test_selection_is_exactly_the_matching_computed_cards(
    decks: list[tuple[str, list[tuple[str | None, tuple[str, ...], bool]]]],
    deck: str | None, family: str | None, tag: str | None,
) -> None:
    expected = set()
    with tempfile.TemporaryDirectory() as directory, open_store(Path(directory) / "p.sqlite3") as store:
        for deck_id, cards in decks:
            add(store, Deck(id=deck_id, name=deck_id, cards=tuple(
                Card(id=f"c{i}", front="f", back="b", tags=tags,
                     engine=None if fam is None else EngineSpec(fam, {}))
                for i, (fam, tags, _) in enumerate(cards))))
            for i, (fam, tags, suspended) in enumerate(cards):
                if suspended:
                    with store.write() as tx:
                        tx.db.execute("UPDATE card SET suspended = 1 WHERE slug = ? AND deck_id = "
                                      "(SELECT id FROM deck WHERE slug = ?)", (f"c{i}", deck_id))
                # the rule, stated independently: computed, active, and every filter given holds
                if (fam is not None and not suspended and deck in (None, deck_id)
                        and family in (None, fam)
                        and (tag is None or tag.lower() in {t.lower() for t in tags})):
                    expected.add(f"{deck_id}/c{i}")
        if deck is not None and deck not in {d for d, _ in decks}:
            with pytest.raises(UnknownDeckError):
                choose_cards(store, PracticeOptions(deck=deck, family=family, tag=tag))
            return
        chosen = choose_cards(store, PracticeOptions(deck=deck, family=family, tag=tag))
    assert sorted(c.full_id for c in chosen) == sorted(expected)


def test_schema_7_gains_the_practice_table_with_its_data_intact(tmp_path: Path) -> None:
    db_path = tmp_path / "flashdl.sqlite3"
    with open_store(db_path) as store:
        add(store, lin_deck())
        record_review(store, "lin/a", 5, NOW)
    db = sqlite3.connect(db_path)
    db.executescript("DROP TABLE practice_attempt; DROP INDEX ix_review_log_typed;"  # schema 9's options too
                     "ALTER TABLE deck DROP COLUMN options; ALTER TABLE card DROP COLUMN sm2_due;"
                     "ALTER TABLE card DROP COLUMN fsrs_stability; ALTER TABLE card DROP COLUMN fsrs_difficulty;"
                     "DROP INDEX ix_card_leech; ALTER TABLE card DROP COLUMN leech;"  # and schema 10's leeches
                     "ALTER TABLE review_log DROP COLUMN leech_flags_before; PRAGMA user_version = 7;")
    db.close()
    # Schema 10 appends a column to the log: its rows are compared up to it.
    kept = ("SELECT * FROM review_log ORDER BY id", "SELECT id, slug, front, back, due FROM card ORDER BY id",
            "SELECT id, slug, name FROM deck ORDER BY id")  # schema 9 adds columns; these rows stay as they were
    db = sqlite3.connect(db_path)
    before = [db.execute(query).fetchall() for query in kept]
    db.close()
    with open_store(db_path) as store:
        run = PracticeRun(store, PracticeOptions(), itertools.count(1).__next__)
        item = run.next_item()
        assert item is not None
        run.record(item, "0", item.exercise.check("0"), NOW)
    db = sqlite3.connect(db_path)
    after = [db.execute(query).fetchall() for query in kept]
    assert [row[:-1] for row in after[0]] == before[0] and {row[-1] for row in after[0]} == {None}
    assert after[1:] == before[1:]
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # and on through schema 10
    assert db.execute("SELECT count(*) FROM practice_attempt").fetchone()[0] == 1
    db.close()


def test_the_last_ten_read_the_typed_answers_index_not_the_log(store: Store) -> None:
    """All time: the review log's partial index of typed answers (schema 8); a period: its days."""
    from flashdl.store.practice import _PRACTICE_IN_DECK, _RECORDS, _REVIEW_IN_DECK

    with store.read() as tx:
        for deck_filter in (("", ""), (_REVIEW_IN_DECK, _PRACTICE_IN_DECK)):
            for days, index in ((" AND +l.study_day <= :last", "COVERING INDEX ix_review_log_typed"),
                                (" AND l.study_day >= :first AND l.study_day <= :last", "ix_review_log_day")):
                sql = _RECORDS.format(review_deck=deck_filter[0], practice_deck=deck_filter[1],
                                      review_days=days, practice_days="")
                plan = " | ".join(row[3] for row in tx.db.execute(
                    f"EXPLAIN QUERY PLAN {sql}", {"recent": 10, "deck_id": 1, "first": "", "last": ""}))
                assert index in plan or (deck_filter[0] and "ix_review_log_typed (card_id=?)" in plan), plan
                # never the whole log: only the partial index of typed answers is scanned
                assert "SCAN l" not in plan.replace("SCAN l USING COVERING INDEX ix_review_log_typed", ""), plan
