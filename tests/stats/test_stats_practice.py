"""Mastery per family in the statistics: reviews and practice attempts, accuracy over the last 10."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from stats_helpers import add_deck, grade

from flashdl.cli import main
from flashdl.services.stats import collection_stats, stats_of_file
from flashdl.store import Store
from flashdl.store import practice as practice_store
from flashdl.store.records import to_ms

NOW = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def history(store: Store) -> Store:
    add_deck(store, "q", 3, families={0: "softmax", 1: "dropout"})
    add_deck(store, "r", 1, families={0: "softmax"})
    # softmax, deck q: 8 reviews, days 20..13 ago, right when even (4 right)
    for i in range(8):
        grade(store, "q/000", 4, NOW - timedelta(days=20 - i), typed_correct=i % 2 == 0)
    # dropout: one review 40 days ago (outside a 30-day window), right
    grade(store, "q/001", 4, NOW - timedelta(days=40), typed_correct=True)
    return store


def test_engine_rows_count_reviews_and_practice(history: Store) -> None:
    with history.write() as tx:  # practice attempts name their family themselves
        ids = dict(tx.db.execute("SELECT slug || d, c.id FROM card AS c JOIN (SELECT id AS did, slug AS d "
                                 "FROM deck) ON did = c.deck_id").fetchall())
        for i, correct in enumerate((True, True, False, True)):  # 4 softmax practice answers, newest
            practice_store.append_attempt(tx, card_id=ids["000q"], family="softmax", params={}, typed="x",
                                          correct=correct, duration_ms=0,
                                          attempted_ms=to_ms(NOW - timedelta(days=2 - i / 2)),
                                          day=(NOW - timedelta(days=2 - i / 2)).date())
        practice_store.append_attempt(tx, card_id=ids["000r"], family="softmax", params={}, typed="x",
                                      correct=False, duration_ms=0, attempted_ms=to_ms(NOW),
                                      day=NOW.date())
    engine = {row["family"]: row for row in collection_stats(history, NOW).to_json()["engine"]}
    # softmax over all decks: 8 reviews (4 right) + 5 practice (3 right), all in the window
    # last 10 by moment: 5 practice (3 right) + reviews i = 7..3 (right: 6, 4 -> 2) = 5 right
    assert engine["softmax"] == {"family": "softmax", "attempts": 13, "correct": 7, "last10": 5,
                                 "last10_attempts": 10, "practice": 5}
    # dropout: its only answer is outside the window, so no row for it
    assert "dropout" not in engine
    deck_q = {row["family"]: row for row in collection_stats(history, NOW, "q").to_json()["engine"]}
    # deck q only: r's practice answer is left out: 4 practice (3 right); last 10 = 4 practice
    # (3 right) + reviews 7..2 (right: 6, 4, 2 -> 3) = 6
    assert deck_q["softmax"] == {"family": "softmax", "attempts": 12, "correct": 7, "last10": 6,
                                 "last10_attempts": 10, "practice": 4}


def test_a_family_answered_only_in_practice_has_a_row(store: Store, db_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    add_deck(store, "p", 1, families={0: "box_iou"})
    with store.write() as tx:
        card_id = tx.db.execute("SELECT id FROM card").fetchone()[0]
        for correct in (False, True, True):
            practice_store.append_attempt(tx, card_id=card_id, family="box_iou", params={}, typed="0.5",
                                          correct=correct, duration_ms=10, attempted_ms=to_ms(NOW),
                                          day=NOW.date())
    row = {"family": "box_iou", "attempts": 3, "correct": 2, "last10": 2, "last10_attempts": 3,
           "practice": 3}
    assert collection_stats(store, NOW).to_json()["engine"] == [row]
    store.close()
    assert stats_of_file(db_path, NOW).to_json()["engine"] == [row]  # the plain reader agrees
    assert main(["stats", "--json", "--db", str(db_path), "--now", NOW.isoformat()]) == 0
    assert json.loads(capsys.readouterr().out)["engine"] == [row]
