"""Delimited text the way Anki's import dialog takes it: ``import --separator``, a separator
inside an unquoted field refused by line, and ``import --dry-run``.

References are independent of flashdl's reader: rows are written with Python's ``csv`` module
(the writer, never flashdl's), cards are read back with plain ``sqlite3``, Anki's own rule that
a file's ``#separator:`` header fixes the separator is read from the ``anki`` package, and
"nothing written" is a byte copy of the database and a listing of its folder.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from transfer_helpers import deck_yaml, dump, ok, run

NAMES = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}


def _cards(db: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT front, back FROM card WHERE NOT retired ORDER BY position, id").fetchall()
    finally:
        con.close()


def _tags(db: Path) -> list[list[str]]:
    con = sqlite3.connect(db)
    try:
        return [json.loads(tags) for (tags,) in con.execute("SELECT tags FROM card ORDER BY position")]
    finally:
        con.close()


def _written(rows: list[tuple[str, str]], separator: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _state(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: the data folder as a listing and byte copy."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- --separator ---------------------------------------------------------------------------

TEXT = st.text(st.sampled_from("abcXYZ019 ,;:|\t\"'.-!?éλ→\n"), min_size=1, max_size=12).filter(
    lambda s: s.strip() != "" and not s.startswith("#"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=6, unique_by=lambda r: r[0].strip()),
       name=st.sampled_from([*NAMES, "TAB", "Semicolon", "|", ";", "~"]),
       suffix=st.sampled_from([".csv", ".tsv", ".txt"]))
def test_rows_written_with_the_separator_come_back_as_cards(
        tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
        rows: list[tuple[str, str]], name: str, suffix: str) -> None:
    """Whatever the file's name says, ``--separator`` (Anki's names in any case, or one
    character) splits the rows Python's csv module wrote with it, quoted fields and all."""
    separator = NAMES.get(name.lower(), name)
    folder = tmp_path_factory.mktemp("sep")
    path = folder / f"cards{suffix}"
    path.write_text(_written(rows, separator), encoding="utf-8")
    db = folder / "data" / "flashdl.sqlite3"
    db.parent.mkdir()
    ok(capsys, "import", str(path), "--separator", name, "--deck", "q", "--db", str(db))
    assert _cards(db) == [(front, back) for front, back in rows]


ROW_TEXT = st.text(st.sampled_from("abcXYZ019 .-!?éλ→'\"\n"), min_size=1, max_size=12).filter(
    lambda s: s.strip() != "" and not s.startswith("#"))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(ROW_TEXT, ROW_TEXT), min_size=1, max_size=5,
                     unique_by=lambda r: r[0].strip("\n").strip()),
       between=st.sampled_from([("\t", ";", "semicolon"), (",", ";", ";"), ("\t", "~", "~")]),
       end=st.sampled_from(["", ";", ";\n", "\n"]))
def test_quizlet_rows_between_another_separator_come_back_as_cards(
        tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
        rows: list[tuple[str, str]], between: tuple[str, str, str], end: str) -> None:
    """Quizlet's "Between rows: Semicolon/Custom" (``--row-separator``): nothing is quoted, so
    a definition keeps its line breaks; the text is joined here by hand, as Quizlet's export
    joins it. Line breaks around a row are not part of it."""
    field, row, name = between
    folder = tmp_path_factory.mktemp("rows")
    path = folder / "quizlet.txt"
    path.write_text(row.join(f"{front}{field}{back}" for front, back in rows) + end.replace(";", row),
                    encoding="utf-8")
    db = folder / "data" / "flashdl.sqlite3"
    db.parent.mkdir()
    ok(capsys, "import", str(path), "--separator", field, "--row-separator", name, "--db", str(db))
    # the line breaks at a row's two ends (before its front, after its back) are not its own
    assert _cards(db) == [(front.lstrip("\n"), back.rstrip("\n")) for front, back in rows]


