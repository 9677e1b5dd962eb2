"""``flashdl db check | backup | restore`` and a damaged database, end to end (issue 15)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import NOW, deck_text, dump, run


@pytest.fixture
def studied(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    deck = tmp_path / "q.yaml"
    deck.write_text(deck_text("q", 60))
    assert run(capsys, "import", str(deck), "--now", NOW)[0] == 0
    for i in range(1, 11):
        code, _out, err = run(capsys, "review", "--card", f"q/{i:03d}", "--grade", "4", "--now", NOW)
        assert code == 0, err
    return db


def scatter(path: Path, count: int = 200, seed: int = 7) -> None:
    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    for _ in range(count):
        data[rng.randrange(4096, len(data))] = rng.randrange(256)
    path.write_bytes(bytes(data))


def test_damaged_database_refuses_reads_and_writes_until_restored(
    studied: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (backup,) = (studied.parent / f"{studied.name}.backups").iterdir()  # made by the first review
    assert run(capsys, "db", "check")[0] == 0
    scatter(studied)
    damaged = studied.read_bytes()
    deck = tmp_path / "r.yaml"
    deck.write_text(deck_text("r", 2))
    for argv in (["review", "--card", "q/020", "--grade", "3"], ["import", str(deck)],
                 ["decks"], ["due", "--json"], ["stats", "--json"]):
        code, out, err = run(capsys, *argv, "--now", NOW)
        assert code == 2, (argv, out, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert "damaged" in err and "db restore" in err, err
        assert studied.read_bytes() == damaged, argv
    code, out, err = run(capsys, "db", "check")
    assert code == 1 and str(backup) in err
    code, out, err = run(capsys, "db", "restore", str(backup))
    assert code == 0, err
    assert run(capsys, "db", "check")[0] == 0
    assert dump(studied) == dump(backup)
    code, _out, err = run(capsys, "review", "--card", "q/020", "--grade", "3", "--now", NOW)
    assert code == 0, err


def test_db_backup_to_a_path_and_restore_refuses_a_damaged_copy(
    studied: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.sqlite3"
    code, out, err = run(capsys, "db", "backup", str(copy))
    assert code == 0 and str(copy) in out, err
    assert dump(copy) == dump(studied)
    assert run(capsys, "db", "backup", "/dev/null")[0] == 2  # never replaced by a regular file
    assert Path("/dev/null").is_char_device()
    scatter(copy)
    before = dump(studied)
    code, _out, err = run(capsys, "db", "restore", str(copy))
    assert code == 2 and "integrity" in err
    assert dump(studied) == before
    foreign = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE x (y)")
    con.commit()
    con.close()
    code, _out, err = run(capsys, "db", "restore", str(foreign))
    assert code == 2 and "not a flashdl database" in err
    assert dump(studied) == before


def test_read_commands_make_no_backup(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deck = tmp_path / "q.yaml"
    deck.write_text(deck_text("q", 2))
    assert run(capsys, "import", str(deck), "--now", NOW)[0] == 0  # a new database: nothing to back up
    for argv in (["decks"], ["due"], ["show", "q/001"], ["export", "q", "--format", "csv",
                                                       "--out", str(tmp_path / "q.csv")]):
        assert run(capsys, *argv, "--now", NOW)[0] == 0
    assert not (db.parent / f"{db.name}.backups").exists()
    assert run(capsys, "review", "--card", "q/001", "--grade", "4", "--now", NOW)[0] == 0
    assert len(list((db.parent / f"{db.name}.backups").iterdir())) == 1


@pytest.mark.slow  # 40 processes (10 s)
@pytest.mark.parametrize("kind", ["fifo", "folder"])
@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm", "-clean"])
def test_a_side_file_that_is_not_a_regular_file_is_refused_without_hanging(
    studied: Path, tmp_path: Path, suffix: str, kind: str
) -> None:
    """A FIFO as <db>-journal blocked SQLite's open for ever (in C: not even SIGTERM ended it),
    and so did one as <db>-clean flashdl's own read; a folder there made a sound database
    "damaged" (with advice to restore it), and a FIFO as <db>-wal was replaced by a regular file."""
    import os
    import stat
    import subprocess
    import sys

    from cli_helpers import REPO

    side = Path(f"{studied}{suffix}")
    side.unlink(missing_ok=True)  # the clean-close record is there; SQLite removed the others
    if kind == "fifo":
        os.mkfifo(side)
    else:
        side.mkdir()
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(studied.read_bytes())
    before = dump(copy)
    data = studied.read_bytes()
    for argv in (["review", "--card", "q/020", "--grade", "3"], ["decks"], ["db", "check"],
                 ["db", "backup", str(tmp_path / "b.sqlite3")], ["db", "restore", str(copy)]):
        done = subprocess.run([sys.executable, "-m", "flashdl.cli", *argv, "--now", NOW], cwd=REPO,
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "FLASHDL_DB": str(studied)})
        assert done.returncode == 2, (argv, done.stderr)
        assert done.stderr.startswith(f"flashdl: {side}: not a regular file") and "move it away" in done.stderr
        assert len(done.stderr.splitlines()) == 1
        assert studied.read_bytes() == data and dump(copy) == before
        assert stat.S_ISFIFO(side.lstat().st_mode) if kind == "fifo" else side.is_dir()
    assert not (tmp_path / "b.sqlite3").exists()


@pytest.mark.parametrize("kind", ["file", "dangling link"])
def test_a_backups_folder_that_is_not_one_is_named(
    studied: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Backups linked to a drive that is not mounted, or a file by that name: every review failed
    with a bare 'File exists'. The failure stays (the backup comes before the write), but says why."""
    import shutil

    folder = studied.parent / f"{studied.name}.backups"
    shutil.rmtree(folder)
    if kind == "file":
        folder.write_text("")
    else:
        folder.symlink_to(tmp_path / "unmounted" / "backups")
    before = dump(studied)
    expected = (f"flashdl: {folder}: not a folder (a file, or a link to a folder that is not there), so "
                "the database's backups cannot go there; move it away (FLASHDL_BACKUPS=0 turns the "
                "automatic backups off)\n")
    for argv in (["review", "--card", "q/020", "--grade", "3"], ["db", "backup"]):
        code, out, err = run(capsys, *argv, "--now", NOW)
        assert (code, out, err) == (2, "", expected), argv
    assert dump(studied) == before
    assert folder.is_symlink() if kind != "file" else folder.read_text() == ""
    monkeypatch.setenv("FLASHDL_BACKUPS", "0")
    code, _out, err = run(capsys, "review", "--card", "q/020", "--grade", "3", "--now", NOW)
    assert code == 0, err
