"""Issue 15, the store: opening never waits for a writer, damage is found before a write, backups.

The damaged files are made here: random bytes written over the pages of a
real database. SQLite's own ``integrity_check`` (through a separate
sqlite3 connection) and ``iterdump`` are the references.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from store_helpers import FIXTURES, NOW, dump, make_deck

import flashdl.store.connection as connection
from flashdl.services import browse, deck_list
from flashdl.services.deck_sync import sync_decks
from flashdl.services.reviews import record_review
from flashdl.store import SCHEMA_VERSION, Store, open_store
from flashdl.store import backup as backups
from flashdl.store.errors import (
    BUSY_MESSAGE,
    DatabaseDamagedError,
    NotADatabaseError,
    StoreBusyError,
    StoreError,
)
from flashdl.store.integrity import changed_since_clean_close, clean_marker


def make_db(path: Path, reviews: int = 3) -> Path:
    with open_store(path) as store:
        sync_decks(store, [(make_deck("quiz", 40), None)], NOW)
        for i in range(1, reviews + 1):
            record_review(store, f"quiz/{i:03d}", 4, NOW)
    return path


def sqlite_problems(path: Path) -> list[str]:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        db.close()
    return [] if rows == ["ok"] else rows


def scatter(path: Path, count: int = 200, seed: int = 15) -> None:
    """``count`` random bytes at random offsets past the first page (the header stays valid)."""
    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    for _ in range(count):
        data[rng.randrange(4096, len(data))] = rng.randrange(256)
    path.write_bytes(bytes(data))


# ---------------------------------------------------------------- opening never waits


def test_opening_an_up_to_date_database_takes_no_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 100)  # a lock wait would fail, not stall
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("DELETE FROM review_log")  # uncommitted
    try:
        with open_store(path) as store, store.read() as tx:
            from flashdl.store import scheduling

            assert scheduling.last_review(tx) is not None  # the committed snapshot
        with open_store(path) as store, pytest.raises(StoreBusyError, match=BUSY_MESSAGE):  # noqa: SIM117
            with store.write():
                pass
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_a_database_that_needs_upgrading_says_busy_when_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "new.sqlite3"
    sqlite3.connect(path).close()  # an empty file: the schema must be created, under the lock
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 100)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusyError, match=BUSY_MESSAGE):
            open_store(path)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_special_files_are_not_opened(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "db"
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    with pytest.raises(NotADatabaseError):
        open_store(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db"]


def test_an_explicit_missing_folder_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "no" / "such" / "db.sqlite3", create_folder=False)
    assert not (tmp_path / "no").exists()


# ---------------------------------------------------------------- damage


def test_a_clean_close_is_remembered_and_any_change_is_noticed(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    assert clean_marker(path).is_file() and not changed_since_clean_close(path)
    stamp = path.stat().st_mtime_ns + 5_000_000_000
    os.utime(path, ns=(stamp, stamp))
    assert changed_since_clean_close(path)
    open_store(path).close()  # checked (sound), and remembered again
    assert not changed_since_clean_close(path)


def test_scattered_bytes_are_found_before_anything_is_written(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3", reviews=10)
    scatter(path)
    assert sqlite_problems(path), "the test must damage the file"
    damaged = path.read_bytes()
    with pytest.raises(DatabaseDamagedError) as caught:
        open_store(path, backup=True)
    message = str(caught.value)
    assert "damaged" in message and "db check" in message and "db restore" in message
    assert "\n" not in message
    assert path.read_bytes() == damaged  # not one byte written
    assert not clean_marker(path).exists()
    assert not backups.backup_dir(path).exists()  # a damaged file is not backed up over good ones


def test_the_first_damage_error_of_a_session_is_remembered(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    store = open_store(path)
    with pytest.raises(DatabaseDamagedError), store.read():
        raise sqlite3.DatabaseError("database disk image is malformed")
    before = dump(path)
    with pytest.raises(DatabaseDamagedError):
        record_review(store, "quiz/010", 4, NOW)  # no more writes in this session
    assert dump(path) == before
    store.close()
    assert not clean_marker(path).exists()  # the next open runs quick_check


# ---------------------------------------------------------------- backups


def test_automatic_backups_once_a_day_keep_the_last_n(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    monkeypatch.setenv(backups.BACKUPS_ENV, "3")
    start = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    made = []
    with open_store(path) as store:
        db = store.dbapi
        for hours in range(0, 24 * 6, 6):  # every six hours for six days
            made.append(backups.backup_if_due(db, path, start + timedelta(hours=hours)))
    assert sum(1 for m in made if m is not None) == 6
    kept = backups.automatic_backups(path)
    assert [p.name for p in kept] == [f"backup-2026-01-0{d}T08-00-00Z.sqlite3" for d in (4, 5, 6)]
    for copy in kept:
        assert sqlite_problems(copy) == []
        assert dump(copy) == dump(path)


def test_automatic_backups_can_be_turned_off_or_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    monkeypatch.setenv(backups.BACKUPS_ENV, "0")
    open_store(path, backup=True).close()
    assert backups.automatic_backups(path) == []
    monkeypatch.setenv(backups.BACKUPS_ENV, "seven")
    with pytest.raises(StoreError, match="FLASHDL_BACKUPS"):
        open_store(path, backup=True)


def test_a_session_backs_up_before_it_writes(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    before = dump(path)
    with open_store(path, backup=True) as store:
        record_review(store, "quiz/020", 3, NOW)
    (copy,) = backups.automatic_backups(path)
    assert dump(copy) == before != dump(path)
    open_store(path, backup=True).close()
    assert len(backups.automatic_backups(path)) == 1  # at most once a day


def test_a_backup_is_consistent_while_another_writer_is_busy(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    committed = dump(path)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM review_log")
    try:
        target = backups.backup_now(path, tmp_path / "copy.sqlite3")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert sqlite_problems(target) == [] and dump(target) == committed


def test_restore_replaces_atomically_and_refuses_bad_copies(tmp_path: Path) -> None:
    path = make_db(tmp_path / "db.sqlite3", reviews=2)
    good = backups.backup_now(path, tmp_path / "good.sqlite3")
    with open_store(path) as store:
        record_review(store, "quiz/030", 5, NOW)
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(make_db(tmp_path / "other.sqlite3", reviews=10).read_bytes())
    scatter(damaged)
    foreign = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    current = dump(path)
    for bad in (damaged, foreign, tmp_path / "missing.sqlite3"):
        with pytest.raises(StoreError):
            backups.restore(bad, path, schema_version=99)
        assert dump(path) == current
    backups.restore(good, path, schema_version=99)
    assert dump(path) == dump(good)
    assert not Path(f"{path}-wal").exists() and sqlite_problems(path) == []
    with open_store(path) as store:  # usable again, and writable
        record_review(store, "quiz/030", 5, NOW)


def test_restore_reaches_an_open_session_and_waits_for_a_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_db(tmp_path / "db.sqlite3")
    good = backups.backup_now(path, tmp_path / "good.sqlite3")
    with open_store(path) as store:
        record_review(store, "quiz/030", 5, NOW)
        backups.restore(good, path, schema_version=99)
        with store.read() as tx:  # the open session sees the restored file, not a stale one
            from flashdl.store import scheduling

            assert scheduling.last_review(tx) == scheduling.last_review(tx, 3)  # good's last
        record_review(store, "quiz/031", 5, NOW)  # and writes into it
    assert dump(path).count("INSERT INTO \"review_log\"") == dump(good).count("INSERT INTO \"review_log\"") + 1 == 4
    assert sqlite_problems(path) == []
    monkeypatch.setattr(backups, "RESTORE_WAIT_S", 0.2)
    current = dump(path)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusyError, match="busy"):
            backups.restore(good, path, schema_version=99)
        assert time.monotonic() - started < 5
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert dump(path) == current


def test_store_fixture_type(tmp_path: Path) -> None:
    with open_store(tmp_path / "x.sqlite3") as store:
        assert isinstance(store, Store)


def test_restore_replaces_a_file_sqlite_cannot_open_and_its_stale_wal(tmp_path: Path) -> None:
    good = make_db(tmp_path / "good.sqlite3")
    path = tmp_path / "db.sqlite3"
    path.write_bytes(random.Random(3).randbytes(20_000))  # not a database at all
    Path(f"{path}-wal").write_bytes(random.Random(4).randbytes(5_000))
    backups.restore(good, path, schema_version=99)
    assert not Path(f"{path}-wal").exists()
    assert sqlite_problems(path) == [] and dump(path) == dump(good)
    with open_store(path) as store:
        record_review(store, "quiz/010", 4, NOW)


_KILLED_WHILE_COPYING = """
import os, sqlite3, sys
from pathlib import Path
from flashdl.store import backup
os.replace = lambda *_a: os._exit(9)  # killed after the copy, before its rename: no clean-up runs
backup.copy_database(sqlite3.connect(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_backup_killed_while_copying_leaves_no_database_sized_file_for_good(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flashdl killed (kill -9, a closed terminal, the OOM killer) while making its automatic
    backup left `.backup-....sqlite3.XXXXXXXX.tmp`, a whole copy of the database, in the backups
    folder for good, another at every such interruption. The next automatic backup removes the
    ones left over an hour ago; a newer one may be another flashdl's copy under way and stays."""
    path = make_db(tmp_path / "db.sqlite3")
    folder = tmp_path / "db.sqlite3.backups"
    folder.mkdir()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    left = []
    for name in ("backup-2026-01-01T08-00-00Z.sqlite3", "backup-2026-01-02T08-00-00Z.sqlite3"):
        done = subprocess.run([sys.executable, "-c", _KILLED_WHILE_COPYING, str(path), str(folder / name)],
                              env=env, check=False)
        assert done.returncode == 9
        (temp,) = [p for p in folder.iterdir() if p.name.startswith(f".{name}.")]
        left.append(temp)
    assert all(p.stat().st_size == path.stat().st_size for p in left)  # what the kill leaves
    now = datetime.now(UTC)
    old = (now - timedelta(hours=3)).timestamp()
    os.utime(left[0], (old, old))
    with open_store(path) as store:
        made = backups.backup_if_due(store.dbapi, path, now)
    assert made is not None
    assert sorted(folder.iterdir()) == sorted([made, left[1]])


def _plain_rows(path: Path, table: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
        return [tuple(row) for row in db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid")]
    finally:
        db.close()


def test_restoring_an_older_flashdls_backup_upgrades_it_for_the_open_sessions(tmp_path: Path) -> None:
    """`db restore` of a backup made by an older flashdl (schema 9, a real one) while the terminal
    UI had the database open: the UI's next read failed with "no such column: options" (the old
    schema, unknown to the code running), until it was restarted. The backup now goes in
    upgraded; the backup file itself is never written."""
    path = make_db(tmp_path / "db.sqlite3")
    old = tmp_path / "backup-by-25e94be.sqlite3"
    old.write_bytes((FIXTURES / "schema-9-by-25e94be.sqlite").read_bytes())
    source = old.read_bytes()
    log, cards = _plain_rows(old, "review_log"), _plain_rows(old, "card")
    with open_store(path) as store:
        backups.restore(old, path, SCHEMA_VERSION)
        assert [d.id for d in deck_list.list_decks(store, NOW)] == ["lesson-6", "quiz-3"]
        history = [row for row in log if row[1] == 1]  # card_id is review_log's second column
        assert len(browse.card_details(store, 1).history) == len(history) > 0
        record_review(store, 1, 4, datetime(2026, 10, 1, 10, tzinfo=UTC))
    assert old.read_bytes() == source
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    restored_log = _plain_rows(path, "review_log")
    assert [row[: len(log[0])] for row in restored_log[:-1]] == log and len(restored_log) == len(log) + 1
    assert [row[: len(cards[0])] for row in _plain_rows(path, "card")][1:] == cards[1:]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no copy left
    assert sqlite_problems(path) == []
