"""A database made by a real older flashdl (commit 25e94be, schema 9) opened by this one.

The fixture and how it was made: ``tests/fixtures/schema-9-by-25e94be.md``. Every reference here
is a plain sqlite3 read of the file and a slow SM-2 loop written from DESIGN §4, never flashdl's
own readers or scheduler.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from store_helpers import FIXTURES, NOW, dump

from flashdl.deck import files
from flashdl.deck.files import load_deck_file
from flashdl.services import browse
from flashdl.services.add_card import add_card
from flashdl.services.bundled_copies import deck_file_for_edit
from flashdl.store import SCHEMA_VERSION, open_store

FIXTURE = FIXTURES / "schema-9-by-25e94be.sqlite"
TABLES = ("deck", "card", "review_log", "setting", "practice_attempt")


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "flashdl.sqlite3"
    shutil.copy(FIXTURE, path)
    return path


def rows(path: Path, table: str) -> list[dict[str, Any]]:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
    finally:
        db.close()


def version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def sm2_replay(reviews: list[tuple[date, int]]) -> tuple[int, int, int, date | None, date | None, bool]:
    """DESIGN §4 as a slow loop: (n, EF per mille, I, due, last review, graded < 4 on it)."""
    n, ease, interval, due, last, pending = 0, 2500, 0, None, None, False
    for day, grade in reviews:
        if day == last:  # a same-day repeat: only whether the card comes back today
            pending = grade < 4
            continue
        if grade >= 3:
            interval = 1 if n == 0 else 6 if n == 1 else -(-interval * ease // 1000)
            n += 1
        else:
            n, interval = 0, 1
        q = 5 - grade
        ease = max(1300, ease + 100 - q * (80 + q * 20))
        due, last, pending = day + timedelta(days=interval), day, grade < 4
    return n, ease, interval, due, last, pending


def test_the_fixture_is_what_its_note_says() -> None:
    assert version(FIXTURE) == 9
    cards, log = rows(FIXTURE, "card"), rows(FIXTURE, "review_log")
    assert len(cards) == 104 and sum(c["suspended"] for c in cards) == 2
    assert sum(c["buried_until"] is not None for c in cards) == 1
    assert sum(r["typed_answer"] is not None for r in log) == 6 and len(log) == 238
    assert len(rows(FIXTURE, "practice_attempt")) == 4
    assert [(d["slug"], d["options"] is not None) for d in rows(FIXTURE, "deck")] == [
        ("lesson-6", True), ("quiz-3", True)]


def test_every_row_and_value_survives_the_upgrade_and_a_second_open_changes_nothing(old: Path) -> None:
    before = {table: rows(old, table) for table in TABLES}
    open_store(old).close()
    assert version(old) == SCHEMA_VERSION
    for table in TABLES:
        after = rows(old, table)
        assert len(after) == len(before[table]), table
        for was, now in zip(before[table], after, strict=True):
            assert {key: now[key] for key in was} == was, table
            added = {key: value for key, value in now.items() if key not in was}
            assert added in ({}, {"leech": 0}, {"leech_flags_before": None}), (table, added)
    upgraded = dump(old)
    open_store(old).close()
    assert dump(old) == upgraded


def test_every_cards_sm2_state_is_the_replay_of_its_log_after_the_upgrade(old: Path) -> None:
    open_store(old).close()
    fsrs_decks = {d["id"] for d in rows(old, "deck") if '"fsrs"' in (d["options"] or "")}
    assert fsrs_decks
    log: dict[int, list[tuple[date, int]]] = {}
    for review in rows(old, "review_log"):
        log.setdefault(review["card_id"], []).append((date.fromisoformat(review["study_day"]), review["grade"]))
    for card in rows(old, "card"):
        n, ease, interval, due, last, pending = sm2_replay(log.get(card["id"], []))
        sm2_due = card["sm2_due"] if card["deck_id"] in fsrs_decks and card["last_review"] else card["due"]
        assert (card["repetitions"], card["ease"], card["interval"], card["last_review"],
                bool(card["repeat_pending"])) == (n, ease, interval, last and last.isoformat(), pending)
        if last is not None:
            assert sm2_due == due.isoformat(), card["id"]  # type: ignore[union-attr]
        if card["deck_id"] in fsrs_decks and last is not None:
            assert card["fsrs_stability"] is not None and card["fsrs_difficulty"] is not None


def test_adding_a_card_after_the_upgrade_makes_the_users_copy_of_the_bundled_deck(old: Path) -> None:
    """The fixture's decks point into an install of flashdl that is gone (a new virtualenv):
    the card goes to the user's copy of this release's deck, history kept."""
    reviews_before = len(rows(old, "review_log"))
    release = files.bundled_decks_dir() / "lesson-6.yaml"
    with open_store(old) as store:
        history = len(browse.card_details(store, "lesson-6/001").history)
        card = add_card(store, "lesson-6", "my own front", "my own back", (), NOW)
        editable = deck_file_for_edit(store, "lesson-6", NOW)
        assert len(browse.card_details(store, "lesson-6/001").history) == history
    copy = old.parent / "flashdl.sqlite3.decks" / "lesson-6.yaml"
    assert editable.path == copy and editable.bundled_copy
    assert (old.parent / "flashdl.sqlite3.decks" / ".base" / "lesson-6.yaml").read_text() == release.read_text()
    added = load_deck_file(copy).cards[-1]
    assert (card, added.front, added.back) == (f"lesson-6/{added.id}", "my own front", "my own back")
    assert len(rows(old, "review_log")) == reviews_before
    assert [d["path"] for d in rows(old, "deck") if d["slug"] == "lesson-6"] == [str(copy.resolve())]