def test_quizlet_and_brainscape_layouts(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """INTEROP §3c: Quizlet's default (Tab between term and definition, a new line between rows)
    pasted into a .txt, its Comma choice with the definitions' commas quoted, its Custom
    separator, and Brainscape's quoted question,answer CSV."""
    cases = {
        "quizlet.txt": ("softmax\tnormalises exponentials, sums to 1\nReLU\tmax(0, x)\n", ()),
        "quizlet-comma.csv": ('softmax,"normalises, sums to 1"\nReLU,"max(0, x)"\n', ()),
        "quizlet-custom.txt": ("softmax~normalises, sums to 1\nReLU~max(0, x)\n", ("--separator", "~")),
        "brainscape.csv": ('"What does softmax do?","normalises, sums to 1"\n"ReLU?","max(0, x)"\n', ()),
    }
    for index, (name, (text, extra)) in enumerate(cases.items()):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        ok(capsys, "import", str(path), "--deck", f"d{index}", *extra)
    con = sqlite3.connect(db)
    try:
        got = dict(con.execute("SELECT d.slug || ' ' || c.front, c.back FROM card AS c "
                               "JOIN deck AS d ON d.id = c.deck_id"))
    finally:
        con.close()
    assert got == {"d0 softmax": "normalises exponentials, sums to 1", "d0 ReLU": "max(0, x)",
                   "d1 softmax": "normalises, sums to 1", "d1 ReLU": "max(0, x)",
                   "d2 softmax": "normalises, sums to 1", "d2 ReLU": "max(0, x)",
                   "d3 What does softmax do?": "normalises, sums to 1", "d3 ReLU?": "max(0, x)"}


def test_the_files_separator_header_wins_as_in_anki(db: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Anki's dialog greys its separator out when the file names one (``force_delimiter``):
    the header wins. Here an agreeing ``--separator`` reads as the header says, and one that
    contradicts it is refused naming the header's line, nothing written."""
    anki = pytest.importorskip("anki.collection")
    from anki.import_export_pb2 import CsvMetadata

    text = "#html:false\n#separator:Tab\nsoftmax\tnormalises, sums to 1\n"
    path = tmp_path / "anki.txt"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "anki").mkdir()
    col = anki.Collection(str(tmp_path / "anki" / "c.anki2"))
    try:
        meta = col.get_csv_metadata(str(path), None)
        assert meta.force_delimiter and meta.delimiter == CsvMetadata.TAB
        anki_rows = [list(row.vals) for row in meta.preview]
    finally:
        col.close()
    before = dump(db)
    code, _out, err = run(capsys, "import", str(path), "--separator", "comma", "--deck", "a")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"flashdl: {path}:2: ") and "--separator" in err
    assert dump(db) == before
    ok(capsys, "import", str(path), "--separator", "Tab", "--deck", "a")
    assert [list(row) for row in _cards(db)] == anki_rows == [["softmax", "normalises, sums to 1"]]


