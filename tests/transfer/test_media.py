"""Media of .apkg packages: extracted safely on import, shown as lines, carried back on export.

References are independent of the code under test: packages are built with
genanki (the files' bytes are ours), exported packages are read with
``zipfile`` and ``json``, pictures are made and checked with Pillow.
"""

from __future__ import annotations

import html
import io
import json
import os
import zipfile
from pathlib import Path

import genanki
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from transfer_helpers import dump, ok, run

from flashdl.formats.anki_media import MAX_NAME_BYTES, safe_media_name
from flashdl.services.exchange import media as media_service


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (8, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


RED, BLUE = _png((255, 0, 0)), _png((0, 0, 255), (5, 5))


def _package(path: Path, notes: list[tuple[str, str]], media: dict[str, bytes],
             extra_members: dict[str, bytes] | None = None) -> Path:
    """A legacy .apkg (genanki's collection) with ``media`` as the map and numbered members."""
    deck = genanki.Deck(2059400110, "Pictures")
    for front, back in notes:
        deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=[front, back]))
    raw = io.BytesIO()
    genanki.Package(deck).write_to_file(raw)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source:
        collection = source.read("collection.anki2")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", collection)
        archive.writestr("media", json.dumps({str(i): name for i, name in enumerate(media)}))
        for index, data in enumerate(media.values()):
            archive.writestr(str(index), data)
        for name, data in (extra_members or {}).items():
            archive.writestr(name, data)
    return path


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_round_trip_carries_pictures_and_sounds(db: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    package = _package(tmp_path / "pics.apkg",
                       [('Which colour? <img src="red dot.png">', 'red [sound:say red.mp3]'),
                        ('And this? <img src="blue.png">', 'blue')],
                       {"red dot.png": RED, "blue.png": BLUE, "say red.mp3": b"ID3 not really"})
    ok(capsys, "import", str(package))
    media_dir = db.parent / "media"
    assert {p.name: p.read_bytes() for p in media_dir.iterdir()} == {
        "red_dot.png": RED, "blue.png": BLUE, "say_red.mp3": b"ID3 not really"}
    assert not [p for p in db.parent.iterdir() if p.name.startswith(".flashdl-media")]

    shown = ok(capsys, "due", "--json")
    assert "red_dot.png" in shown and "red dot.png" not in shown  # references follow the rename
    card = next(item["card"] for item in json.loads(shown) if "red" in item["front"])
    lines = ok(capsys, "show", card).splitlines()
    assert "[image: red_dot.png]" in lines and "[sound: say_red.mp3]" in lines

    out = tmp_path / "back.apkg"
    ok(capsys, "export", "pictures", "--format", "apkg", "--out", str(out))
    with zipfile.ZipFile(out) as archive:
        mapping = json.loads(archive.read("media"))
        carried = {name: archive.read(member) for member, name in mapping.items()}
    assert carried == {"red_dot.png": RED, "blue.png": BLUE, "say_red.mp3": b"ID3 not really"}

    other = tmp_path / "other" / "db.sqlite3"
    other.parent.mkdir()
    ok(capsys, "--db", str(other), "import", str(out))
    assert {p.name: p.read_bytes() for p in (other.parent / "media").iterdir()} == carried


def test_show_names_missing_and_unreadable_pictures(db: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    package = _package(tmp_path / "p.apkg", [('<img src="gone.png"> <img src="bad.png"> '
                                              '<img src="ok.png">', "x")],
                       {"bad.png": b"not a picture", "ok.png": RED})
    err = run(capsys, "import", str(package))[2]
    assert "1 media file(s) the package does not carry (e.g. 'gone.png')" in err
    card = json.loads(ok(capsys, "due", "--json"))[0]["card"]
    lines = ok(capsys, "show", card).splitlines()
    assert {"[image missing: gone.png]", "[image unreadable: bad.png]", "[image: ok.png]"} <= set(lines)


def test_hostile_names_land_inside_the_media_folder(db: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    hostile = ["../escape.png", "/etc/flashdl-abs.png", "..\\win.png", ".hidden.png", "CON.png",
               "a/b/c.png", "x" * 400 + ".png", 'q<u>o"te|d?.png', "..", "sub/../../up.png"]
    notes = [(f'<img src="{html.escape(name)}">', str(i)) for i, name in enumerate(hostile)]
    package = _package(tmp_path / "h.apkg", notes, {name: _png((i, i, i)) for i, name in enumerate(hostile)})
    before = _files(tmp_path)
    ok(capsys, "import", str(package))
    new = _files(tmp_path) - before
    assert all(name.startswith("data/") for name in new), new
    media_dir = db.parent / "media"
    names = sorted(p.name for p in media_dir.iterdir())
    assert len(names) == len(hostile)  # every file kept, none overwriting another
    for name in names:
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert len(name.encode()) <= MAX_NAME_BYTES and name.split(".")[0].upper() != "CON"
    assert not Path("/etc/flashdl-abs.png").exists()
    # every card still shows its own picture
    for item in json.loads(ok(capsys, "due", "--json")):
        lines = ok(capsys, "show", item["card"]).splitlines()
        assert any(line.startswith("[image: ") for line in lines), lines


@pytest.mark.parametrize("member", ["../outside.png", "/abs.png", "C:evil.png"])
def test_unsafe_member_names_refuse_the_package(db: Path, tmp_path: Path, member: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    package = _package(tmp_path / "m.apkg", [('<img src="a.png">', "x")], {}, {member: RED})
    before, files = dump(db), _files(tmp_path)
    code, _out, err = run(capsys, "import", str(package))
    assert code == 2 and "unsafe member name" in err and len(err.strip().splitlines()) == 1
    assert dump(db) == before and _files(tmp_path) == files


def test_oversized_media_refuse_the_import(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    package = _package(tmp_path / "big.apkg", [('<img src="small.png"> <img src="big.png">', "x")],
                       {"small.png": RED, "big.png": os.urandom(50_000)})
    monkeypatch.setattr(media_service, "DEFAULT_MEDIA_LIMITS", media_service.MediaLimits(max_file_bytes=20_000))
    files = _files(tmp_path)
    code, _out, err = run(capsys, "import", str(package))
    assert code == 2 and "media file 'big.png' is larger than" in err and len(err.strip().splitlines()) == 1
    assert dump(db) == "" or "Pictures" not in dump(db)
    assert _files(tmp_path) - files <= {"data/flashdl.sqlite3", "data/flashdl.sqlite3-clean"}

    monkeypatch.setattr(media_service, "DEFAULT_MEDIA_LIMITS", media_service.MediaLimits(max_total_bytes=30_000))
    code, _out, err = run(capsys, "import", str(package))
    assert code == 2 and "more than" in err and not (db.parent / "media").exists()


def test_a_zip_bomb_picture_is_refused(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = _package(tmp_path / "bomb.apkg", [('<img src="zeros.png">', "x")], {"zeros.png": bytes(40 << 20)})
    code, _out, err = run(capsys, "import", str(package))
    assert code == 2 and "zip bomb" in err and len(err.strip().splitlines()) == 1
    assert not (db.parent / "media").exists()


def test_existing_files_and_links_are_never_replaced(db: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    media_dir = db.parent / "media"
    media_dir.mkdir()
    (media_dir / "same.png").write_bytes(RED)  # the same bytes: reused
    (media_dir / "taken.png").write_bytes(BLUE)  # other bytes: kept, the new file renamed
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (media_dir / "link.png").symlink_to(victim)  # a link: never followed
    package = _package(tmp_path / "c.apkg", [('<img src="same.png"><img src="taken.png"><img src="link.png">',
                                              "x")], {"same.png": RED, "taken.png": RED, "link.png": RED})
    ok(capsys, "import", str(package))
    assert victim.read_text() == "keep me" and (media_dir / "link.png").is_symlink()
    assert (media_dir / "taken.png").read_bytes() == BLUE
    renamed = sorted(p.name for p in media_dir.iterdir() if p.name not in {"same.png", "taken.png", "link.png"})
    assert len(renamed) == 2 and all(name.endswith(".png") for name in renamed)
    assert all((media_dir / name).read_bytes() == RED for name in renamed)
    card = json.loads(ok(capsys, "due", "--json"))[0]["card"]
    lines = ok(capsys, "show", card).splitlines()
    assert "[image: same.png]" in lines and all(f"[image: {name}]" in lines for name in renamed)


def test_a_linked_media_folder_is_refused(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (db.parent / "media").symlink_to(elsewhere, target_is_directory=True)
    package = _package(tmp_path / "l.apkg", [('<img src="a.png">', "x")], {"a.png": RED})
    code, _out, err = run(capsys, "import", str(package))
    assert code == 2 and "is not a folder" in err
    assert not list(elsewhere.iterdir())


@given(st.text(max_size=300))
def test_safe_media_name_is_a_plain_file_name(name: str) -> None:
    safe = safe_media_name(name)
    assert safe and not safe.startswith(".") and safe not in {".", ".."}
    assert not set(safe) & set('/\\<>:"|?*') and all(ch.isprintable() and not ch.isspace() for ch in safe)
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES
    assert safe.split(".")[0].lower() not in {"con", "prn", "aux", "nul", "com1", "lpt1"}


def _field(number: int, data: bytes) -> bytes:
    """A protobuf length-delimited field (lengths below 128 here)."""
    assert len(data) < 128
    return bytes([number << 3 | 2, len(data)]) + data


def test_a_current_layout_package_gives_its_zstd_media(db: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Anki 2.1.50+ packages: ``meta`` version 3, a zstd protobuf media list, zstd members."""
    import zstandard

    legacy = _package(tmp_path / "legacy.apkg", [('Zstd? <img src="z.png">', "yes")], {})
    with zipfile.ZipFile(legacy) as archive:
        collection = archive.read("collection.anki2")
    pack = zstandard.ZstdCompressor().compress
    entries = b"".join(_field(1, _field(1, name.encode())) for name in ("unused.png", "z.png"))
    package = tmp_path / "latest.apkg"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("meta", b"\x08\x03")
        archive.writestr("collection.anki21b", pack(collection))
        archive.writestr("collection.anki2", b"")
        archive.writestr("media", pack(entries))
        archive.writestr("0", pack(BLUE))
        archive.writestr("1", pack(RED))
    ok(capsys, "import", str(package))
    assert {p.name: p.read_bytes() for p in (db.parent / "media").iterdir()} == {"z.png": RED}


def test_a_member_marked_as_a_symlink_lands_as_a_plain_file(db: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    package = _package(tmp_path / "s.apkg", [('<img src="link.png">', "x")], {})
    with zipfile.ZipFile(package, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("media", json.dumps({"7": "link.png"}))  # a second map: refused as a duplicate
    code, _out, err = run(capsys, "import", str(package))
    assert code == 2 and "appears twice" in err

    package = _package(tmp_path / "s2.apkg", [('<img src="link.png">', "x")], {})
    with zipfile.ZipFile(package) as source:
        members = {name: source.read(name) for name in source.namelist()}
    with zipfile.ZipFile(package, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, json.dumps({"0": "link.png"}) if name == "media" else data)
        link = zipfile.ZipInfo("0")
        link.create_system = 3
        link.external_attr = 0o120777 << 16  # a symlink in Unix zip terms, pointing at /etc/passwd
        archive.writestr(link, "/etc/passwd")
    ok(capsys, "import", str(package))
    target = db.parent / "media" / "link.png"
    assert not target.is_symlink() and target.read_bytes() == b"/etc/passwd"
    card = json.loads(ok(capsys, "due", "--json"))[0]["card"]
    assert "[image unreadable: link.png]" in ok(capsys, "show", card).splitlines()


def test_an_unwritable_data_folder_is_one_line(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**_kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    from types import SimpleNamespace

    monkeypatch.setattr(media_service, "tempfile", SimpleNamespace(mkdtemp=refuse))
    package = _package(tmp_path / "w.apkg", [('<img src="a.png">', "x")], {"a.png": RED})
    code, _out, err = run(capsys, "import", str(package))
    assert code == 2 and "media files cannot be written there (Permission denied)" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
