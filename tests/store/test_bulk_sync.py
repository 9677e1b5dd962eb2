"""A large sync of new decks rebuilds the card indexes: same database, indexes kept, all or nothing."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from store_helpers import NOW, dump, make_deck

from flashdl.services import deck_sync
from flashdl.store import bulk, open_store


def _indexes(path: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()
    finally:
        db.close()


def test_bulk_sync_gives_the_database_a_row_by_row_sync_gives(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    decks = [(make_deck("a", 6), "a.yaml"), (make_deck("b", 4), "b.yaml")]
    with open_store(tmp_path / "slow.sqlite3") as store:
        deck_sync.sync_decks(store, decks, NOW)
    monkeypatch.setattr(bulk, "BULK_ROWS", 5)
    with open_store(tmp_path / "bulk.sqlite3") as store:

        deck_sync.sync_decks(store, decks, NOW)
        report = deck_sync.sync_decks(store, [(make_deck("a", 7), "a.yaml")], NOW)  # known deck
        assert (report.added, report.decks[0].unchanged) == (1, 6)
    with open_store(tmp_path / "slow.sqlite3") as store:
        deck_sync.sync_decks(store, [(make_deck("a", 7), "a.yaml")], NOW)
    assert _indexes(tmp_path / "bulk.sqlite3") == _indexes(tmp_path / "slow.sqlite3")
    # the same rows and schema; only the re-created indexes come later in sqlite_master
    assert sorted(dump(tmp_path / "bulk.sqlite3").splitlines()) == sorted(
        dump(tmp_path / "slow.sqlite3").splitlines())


def test_a_failed_bulk_sync_keeps_the_indexes_and_writes_nothing(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "BULK_ROWS", 2)
    path = tmp_path / "flashdl.sqlite3"
    with open_store(path) as store:
        before = _indexes(path)
        good = make_deck("good", 3)
        twice = make_deck("bad", 3)
        twice = replace(twice, cards=twice.cards + twice.cards[:1])  # a duplicate card id
        with pytest.raises(sqlite3.IntegrityError):
            deck_sync.sync_decks(store, [(good, "good.yaml"), (twice, "bad.yaml")], NOW)
        assert store.dbapi.execute("SELECT count(*) FROM card").fetchone() == (0,)
    assert _indexes(path) == before
    assert any(name == "ix_card_queue" for name, _sql in before)
