"""Forget and Set due date rows are no reviews: every figure that counts reviews equals a recount
with plain sqlite3 over the graded rows only (kinds 0-2), on a log that holds both."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flashdl.deck.model import Card, Deck
from flashdl.scheduler.due_spec import parse_due_spec
from flashdl.services import browse, deck_sync, fsrs_evidence
from flashdl.services.manual_schedule import forget_cards, set_due_cards
from flashdl.services.reviews import record_review
from flashdl.services.stats import collection_stats
from flashdl.store import open_store

START = datetime(2024, 3, 1, 12, tzinfo=UTC)


def graded_rows(path: Path) -> list[tuple[int, str, int, int, int]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT card_id, study_day, kind, grade, interval_before FROM review_log "
                          "WHERE kind IN (0, 1, 2) ORDER BY id").fetchall()
    finally:
        db.close()


def test_stats_search_and_fsrs_histories_count_graded_rows_only(tmp_path: Path) -> None:
    deck = Deck(id="d", name="D", cards=tuple(Card(id=f"{i}", front=f"Q{i}", back="A") for i in range(6)))
    with open_store(tmp_path / "db.sqlite3") as store:
        deck_sync.sync_decks(store, [(deck, None)], START)
        for offset in range(0, 12, 2):
            for i in range(4):
                record_review(store, f"d/{i}", (offset + i) % 6, START + timedelta(days=offset))
        # day 13: only a forget and a set due date (no review: no streak day); day 14 (today): one
        # review and both actions, on reviewed and never-reviewed cards
        forget_cards(store, ["d/0", "d/4"], START + timedelta(days=13))
        set_due_cards(store, ["d/1", "d/5"], parse_due_spec("2"), START + timedelta(days=13))
        now = START + timedelta(days=14)
        record_review(store, "d/2", 4, now)
        forget_cards(store, ["d/1", "d/2"], now)
        set_due_cards(store, ["d/3", "d/4"], parse_due_spec("0-3!"), now)
        record_review(store, "d/1", 5, now)
        report = collection_stats(store, now, days=30)
        rows = graded_rows(store.path)
        today = report.today.isoformat()
        assert today == "2024-03-15"
        todays = [r for r in rows if r[1] == today]
        assert report.studied_today[:3] == (len(todays), sum(r[3] >= 3 for r in todays),
                                           sum(r[2] == 0 for r in todays))
        per_day = Counter(r[1] for r in rows)
        assert {d.date.isoformat(): d.count for d in report.reviews_by_day if d.count} == dict(per_day)
        assert report.streak_days == 1  # today only: day 13 held no review, only a forget and a set due
        young = [r for r in rows if r[2] == 1 and r[4] < 21]
        assert report.retention.young_reviews == len(young)
        assert report.retention.young == sum(r[3] >= 3 for r in young) / len(young)
        reviewed = Counter(r[0] for r in rows)
        for count in range(1, 9):
            hits = browse.search_cards(store, "", props=[("reviews", "=", count)])
            db = sqlite3.connect(store.path)
            ids = dict(db.execute("SELECT id, slug FROM card").fetchall())
            db.close()
            assert sorted(h.card for h in hits) == sorted(f"d/{ids[c]}" for c, n in reviewed.items() if n == count)
        # FSRS histories: the graded rows after each card's last forget, with no manual row in them
        histories, _reviewed = fsrs_evidence._histories(store, "d")
        db = sqlite3.connect(store.path)
        logs = db.execute("SELECT card_id, kind, study_day, grade FROM review_log ORDER BY card_id, id").fetchall()
        db.close()
        expected: dict[int, list[tuple[date, int]]] = {}
        for card_id, kind, day, grade in logs:
            if kind == 3:
                expected[card_id] = []
            elif kind < 3:
                expected.setdefault(card_id, []).append((date.fromisoformat(day), grade))
        assert sorted(histories) == sorted(h for h in expected.values() if h)
