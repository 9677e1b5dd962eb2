"""Issue 15, the shell: never a traceback, nothing written where it must not be, idempotent batches.

Every hostile input is made by the test itself. The promise checked each
time: exit 2 (or 1 where the contract says), one line on stderr, no
traceback, and the database as it was (except the reviews a batch had
already printed, which stay durable).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from cli_helpers import NOW, REPO, deck_text, dump, run

BATCH_AT = "2024-03-01T10:00:00+00:00"


@pytest.fixture
def deck_db(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    deck = tmp_path / "q.yaml"
    deck.write_text(deck_text("q", 3))
    code, _out, err = run(capsys, "import", str(deck), "--now", NOW)
    assert code == 0, err
    return db


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("flashdl: "), err
    return lines[0]


def review_count(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM review_log").fetchone()[0])
    finally:
        con.close()


# ---------------------------------------------------------------- never a traceback


@pytest.mark.parametrize("argv", [
    ["--now", "0001-01-01", "due"],
    ["--now", "9999-12-31", "due"],
    ["--now", "9999-12-31", "review", "--card", "q/001", "--grade", "3"],
    ["--now", "0001-01-01T00:00:00-05:00", "review", "--card", "q/001", "--grade", "3"],
    ["due", "--limit", str(10**23)],
    ["stats", "--days", str(10**9)],
    ["review", "--card", "q/\udcff", "--grade", "3"],
    ["review", "--card", "\ud800/001", "--grade", "3"],
    ["show", "q/\udc80\udcff"],
])
def test_out_of_range_arguments_are_one_line_exit_2(
    deck_db: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(deck_db)
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err and err.strip()
    assert dump(deck_db) == before


def test_invalid_utf8_card_id_in_a_real_process(deck_db: Path) -> None:
    """argv bytes that are not UTF-8 arrive as lone surrogates (surrogateescape)."""
    before = dump(deck_db)
    argv = [sys.executable, "-m", "flashdl.cli", "review", "--card", b"q/\xff\xfe", "--grade", "3"]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, timeout=60,
                          env={**os.environ, "FLASHDL_DB": str(deck_db)})
    assert done.returncode == 2
    one_line_error(done.stderr.decode("utf-8", "replace"))
    assert dump(deck_db) == before


def _batch_file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("bad_line", [
    json.dumps({"card": "q/002", "grade": 3, "at": "0001-01-01T00:00:00+00:00"}),
    json.dumps({"card": "q/002", "grade": 3, "at": "9999-12-31T23:00:00+00:00"}),
    json.dumps({"card": "q/002", "grade": 3, "at": "2024-03-02T10:00:01+00:00"}),  # > a day after --now
    "[" * 100_000 + "]" * 100_000,
    '{"card": ' * 100_000,
    '{"card": "q/002", "grade": 3, "grade": 5}',
    '{"card": "q/002", "card": "q/003", "grade": 3}',
])
def test_hostile_batch_lines_change_nothing(
    deck_db: Path, tmp_path: Path, bad_line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good = json.dumps({"card": "q/001", "grade": 4, "at": BATCH_AT})
    batch = _batch_file(tmp_path, [good, bad_line])
    before = dump(deck_db)
    code, out, err = run(capsys, "review", "--batch", str(batch), "--now", NOW)
    assert code == 2 and out == ""
    assert f"{batch}:2" in one_line_error(err)
    assert dump(deck_db) == before


def test_duplicate_key_is_named(deck_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = _batch_file(tmp_path, ['{"card": "q/002", "grade": 3, "grade": 5}'])
    _code, _out, err = run(capsys, "review", "--batch", str(batch))
    assert "'grade' appears twice" in err


def test_read_only_database_is_one_line(
    deck_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database SQLite can only open read-only (root ignores chmod, so open it ``mode=ro``)."""
    import flashdl.store.database as database

    def read_only(path: Path, **_kwargs: object) -> sqlite3.Connection:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                              isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA busy_timeout = 1000")
        return con

    monkeypatch.setattr(database, "connect", read_only)
    before = dump(deck_db)
    code, _out, err = run(capsys, "review", "--card", "q/001", "--grade", "3", "--now", NOW)
    assert code == 2
    assert "read-only" in one_line_error(err)
    assert dump(deck_db) == before


