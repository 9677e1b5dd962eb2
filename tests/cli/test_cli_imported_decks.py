"""A deck imported from CSV, TSV, an .apkg or flashcard-export text is an ordinary deck: ``flashdl
add`` and every edit go to its YAML deck file beside the database (``<DB>.decks/ID.yaml``, made by
the first edit), which is then the deck's truth; the file the user imported is never written, and
importing it again merges its changes into the YAML copy by card id as ``import --bundled`` does,
keeping the user's edits.

Found by a QA walkthrough: after ``flashdl import relu.csv``, ``flashdl add relu ...`` said
``relu.csv:1:1: a deck file must be a mapping with id, name and cards`` (exit 2), from another
folder ``relu.csv: the deck's file is missing``, and for an .apkg ``binary file, not text``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from cli_helpers import NOW, dump, run, run_json

from flashdl.deck.files import load_deck_file
from flashdl.deck.model import Deck
from flashdl.services.edit_card import edit_card
from flashdl.store import open_store

# The cards every source below holds, in order: (front, back).
CARDS = [("What is ReLU?", "max(0, x)"), ("Sigmoid range", "(0, 1)")]


def _csv(folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = folder / "relu.csv"
    path.write_bytes("".join(f'{front},"{back}"\n' for front, back in CARDS).encode())
    return path


def _tsv(folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = folder / "relu.tsv"
    path.write_bytes("".join(f"{front}\t{back}\n" for front, back in CARDS).encode())
    return path


def _brainscape(folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = folder / "relu.txt"
    body = "".join(f"{n}\nQ\n{front}\nA\n{back}\n\n" for n, (front, back) in enumerate(CARDS, 1))
    path.write_bytes(f"relu\n\n{body}".encode())
    return path


def _apkg(folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """An Anki package of the cards, written by flashdl's own export from a database of its own."""
    deck = folder.parent / "relu-src.yaml"
    deck.write_text("id: relu\nname: relu\ncards:\n" + "".join(
        f'  - id: "{n:03d}"\n    front: "{front}"\n    back: "{back}"\n' for n, (front, back) in enumerate(CARDS, 1)))
    other = ("--db", str(folder.parent / "source.sqlite3"))
    assert run(capsys, *other, "import", str(deck), "--now", NOW)[0] == 0
    path = folder / "relu.apkg"
    assert run(capsys, *other, "export", "relu", "--format", "apkg", "--out", str(path), "--now", NOW)[0] == 0
    return path


SOURCES: dict[str, Callable[[Path, pytest.CaptureFixture[str]], Path]] = {
    "csv": _csv, "tsv": _tsv, "brainscape": _brainscape, "apkg": _apkg}


def _fronts_backs(deck: Deck) -> list[tuple[str, str]]:
    return [(card.front, card.back) for card in deck.cards]


def _copy(db: Path) -> Path:
    return Path(f"{db}.decks") / "relu.yaml"


def _imported(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
              fmt: str) -> Path:
    """The source imported by its relative name (``cd FOLDER; flashdl import relu.csv``); its path."""
    folder = tmp_path / "in"
    folder.mkdir()
    source = SOURCES[fmt](folder, capsys)
    monkeypatch.chdir(folder)
    extra = ("--format", "brainscape") if fmt == "brainscape" else ()
    report = run_json(capsys, "import", source.name, *extra, "--now", NOW)
    assert [(d["deck"], d["path"], d["added"]) for d in report["decks"]] == [
        ("relu", str(source.resolve()), len(CARDS))]  # absolute: any folder finds it
    assert not _copy(db).exists()  # made by the first edit
    return source


