"""Round trips through every format, for every bundled deck: nothing is lost on the way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from transfer_helpers import CARDS, dump, ok, run

from flashdl.deck.files import load_deck_file

BUNDLED = sorted(CARDS.glob("*.yaml"))
pytestmark = pytest.mark.skipif(not BUNDLED, reason="no bundled decks in cards/")


def _deck_ids() -> list[str]:
    return [load_deck_file(path).id for path in BUNDLED]


def _exported_deck(capsys: pytest.CaptureFixture[str], deck_id: str, out: Path) -> object:
    ok(capsys, "export", deck_id, "--format", "yaml", "--out", str(out))
    return load_deck_file(out)


def test_yaml_db_yaml_gives_every_bundled_deck_back(db: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "import", *map(str, BUNDLED))
    for path in BUNDLED:
        original = load_deck_file(path)
        out = tmp_path / f"{original.id}.yaml"
        assert _exported_deck(capsys, original.id, out) == original  # cards, tags, engine, errata
        assert out.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")  # byte for byte
    before = _content(db)
    ok(capsys, "import", *(str(tmp_path / f"{load_deck_file(p).id}.yaml") for p in BUNDLED))
    assert _content(db) == before


@pytest.mark.parametrize("fmt", ["apkg", "csv", "tsv"])
def test_db_format_db_is_lossless_for_every_bundled_deck(
    fmt: str, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ok(capsys, "import", "--bundled")
    files = []
    for deck_id in _deck_ids():
        out = tmp_path / f"{deck_id}.{fmt}"
        ok(capsys, "export", deck_id, "--format", fmt, "--out", str(out))
        files.append(out)
    second = tmp_path / "second.sqlite3"
    monkeypatch.setenv("FLASHDL_DB", str(second))
    ok(capsys, "import", *map(str, files))
    for path in BUNDLED:
        original = load_deck_file(path)
        assert _exported_deck(capsys, original.id, tmp_path / f"back-{original.id}.yaml") == original
    assert _content(db) == _content(second)


def _content(path: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT d.slug, d.name, d.description, d.source, d.tags, c.slug, c.position, c.front, "
            "c.back, c.tags, c.engine, c.errata FROM card c JOIN deck d ON d.id = c.deck_id "
            "ORDER BY d.slug, c.position").fetchall()
    finally:
        con.close()


def test_reimporting_an_export_changes_nothing(db: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "import", "--bundled")
    out = tmp_path / "quiz.apkg"
    deck_id = _deck_ids()[0]
    ok(capsys, "export", deck_id, "--format", "apkg", "--out", str(out))
    before = _content(db)
    ok(capsys, "import", str(out))
    assert _content(db) == before


def _review(capsys: pytest.CaptureFixture[str], card: str, grade: int, when: str) -> None:
    ok(capsys, "review", "--card", card, "--grade", str(grade), "--now", when)


REVIEWS = [  # (card index, grade, moment): new, same-day drill, lapse, reviews
    (0, 4, "2024-01-01T09:00:00+00:00"), (0, 2, "2024-01-02T09:00:00+00:00"),
    (0, 5, "2024-01-02T09:05:00+00:00"), (0, 4, "2024-01-03T09:00:00+00:00"),
    (0, 3, "2024-01-09T21:00:00+00:00"), (1, 0, "2024-01-01T10:00:00+00:00"),
    (1, 5, "2024-01-05T03:30:00+00:00"), (2, 5, "2024-01-04T12:00:00+00:00"),
]


def _card_state(path: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT c.slug, repetitions, ease, interval, due, last_review, repeat_pending, suspended "
            "FROM card c ORDER BY c.deck_id, c.position").fetchall()
    finally:
        con.close()


def _log(path: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        columns = [row[1] for row in con.execute("PRAGMA table_info(review_log)") if row[1] != "id"]
        return con.execute(f"SELECT {', '.join(columns)} FROM review_log ORDER BY reviewed_ms").fetchall()
    finally:
        con.close()


@pytest.fixture
def reviewed(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str, Path]:
    """A database with one bundled deck and a history of mixed reviews (tz UTC, rollover 4h)."""
    deck_file = BUNDLED[0]
    deck = load_deck_file(deck_file)
    ok(capsys, "import", str(deck_file))
    for index, grade, when in REVIEWS:
        _review(capsys, f"{deck.id}/{deck.cards[index].id}", grade, when)
    ok(capsys, "review", "--card", f"{deck.id}/{deck.cards[3].id}", "--grade", "4")
    return db, deck.id, deck_file


@pytest.mark.parametrize("name", ["history.csv", "revlog.csv"])  # Anki columns / fsrs-optimizer
def test_review_log_csv_rebuilds_the_same_states(
    name: str, reviewed: tuple[Path, str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, deck_id, deck_file = reviewed
    out = tmp_path / name
    ok(capsys, "export", deck_id, "--format", "revlog", "--out", str(out))
    header = out.read_text().splitlines()[0]
    assert header.startswith("card_id,review_time" if name == "revlog.csv" else "id,cid,usn,ease")
    second = tmp_path / "second.sqlite3"
    monkeypatch.setenv("FLASHDL_DB", str(second))
    ok(capsys, "import", str(deck_file))
    ok(capsys, "import", str(out), "--format", "revlog")
    if name == "history.csv":  # the grade column carries SM-2's q exactly
        assert _card_state(second) == _card_state(db)
        assert _log(second) == _log(db)
    else:  # fsrs ratings 1..4 lose q 0..2 and the E-Factor; intervals of passing reviews agree
        assert [row[:2] for row in _card_state(second)] == [row[:2] for row in _card_state(db)]
    before = dump(second)
    ok(capsys, "import", str(out), "--format", "revlog")  # the same reviews again: no change
    assert dump(second) == before


def test_yaml_with_history_side_file_restores_every_row(
    reviewed: tuple[Path, str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, deck_id, _deck_file = reviewed
    from flashdl.services.card_flags import suspend_card
    from flashdl.store import open_store

    with open_store(db) as store:
        suspend_card(store, f"{deck_id}/{load_deck_file(_deck_file).cards[5].id}")
    out = tmp_path / "export" / f"{deck_id}.yaml"
    out.parent.mkdir()
    ok(capsys, "export", deck_id, "--format", "yaml", "--with-history", "--out", str(out))
    assert sorted(p.name for p in out.parent.iterdir()) == [f"{deck_id}.history.json", f"{deck_id}.yaml"]
    second = tmp_path / "second.sqlite3"
    monkeypatch.setenv("FLASHDL_DB", str(second))
    code, _out, err = run(capsys, "import", str(out), "--with-history")
    assert code == 0, err
    assert _card_state(second) == _card_state(db)
    assert _log(second) == _log(db)


def test_history_import_into_a_card_with_reviews_merges_and_replays(
    reviewed: tuple[Path, str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, deck_id, deck_file = reviewed
    out = tmp_path / "history.csv"
    ok(capsys, "export", deck_id, "--format", "revlog", "--out", str(out))
    second = tmp_path / "second.sqlite3"
    monkeypatch.setenv("FLASHDL_DB", str(second))
    ok(capsys, "import", str(deck_file))
    deck = load_deck_file(deck_file)
    for index, grade, when in REVIEWS[:3]:  # part of the history happened here already
        _review(capsys, f"{deck.id}/{deck.cards[index].id}", grade, when)
    ok(capsys, "import", str(out), "--format", "revlog")
    assert _card_state(second) == _card_state(db)
    assert _log(second) == _log(db)


FOOTER = "How well did you know this?\n1\nNot at all\n2\n3\n4\n5\nPerfectly\n"


@pytest.mark.parametrize("fmt", ["auto", "brainscape"])
def test_flashcard_export_text_goes_straight_into_the_database(
        fmt: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "pooling.txt"
    source.write_text("Pooling Basics Flashcards\n\n1\nQ\n\nWhat does max pooling keep?\n\nA\n\n"
                      "The largest value in each window\n\n" + FOOTER, encoding="utf-8")
    out = ok(capsys, "import", str(source), "--format", fmt)
    assert "pooling-basics-flashcards" in out
    exported = tmp_path / "back.yaml"
    deck = _exported_deck(capsys, "pooling-basics-flashcards", exported)
    assert [(c.id, c.front, c.back) for c in deck.cards] == [  # type: ignore[attr-defined]
        ("001", "What does max pooling keep?", "The largest value in each window")]
    ok(capsys, "import", str(source), "--format", fmt, "--deck", "pool")
    assert "pool" in ok(capsys, "decks")


@pytest.mark.parametrize(("name", "fmt"), [("plain.tsv", ()), ("plain.tsv", ("--format", "tsv")),
                                            ("plain.csv", ()), ("plain.csv", ("--format", "csv"))])
def test_text_files_split_on_the_separator_their_format_names(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, fmt: tuple[str, ...]
) -> None:
    """A ``.tsv`` splits on tabs and a ``.csv`` on commas, whether the format is named or found
    from the suffix (a ``.tsv`` found by its suffix was once read as CSV: "What is 1,2?" lost
    its ", 2?")."""
    separator = "\t" if name.endswith(".tsv") else ","
    path = tmp_path / name
    path.write_text(f'"What is 1,2?"{separator}"a\tb"\n' if separator == "," else "What is 1,2?\ta b\n")
    ok(capsys, "import", str(path), "--deck", "z", *fmt)
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT front, back FROM card").fetchall() == [
            ("What is 1,2?", "a\tb" if separator == "," else "a b")]
    finally:
        con.close()