@pytest.mark.parametrize("value", ["", "xx", '"', "\n", "\x07", "commas"])
def test_a_separator_that_is_no_separator_is_refused(value: str, db: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.csv"
    path.write_text("a,b\n")
    code, _out, err = run(capsys, "import", str(path), "--separator", value)
    assert code == 2 and "--separator" in err and err.count("\n") == 1
    assert not db.exists()


def test_separator_is_only_for_delimited_text(db: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(deck_yaml("q", 1))
    code, _out, err = run(capsys, "import", str(path), "--separator", "tab")
    assert code == 2 and "--separator is for csv, tsv and txt" in err
    assert not db.exists()


# -- a separator inside an unquoted field ------------------------------------------------------

@pytest.mark.parametrize(("text", "line"), [
    ("softmax,normalises, sums to 1\nReLU,max of 0 and x, a nonlinearity\n", 1),  # every row: 3
    ("softmax,normalises exponentials\nReLU,max(0, x)\n", 2),  # one row further down
    ("softmax,normalises exponentials\ntanh,squashes\nReLU,max(0, x), a nonlinearity\n", 3),
])
def test_a_separator_inside_a_definition_is_refused_by_line(
        text: str, line: int, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Quizlet's Comma export does not quote: ``term,definition, with a comma``. Every row of the
    first file has three fields, which were read as front, back and tags (``sums to 1`` became
    the tags ``sums``, ``to``, ``1``, without a word); now one line names the file and line and
    says what to do, exit 2, and nothing is written."""
    ok(capsys, "import", str(_yaml(tmp_path)))
    before, data = dump(db), _state(db.parent)
    path = tmp_path / "quizlet.csv"
    path.write_text(text, encoding="utf-8")
    code, _out, err = run(capsys, "import", str(path))
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"flashdl: {path}:{line}: ")
    assert "--separator" in err and "quote" in err.lower()
    assert dump(db) == before and _state(db.parent) == data


def test_a_declared_tags_column_keeps_its_tags(db: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tagged.csv"
    path.write_text("#tags column:3\nsoftmax,normalises,act dl\nReLU,max(0 x),\n", encoding="utf-8")
    ok(capsys, "import", str(path))
    assert _cards(db) == [("softmax", "normalises"), ("ReLU", "max(0 x)")]
    assert _tags(db) == [["act", "dl"], []]


# -- --dry-run -------------------------------------------------------------------------------

def _yaml(tmp_path: Path) -> Path:
    path = tmp_path / "base.yaml"
    path.write_text(deck_yaml("base", 3))
    return path


def _package(path: Path) -> Path:
    """A genanki package whose first card shows a picture the package carries."""
    import genanki

    deck = genanki.Deck(2059400111, "Pics")
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=['<img src="p.png">', "a picture"]))
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["two", "2"]))
    raw = io.BytesIO()
    genanki.Package(deck).write_to_file(raw)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source:
        collection = source.read("collection.anki2")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("collection.anki2", collection)
        archive.writestr("media", json.dumps({"0": "p.png"}))
        archive.writestr("0", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    return path


def test_dry_run_reports_what_the_import_then_does_and_writes_nothing(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """For a CSV (new cards and an edited one), a YAML deck and a package with a picture: the
    dry run's ``--json`` is the import's own report (plus ``dry_run`` and ``preview``), its
    preview the cards the import then stores first, and the database's bytes and its folder's
    files (no media, no backup, no -wal) are as they were."""
    ok(capsys, "import", str(_yaml(tmp_path)), "--now", "2024-01-01T10:00:00+00:00")
    csv_path = tmp_path / "set.csv"
    csv_path.write_text("softmax;normalises\nReLU;max(0, x)\ntanh;squashes\n", encoding="utf-8")
    ok(capsys, "import", str(csv_path), "--separator", "semicolon", "--deck", "set")
    csv_path.write_text("softmax;normalises, sums to 1\nReLU;max(0, x)\nGELU;smooth\n"
                        "sigmoid;squashes to (0, 1)\nswish;x sigmoid x\nmish;x tanh softplus\n",
                        encoding="utf-8")
    edited = tmp_path / "base.yaml"
    edited.write_text(deck_yaml("base", 4))
    cases = [(str(csv_path), "--separator", ";", "--deck", "set"), (str(edited),),
             (str(_package(tmp_path / "pics.apkg")),)]
    for argv in cases:
        before = _state(db.parent)
        code, out, err = run(capsys, "import", *argv, "--dry-run", "--json")
        assert code == 0, err
        assert _state(db.parent) == before
        assert "dry run: nothing was written" in err
        dry = json.loads(out)
        assert dry.pop("dry_run") is True
        preview = dry.pop("preview")
        real = json.loads(ok(capsys, "import", *argv, "--json"))
        if argv[0].endswith(".apkg"):  # the dry run says where the picture would go
            assert any("media" in note for note in dry.pop("notes"))
            real.pop("notes")
            assert (db.parent / "media" / "p.png").is_file()
        assert dry == real
        con = sqlite3.connect(db)
        try:
            stored = [(f"{deck}/{card}", front, back) for deck, card, front, back in con.execute(
                "SELECT d.slug, c.slug, c.front, c.back FROM card AS c JOIN deck AS d ON d.id = c.deck_id "
                "WHERE NOT c.retired AND d.slug IN (SELECT value FROM json_each(?)) "
                "ORDER BY c.position, c.id", (json.dumps([d["deck"] for d in real["decks"]]),))]
        finally:
            con.close()
        assert [(p["card"], p["front"], p["back"]) for p in preview] == stored[:5]
    assert json.loads(ok(capsys, "import", str(csv_path), "--separator", ";", "--deck", "set", "--json"))[
        "decks"][0]["unchanged"] == 6


def test_dry_run_on_a_database_to_upgrade_writes_nothing(db: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A database of schema 1: the import would upgrade it (and back it up first); the dry run
    upgrades its copy only."""
    db.write_bytes((Path(__file__).parents[1] / "fixtures" / "schema-1.sqlite").read_bytes())
    before = _state(db.parent)
    path = tmp_path / "set.csv"
    path.write_text("softmax,normalises\n", encoding="utf-8")
    dry = json.loads(ok(capsys, "import", str(path), "--deck", "set", "--dry-run", "--json"))
    assert _state(db.parent) == before
    assert dry["decks"][0]["added"] == 1 and dry["preview"][0]["front"] == "softmax"


def test_dry_run_text_shows_the_report_and_the_first_cards(db: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "quizlet.txt"
    path.write_text("softmax\tnormalises exponentials\nReLU\tmax(0, x)\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(path), "--dry-run")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["deck", "added", "updated", "retired", "restored", "unchanged"]
    assert lines[2].split() == ["quizlet", "2", "0", "0", "0", "0"]
    assert lines[3] == "first 2 card(s):"
    assert lines[4].split() == ["card", "front", "back"]
    assert lines[6].split()[1:] == ["softmax", "normalises", "exponentials"]
    assert lines[7].split()[1:] == ["ReLU", "max(0,", "x)"]
    assert not db.exists() and list(db.parent.iterdir()) == []


def test_dry_run_refuses_what_the_import_refuses(db: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\nc,d,e\n")
    code, _out, err = run(capsys, "import", str(path), "--dry-run")
    assert code == 2 and err.startswith(f"flashdl: {path}:2: ragged row")
    assert not db.exists()
    code, _out, err = run(capsys, "import", "--bundled", "--dry-run")
    assert code == 2 and "--dry-run" in err