def test_disk_full_mid_batch_keeps_the_printed_reviews(
    deck_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import flashdl.store.scheduling as scheduling

    real = scheduling.append_review
    calls = []

    def full_on_second(*args: object, **kwargs: object) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise sqlite3.OperationalError("database or disk is full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scheduling, "append_review", full_on_second)
    lines = [json.dumps({"card": f"q/00{i}", "grade": 4, "at": BATCH_AT}) for i in (1, 2, 3)]
    batch = _batch_file(tmp_path, lines)
    code, out, err = run(capsys, "review", "--batch", str(batch), "--json")
    assert code == 2
    message = one_line_error(err)
    assert "disk is full" in message and "1 review(s)" in message
    assert [json.loads(line)["card"] for line in out.splitlines()] == ["q/001"]
    assert review_count(deck_db) == 1  # the printed review is durable, the failed one rolled back
    monkeypatch.setattr(scheduling, "append_review", real)
    code, out, err = run(capsys, "review", "--batch", str(batch), "--json")
    assert code == 0, err
    assert [json.loads(line)["card"] for line in out.splitlines()] == ["q/002", "q/003"]
    assert "skipped" in err and review_count(deck_db) == 3


def test_lock_held_past_the_timeout_mid_batch(
    deck_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import flashdl.services.reviews as reviews
    import flashdl.store.connection as connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    blocker = sqlite3.connect(deck_db, isolation_level=None)
    real = reviews.record_review
    calls = []

    def lock_before_second(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            blocker.execute("BEGIN IMMEDIATE")  # another flashdl starts writing, and holds on
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reviews, "record_review", lock_before_second)
    lines = [json.dumps({"card": f"q/00{i}", "grade": 4, "at": BATCH_AT}) for i in (1, 2, 3)]
    try:
        code, out, err = run(capsys, "review", "--batch", str(_batch_file(tmp_path, lines)))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert code == 2
    message = one_line_error(err)
    assert "busy: another flashdl is writing; try again" in message and "1 review(s)" in message
    assert out.count("q/001") == 1 and "q/002" not in out
    assert review_count(deck_db) == 1


def test_readers_never_wait_for_a_writer(
    deck_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only command runs while another process holds the write lock; a write says busy."""
    import time

    import flashdl.store.connection as connection

    blocker = sqlite3.connect(deck_db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("UPDATE card SET suspended = 1")  # uncommitted: readers must not see it
    try:
        started = time.monotonic()
        for argv in (["decks", "--json"], ["due", "--json"], ["show", "q/001", "--json"]):
            code, out, err = run(capsys, *argv, "--now", NOW)
            assert code == 0, err
        assert time.monotonic() - started < 10  # the busy timeout is 30 s
        monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
        code, _out, err = run(capsys, "review", "--card", "q/001", "--grade", "3", "--now", NOW)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert code == 2
    assert one_line_error(err) == "flashdl: busy: another flashdl is writing; try again"


# ---------------------------------------------------------------- batches are idempotent


def test_a_batch_run_twice_records_each_review_once(
    deck_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [json.dumps({"card": "q/001", "grade": 4, "at": BATCH_AT}),
             json.dumps({"card": "q/001", "grade": 5, "at": "2024-03-02T10:00:00+00:00"}),
             json.dumps({"card": "q/002", "grade": 2, "at": BATCH_AT})]
    batch = _batch_file(tmp_path, lines)
    code, _out, err = run(capsys, "review", "--batch", str(batch))
    assert code == 0, err
    once = dump(deck_db)
    code, out, err = run(capsys, "review", "--batch", str(batch))
    assert code == 0, err
    assert out.count("skipped") == 3 and dump(deck_db) == once
    # resuming: a batch that is the first one plus more applies only the new line
    more = _batch_file(tmp_path, [*lines, json.dumps({"card": "q/003", "grade": 4, "at": BATCH_AT})])
    code, out, _err = run(capsys, "review", "--batch", str(more), "--json")
    assert code == 0 and [json.loads(x)["card"] for x in out.splitlines()] == ["q/003"]
    assert review_count(deck_db) == 4


def test_the_same_line_twice_in_one_batch_counts_once(
    deck_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = json.dumps({"card": "q/001", "grade": 4, "at": BATCH_AT})
    code, _out, err = run(capsys, "review", "--batch", str(_batch_file(tmp_path, [line, line])))
    assert code == 0, err
    assert review_count(deck_db) == 1


@pytest.mark.parametrize(("argv", "expect"), [
    (["review", "--card", "q/001", "--grade", "6"], "see 'flashdl review --help'"),
    (["due", "--limit", "0"], "must be at least 1"),
    (["stats", "--days", "-1"], "argument --days"),
    (["deck", "options", "q", "--new-per-day", "-1"], "must be 0 or more"),
    (["bogus"], "invalid choice: 'bogus'"),
    (["due", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    (["engine", "solve"], "the following arguments are required"),
    (["--now", "", "due"], "--now: '' is not an ISO-8601"),  # was taken as the current time
    (["due", "--now", ""], "--now: '' is not an ISO-8601"),
    (["--db", "", "decks"], "--db: an empty path"),  # was taken as the default database
    # argparse reads a value starting with '-' as an option: the error says how to give it
    (["engine", "check", "optimizer_step", "--params", "{}", "--answer", "-3/4"],
     "expected one argument (a value that starts with '-' goes after '=': --answer=-3/4)"),
    (["engine", "check", "optimizer_step", "--params", "{}", "--ans", "-sqrt(2)"],
     "expected one argument (a value that starts with '-' goes after '=': --answer=-sqrt(2))"),
])
def test_argument_errors_are_one_line_too(deck_db: Path, argv: list[str], expect: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """argparse's own errors, not only flashdl's: one line (no usage block), exit 2, nothing written."""
    before = dump(deck_db)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and expect in one_line_error(err)
    assert dump(deck_db) == before


# ---------------------------------------------------------------- nothing written where it must not be


def _special_files(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    server.close()
    return {"fifo": fifo, "socket": sock_path, "device": Path("/dev/null")}


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
def test_export_refuses_devices_fifos_and_sockets(
    deck_db: Path, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _special_files(tmp_path)[kind]
    mode = target.lstat().st_mode
    for fmt in ("yaml", "csv", "apkg"):
        code, _out, err = run(capsys, "export", "q", "--format", fmt, "--out", str(target))
        assert code == 2
        assert "not a regular file" in one_line_error(err)
        assert target.lstat().st_mode == mode  # still the same special file
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    code, _out, _err = run(capsys, "export", "q", "--format", "yaml", "--out", str(link))
    assert code == 2 and link.is_symlink() and target.lstat().st_mode == mode


def _database_files(db: Path, tmp_path: Path) -> dict[str, Path]:
    """Every name of a file of ``db``: itself, the files SQLite and flashdl keep beside it (made
    to exist: a reader holds the WAL open), a symlink to it, a hard link and a ``..`` detour."""
    (tmp_path / "elsewhere").mkdir()
    link, hard = tmp_path / "elsewhere" / "link.sqlite3", tmp_path / "hard.sqlite3"
    link.symlink_to(db)
    os.link(db, hard)
    names = {suffix or "db": Path(f"{db}{suffix}") for suffix in ("", "-wal", "-shm", "-journal", "-clean")}
    detour = tmp_path / "elsewhere" / ".." / db.parent.name / db.name
    return {**names, "symlink": link, "hard link": hard, "detour": detour}


@pytest.mark.parametrize("fmt", ["yaml", "csv", "tsv", "apkg", "revlog"])
def test_export_never_writes_over_the_database_or_its_files(
    deck_db: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    reader = sqlite3.connect(deck_db)  # keeps -wal and -shm in place, as a running flashdl would
    try:
        reader.execute("SELECT count(*) FROM card").fetchone()
        run(capsys, "review", "--card", "q/001", "--grade", "4", "--now", NOW)
        (deck_db.parent / f"{deck_db.name}-journal").write_text("")  # stands in for a rollback journal
        # every file but -shm, which any reader updates
        before = {p: p.read_bytes() for p in deck_db.parent.iterdir() if p.is_file() and p.name[-4:] != "-shm"}
        for name, target in _database_files(deck_db, tmp_path).items():
            code, _out, err = run(capsys, "export", "q", "--format", fmt, "--out", str(target))
            assert code == 2, (name, err)
            assert "refusing to write over it" in one_line_error(err)
        assert {p: p.read_bytes() for p in before} == before
    finally:
        reader.close()
    assert review_count(deck_db) == 1


def test_db_backup_never_writes_over_the_database_or_its_files(
    deck_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reader = sqlite3.connect(deck_db)
    try:
        reader.execute("SELECT count(*) FROM card").fetchone()
        run(capsys, "review", "--card", "q/001", "--grade", "4", "--now", NOW)
        wal = Path(f"{deck_db}-wal").read_bytes()
        for name, target in _database_files(deck_db, tmp_path).items():
            code, _out, err = run(capsys, "db", "backup", str(target))
            assert code == 2, (name, err)
            assert "refusing to write over it" in one_line_error(err)
        assert Path(f"{deck_db}-wal").read_bytes() == wal
    finally:
        reader.close()
    assert review_count(deck_db) == 1


@pytest.mark.parametrize("out", [".", "/", ""])
def test_export_with_history_to_a_folder_is_one_line(
    deck_db: Path, out: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "export", "q", "--format", "yaml", "--with-history", "--out", out)
    assert code == 2 and "is a directory" in one_line_error(err)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("command", [["export", "q", "--format", "csv", "--out"], ["db", "backup"]])
def test_a_path_that_reaches_a_pipe_is_named_as_one(
    deck_db: Path, tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """`--out /dev/stdout` into a pipe: /dev/stdout links to /proc/self/fd/1, which links to no
    path ("pipe:[…]"); it was reported as a missing temporary file in /proc."""
    read_end, write_end = os.pipe()
    try:
        link = tmp_path / "stdout"
        link.symlink_to(f"/proc/self/fd/{write_end}")
        code, _out, err = run(capsys, *command, str(link))
        assert code == 2 and f"{link}: not a regular file" in one_line_error(err)
    finally:
        os.close(read_end)
        os.close(write_end)


def test_export_follows_a_symlink_and_keeps_permissions(
    deck_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    code, _out, err = run(capsys, "export", "q", "--format", "yaml", "--out", str(link))
    assert code == 0, err
    assert link.is_symlink() and "id: q" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_export_files_follow_the_umask(
    deck_db: Path, tmp_path: Path, umask: int, capsys: pytest.CaptureFixture[str]
) -> None:
    old = os.umask(umask)
    try:
        out = tmp_path / f"new-{umask:o}.csv"
        code, _out, err = run(capsys, "export", "q", "--format", "csv", "--out", str(out))
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_export_with_history_writes_both_files_or_neither(
    deck_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "review", "--card", "q/001", "--grade", "4", "--now", NOW)[0] == 0
    out = tmp_path / "q-export.yaml"
    code, _out, err = run(capsys, "export", "q", "--format", "yaml", "--out", str(out), "--with-history")
    assert code == 0, err
    side = next(p for p in tmp_path.iterdir() if p.name.startswith("q-export") and p != out)
    out.write_text("old deck\n")
    side.write_text("old history\n")
    real_replace = os.replace
    calls = []

    def fail_second(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", fail_second)
    code, _out, err = run(capsys, "export", "q", "--format", "yaml", "--out", str(out), "--with-history")
    monkeypatch.setattr(os, "replace", real_replace)
    assert code == 2 and "No space left" in one_line_error(err)
    assert out.read_text() == "old deck\n" and side.read_text() == "old history\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_database_on_a_device_or_fifo_is_refused_without_a_journal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for kind, target in _special_files(tmp_path).items():
        monkeypatch.setenv("FLASHDL_DB", str(target))
        for argv in (["decks"], ["review", "--card", "q/001", "--grade", "3"], ["import", "--bundled"]):
            code, _out, err = run(capsys, *argv)
            assert code == 2, kind
            assert "not a regular file" in one_line_error(err)
        for suffix in ("-journal", "-wal", "-shm", "-clean", ".backups"):
            assert not Path(f"{target}{suffix}").exists(), (kind, suffix)


def test_an_explicit_database_path_does_not_create_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "x.db"
    monkeypatch.setenv("FLASHDL_DB", str(missing))
    for argv in (["decks"], ["review", "--card", "q/001", "--grade", "3"], ["import", "--bundled"],
                 ["study"], ["study", "--plain"], []):
        code, _out, err = run(capsys, *argv)
        assert code == 2 and "does not exist" in one_line_error(err), argv
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize("given", ["--db", "FLASHDL_DB"])
@pytest.mark.parametrize("exists", [False, True])
def test_a_database_path_ending_in_a_slash_makes_no_file(
    tmp_path: Path, given: str, exists: bool, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--db ~/flashcards/` meant a folder; Path() dropped the slash and a database FILE named
    'flashcards' was made (and `mkdir ~/flashcards` failed after)."""
    folder = tmp_path / "flashcards"
    if exists:
        folder.mkdir()
    text = f"{folder}/"
    monkeypatch.setenv("FLASHDL_DB", text if given == "FLASHDL_DB" else str(tmp_path / "other.sqlite3"))
    for argv in (["decks"], ["import", "--bundled"], ["review", "--card", "q/001", "--grade", "3"]):
        code, out, err = run(capsys, *(["--db", text] if given == "--db" else []), *argv)
        assert (code, out) == (2, "")
        assert one_line_error(err) == (f"flashdl: {given}: {text!r} names a folder; name the database "
                                       f"file in it (e.g. {text}flashdl.sqlite3)")
    assert sorted(p.name for p in tmp_path.iterdir()) == (["flashcards"] if exists else [])
    assert not exists or list(folder.iterdir()) == []


def test_the_default_database_folder_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLASHDL_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    code, _out, err = run(capsys, "decks", "--json")
    assert code == 0, err
    assert list((tmp_path / "xdg").rglob("flashdl.sqlite3")) or list((tmp_path / "home").rglob("flashdl.sqlite3"))


@pytest.mark.parametrize("command", [["check"], ["import"], ["import", "--format", "apkg"],
                                     ["import", "--format", "csv"], ["review", "--batch"]])
def test_check_and_import_refuse_fifos_and_devices_without_hanging(
    deck_db: Path, tmp_path: Path, command: list[str]
) -> None:
    """A FIFO nobody writes to would block a plain open; /dev/zero never ends.

    ``check`` reports it as a problem found (exit 1, its contract); ``import`` refuses (exit 2).
    """
    fifo = tmp_path / "deck.yaml"
    os.mkfifo(fifo)
    before = dump(deck_db)
    for target in (str(fifo), "/dev/zero"):
        done = subprocess.run([sys.executable, "-m", "flashdl.cli", *command, target], cwd=REPO,
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "FLASHDL_DB": str(deck_db)})
        assert done.returncode == (1 if command == ["check"] else 2), done.stderr  # (found by the fuzz test)
        assert "not a regular file" in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert dump(deck_db) == before


def test_a_batch_moment_counts_for_the_local_study_day(deck_db: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """DESIGN §4: a study day starts at 04:00 local time. 07:00Z is 02:00 in New York, so for a
    session there (the zone of --now) it belongs to the day before; it was counted in UTC's day."""
    now = "2024-03-05T12:00:00-05:00"
    lines = [json.dumps({"card": "q/001", "grade": 4, "at": "2024-02-05T07:00:00Z"}),
             json.dumps({"card": "q/002", "grade": 4, "at": "2024-02-05T02:00:00-05:00"})]
    code, out, err = run(capsys, "review", "--batch", str(_batch_file(tmp_path, lines)), "--json", "--now", now)
    assert code == 0, err
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["due"] == second["due"] == "2024-02-05"  # study day 02-04, interval 1
    con = sqlite3.connect(deck_db)
    try:
        assert {day for (day,) in con.execute("SELECT study_day FROM review_log")} == {"2024-02-04"}
    finally:
        con.close()


def test_one_batch_run_twice_at_once_records_each_review_once(deck_db: Path, tmp_path: Path) -> None:
    """Two processes on the same batch at once (a cron overlap, a resume of a batch still
    running): each checked the batch before either wrote, and 4,458 of 6,000 reviews were logged
    twice. The check is now repeated inside each review's write: every line once, whichever
    process wrote it, and each printed result is a logged review. The second starts once the
    first has printed 50 results, as the review that found it did (3 runs of 3 duplicated)."""
    from datetime import timedelta

    from cli_helpers import flashdl_process

    start = datetime.fromisoformat("2024-02-01T10:00:00+00:00")
    lines = [json.dumps({"card": f"q/{card:03d}", "grade": 4 if step % 3 else 1,
                         "at": (start + timedelta(seconds=3 * step + card)).isoformat()})
             for step in range(1000) for card in (1, 2, 3)]
    batch = _batch_file(tmp_path, lines)
    argv = ("--db", str(deck_db), "--now", "2024-02-01T16:00:00+00:00", "review", "--batch", str(batch), "--json")
    first = flashdl_process(*argv)
    assert first.stdout is not None
    # read the first 50 lines from the raw pipe: communicate() reads the descriptor itself, so
    # whatever readline() had buffered past line 50 would be lost (a torn line in CI)
    head = b""
    while head.count(b"\n") < 50:
        chunk = os.read(first.stdout.fileno(), 65536)
        assert chunk, "the first batch ended before 50 results"
        head += chunk
    second = flashdl_process(*argv)
    outs = [head.decode()]
    for proc in (first, second):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        outs.append(out)
    # head + the rest of the first's output, then the second's: both end in a newline
    printed = [json.loads(line) for line in "".join(outs).splitlines()]
    assert review_count(deck_db) == len(lines) == len(printed)
    assert sorted((p["card"], p["reviewed_at"]) for p in printed) == sorted(
        (json.loads(line)["card"], datetime.fromisoformat(json.loads(line)["at"]).isoformat()) for line in lines)


def test_without_now_a_batch_moment_counts_for_the_machines_local_day(deck_db: Path, tmp_path: Path) -> None:
    """The same rule on the real clock: the machine's zone (here New York's, summer time
    included), not the zone of the offset the line was written with."""
    from cli_helpers import flashdl_process

    # 08:30Z is 03:30 in winter (EST) and 04:30 in summer (EDT): one offset for both is wrong for one
    lines = [json.dumps({"card": "q/001", "grade": 4, "at": "2024-02-05T08:30:00Z"}),
             json.dumps({"card": "q/002", "grade": 4, "at": "2024-07-05T08:30:00Z"})]
    proc = flashdl_process("--db", str(deck_db), "review", "--batch", str(_batch_file(tmp_path, lines)),
                           env={**os.environ, "TZ": "America/New_York"})
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    con = sqlite3.connect(deck_db)
    try:
        days = dict(con.execute("SELECT c.slug, r.study_day FROM review_log AS r JOIN card AS c ON c.id = r.card_id"))
    finally:
        con.close()
    assert days == {"001": "2024-02-04", "002": "2024-07-05"}  # before 04:00 local, and after


@pytest.mark.parametrize("argv", [(), ("decks",), ("review", "--card", "q/001", "--grade", "4"),
                                  ("--now", "2024-03-01T10:00", "due"),
                                  ("--now", "2024-03-01T10:00+00:00", "show", "q/001")])
def test_a_local_zone_a_day_from_utc_is_named_not_a_traceback(argv: tuple[str, ...], tmp_path: Path) -> None:
    """POSIX allows ``TZ=UTC+24`` (24 hours west); Python's datetime refuses any offset of a whole
    day, so every command, the terminal UI included, ended in a ValueError traceback."""
    from cli_helpers import flashdl_process

    env = {**os.environ, "TZ": "UTC+24"}
    probe = subprocess.run([sys.executable, "-c", "import datetime; datetime.datetime.now().astimezone()"],
                           env=env, capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "ValueError" in probe.stderr  # the zone is one Python cannot hold
    db = tmp_path / "tz.sqlite3"
    proc = flashdl_process("--db", str(db), *argv, env=env, stdin=subprocess.DEVNULL)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and "TZ=UTC+24" in err
    assert not db.exists()  # refused before anything was opened
