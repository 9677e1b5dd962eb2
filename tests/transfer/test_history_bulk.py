"""The bulk path of a large history import: indexes dropped, rows loaded, indexes rebuilt."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from transfer_helpers import deck_yaml, dump, ok, run

from flashdl.errors import InputError
from flashdl.store import bulk as store_access


def _indexes(db: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                           "AND tbl_name = 'review_log' ORDER BY name").fetchall()
    finally:
        con.close()


def _history(path: Path, cards: int, reviews: int) -> Path:
    lines = ["card_id,review_time,review_rating,review_state,review_duration"]
    for card in range(1, cards + 1):
        for k in range(reviews):
            lines.append(f"bulk/{card:03d},{1_700_000_000_000 + k * 86_400_000 + card},3,2,500")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_bulk_import_keeps_the_indexes_and_the_log(db: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    deck = tmp_path / "bulk.yaml"
    deck.write_text(deck_yaml("bulk", 20), encoding="utf-8")
    ok(capsys, "import", str(deck))
    indexes = _indexes(db)
    assert indexes
    monkeypatch.setattr(store_access, "BULK_ROWS", 10)
    before = dump(db)
    good = _history(tmp_path / "good.csv", 20, 5)

    def fail_after_the_rows(*_args: object) -> None:
        raise InputError("simulated failure after the rows were loaded")

    with monkeypatch.context() as patch:
        patch.setattr(store_access, "save_states", fail_after_the_rows)
        code, _out, err = run(capsys, "import", str(good))
    assert code == 2 and "simulated failure" in err
    assert dump(db) == before and _indexes(db) == indexes  # rolled back, indexes included
    ok(capsys, "import", str(good))
    assert _indexes(db) == indexes
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM review_log").fetchone()[0] == 100
        assert con.execute("SELECT count(*) FROM review_log INDEXED BY ix_review_log_card "
                           "WHERE card_id = 3").fetchone()[0] == 5
    finally:
        con.close()
