"""Bad and hostile input: a clear error naming the file (and line), exit code 2, database unchanged."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

import pytest

from transfer_helpers import deck_yaml, dump, ok, run


@pytest.fixture
def populated(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    deck = tmp_path / "quiz.yaml"
    deck.write_text(deck_yaml("quiz", 5), encoding="utf-8")
    ok(capsys, "import", str(deck))
    ok(capsys, "review", "--card", "quiz/001", "--grade", "4")
    return db


def _refused(capsys: pytest.CaptureFixture[str], db: Path, *argv: str, expect: str) -> str:
    before = dump(db)
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert expect in err, err
    assert dump(db) == before
    return err


def _zip(path: Path, members: dict[str, bytes], *, deflate: bool = True) -> Path:
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _patch_sizes(path: Path, size: int) -> None:
    """Make every header declare ``size`` uncompressed bytes (a lying archive)."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            data[start + offset:start + offset + 4] = struct.pack("<I", size)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))


def test_zip_bomb_member_is_refused(populated: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    bomb = _zip(tmp_path / "bomb.apkg", {"collection.anki2": bytes(16 << 20)})
    err = _refused(capsys, populated, "import", str(bomb), expect="zip bomb")
    assert "bomb.apkg" in err


def test_member_declaring_huge_size_is_refused_before_reading(
        populated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = _zip(tmp_path / "huge.apkg", {"collection.anki2": b"x" * 1000}, deflate=False)
    _patch_sizes(package, 0xF000_0000)
    _refused(capsys, populated, "import", str(package), expect="GB")


def test_member_larger_than_declared_is_refused(populated: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    package = _zip(tmp_path / "liar.apkg", {"collection.anki2": b"y" * 5000})
    _patch_sizes(package, 100)
    _refused(capsys, populated, "import", str(package), expect="liar.apkg")


def test_zstd_bomb_in_a_current_package_is_refused(populated: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import zstandard

    packed = zstandard.ZstdCompressor(level=19).compress(bytes(64 << 20))
    package = _zip(tmp_path / "zbomb.apkg", {"meta": b"\x08\x03", "collection.anki21b": packed,
                                             "collection.anki2": b""}, deflate=False)
    _refused(capsys, populated, "import", str(package), expect="zstd bomb")


@pytest.mark.parametrize("name", ["../../evil.txt", "/etc/cron.d/evil", "a/../../evil",
                                  "C:/evil", "..\\evil"])
def test_member_names_escaping_the_folder_are_refused(
        name: str, populated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = _zip(tmp_path / "escape.apkg", {"collection.anki2": b"", name: b"owned"})
    _refused(capsys, populated, "import", str(package), expect="unsafe member name")
    assert not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.parametrize("content", [b"not a database at all" * 100,
                                     b"SQLite format 3\x00" + b"\xff" * 4096])
def test_corrupt_collection_inside_a_package(content: bytes, populated: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    package = _zip(tmp_path / "corrupt.apkg", {"collection.anki2": content})
    err = _refused(capsys, populated, "import", str(package), expect="corrupt.apkg")
    assert "collection.anki2" in err


def test_not_a_zip_and_not_a_package(populated: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "text.apkg"
    text.write_text("hello")
    _refused(capsys, populated, "import", str(text), expect="not a zip archive")
    empty = _zip(tmp_path / "empty.apkg", {"readme.txt": b"hi"})
    _refused(capsys, populated, "import", str(empty), expect="not an Anki package")


def test_duplicate_ids_in_a_package(populated: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from flashdl.deck.model import Card, Deck
    from flashdl.formats.anki_export import write_package

    deck = Deck(id="dup", name="Dup", cards=(Card(id="1", front="a", back="b"),
                                             Card(id="1", front="c", back="d")))
    buffer = io.BytesIO()
    write_package([deck], buffer, now_ms=1_700_000_000_000)
    package = tmp_path / "dup.apkg"
    package.write_bytes(buffer.getvalue())
    _refused(capsys, populated, "import", str(package), expect="duplicate card id '1'")


@pytest.mark.parametrize("data, expect", [
    ("Front é".encode("latin-1") + b",back\n", "not UTF-8 text"),
    ("front,back\n".encode("utf-16"), "binary file"),
])
def test_wrong_encoding_is_named(data: bytes, expect: str, populated: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cards.csv"
    path.write_bytes(data)
    err = _refused(capsys, populated, "import", str(path), expect=expect)
    assert "cards.csv" in err


@pytest.mark.parametrize("text, line, expect", [
    ("q1,a1\nq2,a2\nq3,a3,extra,more\n", 3, "ragged row"),
    ("#separator:Tab\n#columns:Front\tBack\nq1\ta1\nq2\n", 4, "ragged row"),
    ('q1,a1\n"q2,a2\n', 2, "malformed CSV"),
    ("q1," + "x" * 200_000 + "\n", 1, "field larger than field limit"),
    ("same front,a1\nother,a2\nsame front,a3\n", 3, "duplicate card"),
    ("only one column\n", 1, "expected 2 columns"),
])
def test_bad_csv_names_the_line(text: str, line: int, expect: str, populated: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cards.csv"
    path.write_text(text, encoding="utf-8")
    err = _refused(capsys, populated, "import", str(path), "--deck", "imported", expect=expect)
    assert f"cards.csv:{line}:" in err


def test_review_log_naming_an_unknown_card_changes_nothing(
        populated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "history.csv"
    path.write_text("card_id,review_time,review_rating,review_state,review_duration\n"
                    "quiz/002,1700000000000,3,0,1000\nquiz/999,1700000100000,3,0,1000\n")
    err = _refused(capsys, populated, "import", str(path), expect="unknown card 'quiz/999'")
    assert "history.csv:3" in err


@pytest.mark.parametrize("row, expect", [("quiz/002,soon,3,0,0", "not a number"),
                                         ("quiz/002,1700000000000,7,0,0", "out of range"),
                                         ("002,1700000000000,3,0,0", "--deck")])
def test_bad_review_log_rows(row: str, expect: str, populated: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "revlog.csv"
    path.write_text("card_id,review_time,review_rating,review_state,review_duration\n" + row + "\n")
    err = _refused(capsys, populated, "import", str(path), "--format", "revlog", expect=expect)
    assert "revlog.csv:2" in err


def test_many_files_are_all_or_nothing(populated: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.csv"
    good.write_text("new front,new back\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\nz\n", encoding="utf-8")
    _refused(capsys, populated, "import", str(good), str(bad), expect="bad.csv:2")


def test_a_failure_after_the_decks_are_written_rolls_everything_back(
        populated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = tmp_path / "new.history.json"
    deck = tmp_path / "new.yaml"
    deck.write_text(deck_yaml("new", 2), encoding="utf-8")
    history.write_text(json.dumps({"format": "flashdl-history/1", "deck": "new", "cards": [
        {"card": "404", "state": {"repetitions": 0, "ease": 2500, "interval": 0}, "reviews": []}]}))
    _refused(capsys, populated, "import", str(deck), "--with-history", expect="unknown card new/404")


def test_export_writes_only_its_output_and_never_half_a_file(
        populated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    existing = folder / "quiz.apkg"
    existing.write_bytes(b"previous export")
    code, _out, err = run(capsys, "export", "nosuchdeck", "--format", "apkg", "--out", str(existing))
    assert code == 2 and "unknown deck" in err
    assert existing.read_bytes() == b"previous export"
    for fmt in ("apkg", "csv", "tsv", "yaml", "revlog"):
        ok(capsys, "export", "quiz", "--format", fmt, "--out", str(folder / f"quiz.{fmt}"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"quiz.{fmt}" for fmt in ("apkg", "csv", "tsv", "yaml", "revlog"))
    code, _out, err = run(capsys, "export", "quiz", "--format", "csv", "--out",
                          str(tmp_path / "missing" / "quiz.csv"))
    assert code == 2 and "does not exist" in err


def test_a_collection_too_slow_to_read_is_stopped(populated: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from flashdl.deck.model import Card, Deck
    from flashdl.formats import anki_collection
    from flashdl.formats.anki_export import write_package

    buffer = io.BytesIO()
    write_package([Deck(id="d", name="D", cards=(Card(id="1", front="a", back="b"),))], buffer,
                  now_ms=1_700_000_000_000)
    package = tmp_path / "slow.apkg"
    package.write_bytes(buffer.getvalue())
    monkeypatch.setattr(anki_collection, "READ_SECONDS", -1)  # as if every read ran out of time
    monkeypatch.setattr(anki_collection, "PROGRESS_STEPS", 1)
    _refused(capsys, populated, "import", str(package), expect="takes too long")


# -- deck files: never a traceback, nothing a round trip could change --------------------------

def _deck_file(tmp_path: Path, *, front: str = '"q"', back: str = '"a"', card_id: str = '"1"',
               extra: str = "") -> Path:
    """A one-card deck whose fields are written as given (YAML source text, quotes included)."""
    path = tmp_path / "hostile.yaml"
    path.write_text(f"format: flashdl-deck/1\nid: hostile\nname: Hostile\ncards:\n"
                    f"  - id: {card_id}\n    front: {front}\n    back: {back}\n{extra}", encoding="utf-8")
    return path


@pytest.mark.parametrize("fields, expect", [
    ({"back": "9" * 5000}, "5000 digits is too long"),
    ({"extra": "    engine: {family: conv2d_output_size, params: {input: 1e400}}\n"}, "not finite"),
    ({"extra": "    engine: {family: conv2d_output_size, params: {input: -1e999}}\n"}, "not finite"),
    ({"extra": "    engine: {family: conv2d_output_size, params: {input: " + "[" * 500 + "]" * 500
      + "}}\n"}, "nested too deeply"),
    ({"card_id": '"a\\n"'}, "must be letters, digits"),
    ({"extra": '    tags: ["t\\n"]\n'}, "must be one word"),
    ({"back": '"x\\x1fy"'}, "control character U+001F"),
    ({"front": '"\\0"'}, "control character U+0000"),
    ({"front": '"bell\\a"'}, "control character U+0007"),
])
def test_hostile_deck_files_are_refused_with_their_line(
        fields: dict[str, str], expect: str, populated: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = _deck_file(tmp_path, **fields)
    err = _refused(capsys, populated, "import", str(path), expect=expect)
    assert f"{path}:" in err and "Traceback" not in err
    code, out, err = run(capsys, "check", str(path))  # check agrees (its contract: exit 1)
    assert code == 1 and expect in out + err and "Traceback" not in err, (out, err)


def test_tabs_and_line_breaks_stay_allowed(db: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "import", str(_deck_file(tmp_path, front='"a\\tb\\r\\nc"')))
