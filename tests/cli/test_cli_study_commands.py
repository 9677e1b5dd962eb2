"""decks, due, review and import through ``flashdl.cli.main`` (DESIGN §3 shapes)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import NOW, deck_text, dump, run, run_json

from flashdl.store import SCHEMA_VERSION


@pytest.fixture
def deck_file(tmp_path: Path) -> Path:
    path = tmp_path / "quiz.yaml"
    path.write_text(deck_text("quiz", 3))
    return path


@pytest.fixture
def imported(db: Path, deck_file: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    code, _out, err = run(capsys, "import", str(deck_file), "--now", NOW)
    assert code == 0, err
    return db


def test_import_creates_the_database_and_is_idempotent(
    imported: Path, deck_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert imported.exists()
    report = run_json(capsys, "import", str(deck_file))
    assert report == {"decks": [{"deck": "quiz", "path": str(deck_file.resolve()), "added": 0,
                                 "updated": 0, "retired": 0, "restored": 0, "unchanged": 3}]}


def test_decks_json_shape(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "decks", "--now", NOW) == [
        {"id": "quiz", "name": "Deck quiz", "total": 3, "new": 3, "learning": 0, "due": 0,
         "suspended": 0}
    ]
    code, out, _ = run(capsys, "decks", "--now", NOW)
    assert code == 0 and "quiz" in out and "learning" in out


def test_due_json_shape_and_limit(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    due = run_json(capsys, "due", "--now", NOW, "--limit", "2")
    assert due == [
        {"card": "quiz/001", "front": "Question 1", "kind": "new", "due": "2024-03-01"},
        {"card": "quiz/002", "front": "Question 2", "kind": "new", "due": "2024-03-01"},
    ]
    run_json(capsys, "review", "--card", "quiz/001", "--grade", "2", "--now", NOW)
    kinds = {d["card"]: d["kind"] for d in run_json(capsys, "due", "quiz", "--now", NOW)}
    assert kinds == {"quiz/002": "new", "quiz/003": "new", "quiz/001": "learning"}
    later = run_json(capsys, "due", "--now", "2024-03-02T10:00:00+00:00")
    assert later[0] == {"card": "quiz/001", "front": "Question 1", "kind": "review", "due": "2024-03-02"}


def test_review_json_shape(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = run_json(capsys, "review", "--card", "quiz/001", "--grade", "4", "--now", NOW)
    assert first == {"card": "quiz/001", "grade": 4, "reviewed_at": NOW, "repetitions": 1,
                     "ease": 2.5, "interval": 1, "due": "2024-03-02", "leech": False}
    second = run_json(capsys, "review", "--card", "quiz/001", "--grade", "3",
                      "--now", "2024-03-02T09:00:00+00:00")
    # n=1 -> I=6; EF = 2.5 - 0.14 = 2.36
    assert (second["repetitions"], second["ease"], second["interval"], second["due"]) == (
        2, 2.36, 6, "2024-03-08")
    code, out, _ = run(capsys, "review", "--card", "quiz/002", "--grade", "5", "--now", NOW)
    assert code == 0 and "quiz/002" in out and "2024-03-02" in out


def test_batch_applies_in_order(imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "b.jsonl"
    batch.write_text(
        '{"card": "quiz/001", "grade": 5, "at": "2024-03-01T10:00:00+00:00"}\n'
        "\n"
        '{"card": "quiz/001", "grade": 5, "at": "2024-03-02T10:00:00+00:00"}\n'
        '{"card": "quiz/002", "grade": 1}\n'
    )
    code, out, err = run(capsys, "review", "--batch", str(batch), "--json", "--now", NOW)
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(r["card"], r["interval"], r["due"]) for r in lines] == [
        ("quiz/001", 1, "2024-03-02"), ("quiz/001", 6, "2024-03-08"), ("quiz/002", 1, "2024-03-02")]
    assert lines[2]["reviewed_at"] == NOW
    assert set(lines[0]) == {"card", "grade", "reviewed_at", "repetitions", "ease", "interval", "due", "leech"}


BAD_BATCHES = {
    "malformed": ('{"card": "quiz/001", "grade": 4}\n{"card": "quiz/002", "grade": 4\n', "b.jsonl:2"),
    "unknown card": ('{"card": "quiz/001", "grade": 4}\n{"card": "quiz/404", "grade": 4}\n', "b.jsonl:2: unknown card"),
    "grade": ('{"card": "quiz/001", "grade": 4}\n{"card": "quiz/002", "grade": 9}\n', "b.jsonl:2"),
    "bool grade": ('{"card": "quiz/002", "grade": true}\n', "b.jsonl:1"),
    "bad at": ('{"card": "quiz/001", "grade": 4, "at": "tuesday"}\n', "b.jsonl:1"),
    "unknown key": ('{"card": "quiz/001", "grade": 4, "grdae": 5}\n', "b.jsonl:1: unknown key"),
    "not an object": ('[1, 2]\n', "b.jsonl:1"),
    "time travel": ('{"card": "quiz/001", "grade": 4, "at": "2024-03-01T10:00:00+00:00"}\n'
                    '{"card": "quiz/001", "grade": 4, "at": "2024-02-27T10:00:00+00:00"}\n', "b.jsonl:2"),
    "future": ('{"card": "quiz/001", "grade": 4, "at": "2024-03-05T10:00:00+00:00"}\n', "b.jsonl:1"),
    "empty": ("\n\n", "no reviews"),
}


@pytest.mark.parametrize("case", sorted(BAD_BATCHES))
def test_bad_batch_changes_nothing(
    case: str, imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, message = BAD_BATCHES[case]
    batch = tmp_path / "b.jsonl"
    batch.write_text(text)
    before = dump(imported)
    code, out, err = run(capsys, "review", "--batch", str(batch), "--json", "--now", NOW)
    assert code == 2 and out == ""
    assert message in err and err.startswith("flashdl: ")
    assert dump(imported) == before


@pytest.mark.parametrize("argv, message", [
    (["review", "--card", "quiz/404", "--grade", "4"], "unknown card"),
    (["review", "--card", "quiz", "--grade", "4"], "DECK/CARD"),
    (["review", "--card", "quiz/001", "--grade", "6"], "outside 0..5"),
    (["review", "--card", "quiz/001", "--grade", "x"], "not a whole number"),
    (["review", "--card", "quiz/001"], "needs --grade"),
    (["review", "--card", "quiz/001", "--grade", "4", "--now", "last tuesday"], "ISO-8601"),
    (["due", "nodeck"], "unknown deck"),
    (["review", "--batch", "/nonexistent.jsonl"], "no such file"),
    (["import", "/nonexistent.yaml"], "no such file"),
    (["import", "/nonexistent"], "no such file"),   # a missing file, whatever its name says
    (["import", __file__], "--format"),   # a file whose name says no format
    (["import"], "--bundled"),
    (["export", "nodeck", "--format", "yaml", "--out", "x.yaml"], "unknown deck"),
])
def test_bad_input_exit_two_database_unchanged(
    argv: list[str], message: str, imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(imported)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err
    assert dump(imported) == before


def test_bad_deck_file_creates_no_database(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: X\ncards:\n  - id: '1'\n    front: [unclosed\n")
    code, _out, err = run(capsys, "import", str(bad))
    assert code == 2 and "bad.yaml:" in err
    assert not db.exists()


def test_not_sqlite_and_newer_schema(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    db.write_text("just text\n")
    code, _out, err = run(capsys, "decks")
    assert code == 2 and "not an SQLite database" in err
    assert db.read_text() == "just text\n"
    db.unlink()
    run(capsys, "decks")
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    con.commit()
    con.close()
    before = db.read_bytes()
    for argv in (["decks"], ["review", "--card", "a/b", "--grade", "3"]):
        code, _out, err = run(capsys, *argv)
        assert code == 2 and "newer" in err
    assert db.read_bytes() == before


def test_empty_database_lists_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "decks") == []
    assert run_json(capsys, "due") == []
    code, out, _ = run(capsys, "decks")
    assert code == 0 and "import" in out


def test_import_bundled(db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                        tmp_path: Path) -> None:
    import flashdl.deck.files as files

    folder = tmp_path / "bundled"
    folder.mkdir()
    (folder / "a.yaml").write_text(deck_text("alpha", 2))
    (folder / "b.yaml").write_text(deck_text("beta", 1))
    monkeypatch.setattr(files, "bundled_decks_dir", lambda: folder)
    report = run_json(capsys, "import", "--bundled")
    assert [(d["deck"], d["added"]) for d in report["decks"]] == [("alpha", 2), ("beta", 1)]
    assert (report["copied"], report["merged"], report["conflicts"]) == (["alpha", "beta"], [], [])
    copies = Path(f"{db}.decks")
    assert [d["path"] for d in report["decks"]] == [str(copies / "a.yaml"), str(copies / "b.yaml")]
    # A new release edits alpha/001's back, as the user did differently in the copy: a conflict.
    (copies / "a.yaml").write_text(deck_text("alpha", 2).replace("Answer 1", "my back"))
    (folder / "a.yaml").write_text(deck_text("alpha", 3).replace("Answer 1", "new back"))
    code, out, err = run(capsys, "import", "--bundled")
    assert code == 0 and "alpha: merged" in out
    assert err.strip() == "flashdl: conflict: alpha/001: back changed by you and by the new release; kept yours"
    assert "my back" in (copies / "a.yaml").read_text() and "Question 3" in (copies / "a.yaml").read_text()
    report = run_json(capsys, "import", "--bundled")
    assert (report["copied"], report["merged"], report["conflicts"]) == ([], [], [])
    code, _out, err = run(capsys, "import", "--bundled", str(folder))
    assert code == 2 and "either" in err
