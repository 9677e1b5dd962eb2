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


def test_side_file_keeps_the_flags_undo_restores(leeched: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The review that made 001 a leech carries its flags before (neither leech nor suspended);
    a history import restores them, so undoing that review there puts the card back as it was."""
    from flashdl.services.reviews import undo_last_review
    from flashdl.store import open_store

    out = tmp_path / "export" / "d.yaml"
    out.parent.mkdir()
    ok(capsys, "export", "d", "--format", "yaml", "--with-history", "--out", str(out))
    side = tmp_path / "export" / "d.history.json"
    saved = json.loads(side.read_text())
    reviews = saved["cards"][0]["reviews"]
    assert [r.get("leech_flags_before") for r in reviews] == [None, None, None, 0]
    assert ["leech_flags_before" in r for r in reviews] == [False, False, False, True]  # only when set
    second = tmp_path / "second.sqlite3"
    monkeypatch.setenv("FLASHDL_DB", str(second))
    ok(capsys, "import", str(out), "--with-history")
    again = tmp_path / "again" / "d.yaml"
    again.parent.mkdir()
    ok(capsys, "export", "d", "--format", "yaml", "--with-history", "--out", str(again))
    assert (tmp_path / "again" / "d.history.json").read_text() == side.read_text()
    with open_store(second) as store:
        undone = undo_last_review(store, card="d/001")
    assert undone is not None and undone.grade == 1
    assert leech_flags(second, "001") == (0, 0)  # as before the leech-making lapse


@pytest.mark.parametrize("value", ["true", "4", "-1", "\"1\"", "1.5"])
def test_a_bad_leech_flags_before_is_refused(leeched: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], value: str) -> None:
    from transfer_helpers import run

    out = tmp_path / "export" / "d.yaml"
    out.parent.mkdir()
    ok(capsys, "export", "d", "--format", "yaml", "--with-history", "--out", str(out))
    side = tmp_path / "export" / "d.history.json"
    side.write_text(side.read_text().replace('"leech_flags_before": 0', f'"leech_flags_before": {value}'))
    second = tmp_path / "second.sqlite3"
    monkeypatch.setenv("FLASHDL_DB", str(second))
    code, stdout, stderr = run(capsys, "import", str(out), "--with-history")
    assert code == 2 and "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "d.history.json" in lines[0] and "leech_flags_before" in lines[0]
    assert "'001'" in lines[0]


@pytest.mark.parametrize(("name", "separator"), [("d.csv", ","), ("d.tsv", "\t")])
def test_text_export_tags_the_leech_as_the_apkg_does(leeched: Path, tmp_path: Path, name: str, separator: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import csv

    out = tmp_path / name
    ok(capsys, "export", "d", "--format", name.split(".")[1], "--out", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    headers = [line for line in lines if line.startswith("#")]
    tags_column = next(int(line.split(":")[1]) for line in headers if line.startswith("#tags column:"))
    rows = list(csv.reader([line for line in lines if not line.startswith("#")], delimiter=separator))
    tags = {row[4]: row[tags_column - 1].split() for row in rows}  # the Card field: DECK/CARD
    assert "leech" in tags["d/001"]
    assert all("leech" not in tags[card] for card in tags if card != "d/001")


@pytest.mark.parametrize(("fmt", "flags"), [
    ("csv", ()), ("tsv", ()), ("apkg", ()), ("apkg", ("--with-history",))])
def test_an_exported_leech_comes_back_a_leech(leeched: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], fmt: str,
                                              flags: tuple[str, ...]) -> None:
    """Anki's `leech` note tag, which every export writes for a leech, is flashdl's leech flag
    when it comes back (it came back an ordinary tag from an .apkg, or not at all from CSV/TSV,
    and the statistics counted no leech); an Anki leech comes in the same way."""
    out = tmp_path / f"d.{fmt}"
    ok(capsys, "export", "d", "--format", fmt, "--out", str(out), *flags)
    second = tmp_path / "second.sqlite3"
    monkeypatch.setenv("FLASHDL_DB", str(second))
    ok(capsys, "import", str(out), *flags)
    assert leech_flags(second, "001")[0] == 1 and leech_flags(second, "002")[0] == 0
    shown = json.loads(ok(capsys, "show", "d/001", "--json"))
    assert "leech" not in shown["tags"]  # a flag, not a tag of the card's text
    assert json.loads(ok(capsys, "stats", "--json", "--now", DAYS[4]))["cards"]["leeches"] == 1
    assert leech_flags(second, "001")[1] == (1 if flags else 0)  # suspension travels with history only


def test_an_imported_review_log_makes_the_leeches_its_lapses_made(
        leeched: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A review log replayed into a deck with the same threshold (3) flags the card its three
    lapses made a leech, as reviews made here would; it does not suspend it (a log does not say
    the card stayed suspended). It flagged none. Under Anki's default threshold, 8: no leech."""
    log = tmp_path / "d.revlog.csv"
    ok(capsys, "export", "d", "--format", "revlog", "--out", str(log))
    deck = tmp_path / "d.yaml"
    for threshold, flags in ((3, (1, 0)), (None, (0, 0))):
        second = tmp_path / f"second-{threshold}.sqlite3"
        monkeypatch.setenv("FLASHDL_DB", str(second))
        ok(capsys, "import", str(deck))
        if threshold is not None:
            ok(capsys, "deck", "options", "d", "--leech-threshold", str(threshold))
        ok(capsys, "import", str(log))
        assert leech_flags(second, "001") == flags and leech_flags(second, "002") == (0, 0)
