"""Leeches through the command line and out of it: review output, stats, the history side file
(`export --with-history`), and Anki's `leech` note tag in an .apkg."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from transfer_helpers import deck_yaml, ok

DAYS = [f"2024-01-0{day}T09:00:00+00:00" for day in range(1, 10)]


def leech_flags(path: Path, card: str) -> tuple[int, int]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT leech, suspended FROM card WHERE slug = ?", (card,)).fetchone()
    finally:
        con.close()


@pytest.fixture
def leeched(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Deck `d` (threshold 3): card 001 failed on 3 days after its first review, a leech."""
    deck = tmp_path / "d.yaml"
    deck.write_text(deck_yaml("d", 3))
    ok(capsys, "import", str(deck))
    ok(capsys, "deck", "options", "d", "--leech-threshold", "3")
    ok(capsys, "review", "--card", "d/001", "--grade", "5", "--now", DAYS[0])
    lines = [json.loads(ok(capsys, "review", "--card", "d/001", "--grade", "1", "--now", day, "--json"))
             for day in DAYS[1:4]]
    assert [line["leech"] for line in lines] == [False, False, True]
    return db


def test_review_says_so_and_stats_count_it(leeched: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert leech_flags(leeched, "001") == (1, 1)
    text = ok(capsys, "review", "--card", "d/002", "--grade", "5", "--now", DAYS[4])
    assert "leech" not in text
    stats = json.loads(ok(capsys, "stats", "--json", "--now", DAYS[4]))
    assert stats["cards"]["leeches"] == 1 and stats["cards"]["suspended"] == 1
    assert "1 leech" in ok(capsys, "stats", "--now", DAYS[4])
    # The tag-only action, as plain output: the line says so, the card stays in study.
    ok(capsys, "deck", "options", "d", "--leech-action", "tag", "--leech-threshold", "1")
    ok(capsys, "review", "--card", "d/003", "--grade", "5", "--now", DAYS[4])
    out = ok(capsys, "review", "--card", "d/003", "--grade", "0", "--now", DAYS[5])
    assert "d/003 is a leech" in out and "tagged leech" in out and "suspended" not in out.splitlines()[-1]
    assert leech_flags(leeched, "003") == (1, 0)


def test_history_side_file_and_apkg_carry_it(leeched: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "export" / "d.yaml"
    out.parent.mkdir()
    ok(capsys, "export", "d", "--format", "yaml", "--with-history", "--out", str(out))
    saved = json.loads((tmp_path / "export" / "d.history.json").read_text())
    assert [c.get("leech", False) for c in saved["cards"]] == [True]
    package = tmp_path / "d.apkg"
    ok(capsys, "export", "d", "--format", "apkg", "--out", str(package))
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp_path / "apkg")
    con = sqlite3.connect(tmp_path / "apkg" / "collection.anki2")
    tags = sorted(con.execute("SELECT tags FROM notes").fetchall())
    con.close()
    assert sum("leech" in t.split() for (t,) in tags) == 1  # Anki's note tag, on the one leech
    second = tmp_path / "second.sqlite3"
    monkeypatch.setenv("FLASHDL_DB", str(second))
    ok(capsys, "import", str(out), "--with-history")
    assert leech_flags(second, "001") == (1, 1) and leech_flags(second, "002") == (0, 0)