def _recorded(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT path FROM deck WHERE slug = 'relu'").fetchone()[0])


@pytest.mark.parametrize("fmt", sorted(SOURCES))
def test_add_and_edit_an_imported_deck_from_another_folder(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str,
) -> None:
    source = _imported(tmp_path, db, capsys, monkeypatch, fmt)
    original = source.read_bytes()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = run(capsys, "add", "relu", "--front", "Tanh range", "--back", "(-1, 1)", "--now", NOW)
    assert (code, err) == (0, "") and out.startswith("added relu/")
    new = out.split()[-1]
    copy = load_deck_file(_copy(db))
    assert _fronts_backs(copy) == [*CARDS, ("Tanh range", "(-1, 1)")]
    assert _recorded(db) == str(_copy(db).resolve())  # the deck's file from now on
    first = f"relu/{copy.cards[0].id}"
    with open_store(db) as store:  # the TUI's editor and tag editor go through this service
        edit_card(store, "relu", copy.cards[0].id, None, "max(0, x), elementwise", ("act",),
                  datetime.fromisoformat(NOW))
    copy = load_deck_file(_copy(db))
    assert (copy.cards[0].back, copy.cards[0].tags) == ("max(0, x), elementwise", ("act",))
    shown = run_json(capsys, "show", first, "--now", NOW)
    assert (shown["back"], shown["tags"]) == ("max(0, x), elementwise", ["act"])
    assert run_json(capsys, "show", new, "--now", NOW)["front"] == "Tanh range"
    assert source.read_bytes() == original  # the user's file is only ever read
    exported = tmp_path / "out.yaml"  # the database and the deck file agree, card for card
    assert run(capsys, "export", "relu", "--format", "yaml", "--out", str(exported), "--now", NOW)[0] == 0
    assert load_deck_file(exported).cards == copy.cards


def test_reimport_updates_by_card_id_and_keeps_the_users_edits(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = _imported(tmp_path, db, capsys, monkeypatch, "csv")
    assert run(capsys, "add", "relu", "--front", "Mine", "--back", "only mine", "--now", NOW)[0] == 0
    ids = [card.id for card in load_deck_file(_copy(db)).cards]
    with open_store(db) as store:
        edit_card(store, "relu", ids[0], None, "my own back", None,
                  datetime.fromisoformat(NOW))
    # The CSV changes the second card (rows are keyed by their front) and adds a third.
    changed = b'What is ReLU?,"max(0, x)"\nSigmoid range,"(0, 1), open"\nSoftplus,"log(1 + e^x)"\n'
    source.write_bytes(changed)
    code, _out, err = run(capsys, "import", source.name, "--now", NOW)
    assert (code, err) == (0, "")
    assert source.read_bytes() == changed
    expected = [("What is ReLU?", "my own back"), ("Sigmoid range", "(0, 1), open"), ("Mine", "only mine"),
                ("Softplus", "log(1 + e^x)")]
    assert sorted(_fronts_backs(load_deck_file(_copy(db)))) == sorted(expected)
    for card in load_deck_file(_copy(db)).cards:
        assert run_json(capsys, "show", f"relu/{card.id}", "--now", NOW)["back"] == card.back
    assert load_deck_file(_copy(db)).card(ids[0]).back == "my own back"

    # Both sides change the first card: the user's text is kept and the conflict is reported.
    source.write_bytes(changed.replace(b'"max(0, x)"', b'"max(x, 0)"'))
    code, _out, err = run(capsys, "import", source.name, "--now", NOW)
    assert code == 0 and f"relu/{ids[0]}: back changed by you and by" in err and "kept yours" in err
    assert load_deck_file(_copy(db)).card(ids[0]).back == "my own back"
    assert run_json(capsys, "show", f"relu/{ids[0]}", "--now", NOW)["back"] == "my own back"

    # Importing the unchanged file again changes nothing, file or database.
    before, text = dump(db), _copy(db).read_text()
    assert run(capsys, "import", source.name, "--now", NOW)[0] == 0
    assert (dump(db), _copy(db).read_text()) == (before, text)


def test_reimport_of_an_unedited_deck_follows_the_file(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = _imported(tmp_path, db, capsys, monkeypatch, "csv")
    source.write_bytes(b'Sigmoid range,"(0, 1), open"\n')  # one card gone, one changed
    assert run(capsys, "import", source.name, "--now", NOW)[0] == 0
    assert not _copy(db).exists() and _recorded(db) == str(source.resolve())
    exported = tmp_path / "out.yaml"
    assert run(capsys, "export", "relu", "--format", "yaml", "--out", str(exported), "--now", NOW)[0] == 0
    assert _fronts_backs(load_deck_file(exported)) == [("Sigmoid range", "(0, 1), open")]
    # after an edit the copy is the deck's file; an unedited card still follows the CSV
    assert run(capsys, "add", "relu", "--front", "f", "--back", "b", "--now", NOW)[0] == 0
    source.write_bytes(b'Sigmoid range,"(0, 1), open interval"\n')
    assert run(capsys, "import", source.name, "--now", NOW)[0] == 0
    assert _fronts_backs(load_deck_file(_copy(db))) == [("Sigmoid range", "(0, 1), open interval"), ("f", "b")]
    assert _recorded(db) == str(_copy(db).resolve())


@pytest.mark.parametrize("recorded", ["relu.apkg", "relu.csv", None])
def test_a_database_from_before_copies_gets_its_copy_on_the_first_edit(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    recorded: str | None,
) -> None:
    """An older flashdl recorded the imported file itself (relative to where it ran), or no file:
    the copy is made from the database's cards, and the user's file is left alone."""
    fmt = "apkg" if recorded == "relu.apkg" else "csv"
    source = _imported(tmp_path, db, capsys, monkeypatch, fmt)
    original = source.read_bytes()
    for path in sorted(_copy(db).parent.rglob("*"), reverse=True):  # as if never made
        path.rmdir() if path.is_dir() else path.unlink()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE deck SET path = ? WHERE slug = 'relu'", (recorded,))
    for elsewhere in (tmp_path / "in", tmp_path):  # the recorded name is found, and is not
        monkeypatch.chdir(elsewhere)
        code, out, err = run(capsys, "add", "relu", "--front", f"From {elsewhere.name}", "--back", "b",
                             "--now", NOW)
        assert (code, err) == (0, ""), err
    assert _fronts_backs(load_deck_file(_copy(db))) == [*CARDS, ("From in", "b"), (f"From {tmp_path.name}", "b")]
    assert source.read_bytes() == original
    assert _recorded(db) == str(_copy(db).resolve())
    # importing the file again now merges into the copy: the cards added stay
    monkeypatch.chdir(tmp_path / "in")
    assert run(capsys, "import", source.name, "--now", NOW)[0] == 0
    assert len(load_deck_file(_copy(db)).cards) == len(CARDS) + 2


def test_a_copy_that_cannot_be_made_refuses_the_edit_and_changes_nothing(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = _imported(tmp_path, db, capsys, monkeypatch, "csv")
    Path(f"{db}.decks").write_text("not a folder")
    before = dump(db)
    code, out, err = run(capsys, "add", "relu", "--front", "f", "--back", "b", "--now", NOW)
    assert code == 2 and out == "" and f"{db}.decks" in err
    assert dump(db) == before and source.read_bytes() == b"".join(
        f'{front},"{back}"\n'.encode() for front, back in CARDS)


def test_a_copy_that_cannot_be_written_refuses_the_reimport_and_changes_nothing(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = _imported(tmp_path, db, capsys, monkeypatch, "csv")
    assert run(capsys, "add", "relu", "--front", "f", "--back", "b", "--now", NOW)[0] == 0
    base = Path(f"{db}.decks") / ".base" / "relu.yaml"
    base.unlink()
    base.mkdir()  # a folder where the base goes: refused, never replaced
    source.write_bytes(source.read_bytes().replace(b"(0, 1)", b"(0, 1), open"))
    before, text = dump(db), _copy(db).read_text()
    code, out, err = run(capsys, "import", source.name, "--now", NOW)
    assert (code, out, err) == (2, "", f"flashdl: {base}: is a directory, not a file\n")
    assert (dump(db), _copy(db).read_text()) == (before, text)
