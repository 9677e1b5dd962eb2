"""Opening databases: pragmas, refusals that leave files untouched, migrations."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from store_helpers import FIXTURES, dump

from flashdl.scheduler.due_spec import parse_due_spec
from flashdl.scheduler.sm2 import replay_log
from flashdl.services import browse, deck_list
from flashdl.services.manual_schedule import forget_cards, set_due_cards
from flashdl.services.reviews import record_review
from flashdl.store import SCHEMA_VERSION, NewerSchemaError, NotADatabaseError, Store, connection, open_store
from flashdl.store import backup as backups
from flashdl.store.errors import StoreBusyError
from flashdl.store.migrations import MIGRATIONS


def test_pragmas_and_parent_dirs(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "flashdl.sqlite3"
    with open_store(path) as store, store.read() as conn:
        pragma = lambda name: conn.sql.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000
        assert pragma("synchronous") == 1  # NORMAL
        assert pragma("user_version") == SCHEMA_VERSION
    assert path.exists()


def test_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are my notes, not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(NotADatabaseError, match="not an SQLite database"):
        open_store(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]


def test_other_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(NotADatabaseError, match="not a flashdl one"):
        open_store(path)
    assert path.read_bytes() == before


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with open_store(path):
        pass
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(NewerSchemaError, match="newer"):
        open_store(path)
    with pytest.raises(NewerSchemaError, match="newer"):
        open_store(path, backup=True)  # a session that may write: still no daily backup of it
    assert path.read_bytes() == before
    assert not (tmp_path / f"{path.name}.backups").exists()


def _schema(path: Path) -> dict[str, object]:
    """Tables (columns as sets) and indexes: comparable across ALTER TABLE column order."""
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        shape: dict[str, object] = {}
        for table in tables:
            shape[table] = sorted(
                (name, kind, notnull, default, pk)
                for _cid, name, kind, notnull, default, pk in db.execute(f"PRAGMA table_info({table})")
            )
            shape[table + " indexes"] = sorted(
                (name, unique, tuple(c[2] for c in db.execute(f"PRAGMA index_info({name})")))
                for _seq, name, unique, *_rest in db.execute(f"PRAGMA index_list({table})")
            )
            shape[table + " fks"] = sorted(db.execute(f"PRAGMA foreign_key_list({table})").fetchall())
        return shape
    finally:
        db.close()


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema-1.sqlite", path)
    return path


def test_fixture_is_schema_one(old_db: Path) -> None:
    db = sqlite3.connect(old_db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()
    assert MIGRATIONS[0].from_version == 1


def test_schema_one_upgrades_with_data_intact(old_db: Path, tmp_path: Path) -> None:
    with open_store(tmp_path / "fresh.sqlite3"):
        pass
    old_rows = dump(old_db)
    with open_store(old_db) as store:
        decks = deck_list.list_decks(store, datetime(2024, 3, 8, 12, tzinfo=UTC))
        first = browse.card_details(store, "quiz-1/001")
        second = browse.card_details(store, "quiz-1/002")
        third = browse.card_details(store, "quiz-1/003")
    assert _schema(old_db) == _schema(tmp_path / "fresh.sqlite3")
    db = sqlite3.connect(old_db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    # Every old row survives (the new columns only add NULLs: schema 10's leech_flags_before).
    upgraded = dump(old_db)
    for line in old_rows.splitlines():
        if line.startswith('INSERT INTO "review_log"'):
            assert line.removesuffix(");") + ",NULL);" in upgraded
        elif line.startswith('INSERT INTO "setting"'):
            assert line in upgraded
    assert [(d.id, d.total, d.due, d.suspended) for d in decks] == [("quiz-1", 3, 2, 1)]
    assert (first.state.repetitions, first.state.interval, first.state.due) == (2, 6, date(2024, 3, 8))
    assert len(second.history) == 2 and second.history[0].typed_answer == "290"
    assert second.engine is not None and second.engine.family == "conv2d_param_count"
    assert third.suspended and third.buried_until is None


def _backups(path: Path) -> list[Path]:
    return sorted((path.parent / (path.name + ".backups")).glob("backup-*.sqlite3"))


def _version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def test_an_upgrade_by_a_read_command_backs_up_the_database_as_it_was(old_db: Path) -> None:
    """The first command after installing a newer flashdl is often `flashdl decks` or `due`:
    it upgraded the database and left no copy of it that the older flashdl could open (the
    pre-upgrade backup was made only for commands that write)."""
    before = dump(old_db)
    open_store(old_db).close()  # as a read command opens it: backup=False
    assert _version(old_db) == SCHEMA_VERSION
    (copy,) = _backups(old_db)
    assert _version(copy) == 1
    assert dump(copy) == before
    open_store(old_db).close()
    assert len(_backups(old_db)) == 1  # an up-to-date database: no upgrade, no backup


def test_an_upgrade_backs_up_the_reviews_made_after_the_days_backup(old_db: Path) -> None:
    """The older flashdl made its daily backup at the day's first session; a review after it,
    then the upgrade the same day: the upgrade's backup was skipped as not yet due, so no copy
    held that review."""
    db = sqlite3.connect(old_db)
    try:
        backups.backup_if_due(db, old_db, datetime.now(UTC) - timedelta(hours=2))  # this morning's
        with db:
            db.execute("UPDATE card SET suspended = 1 WHERE id = 1")  # studied since
    finally:
        db.close()
    before = dump(old_db)
    (morning,) = _backups(old_db)
    assert dump(morning) != before
    open_store(old_db, backup=True).close()
    morning_again, upgrade = _backups(old_db)
    assert morning_again == morning and _version(upgrade) == 1 and dump(upgrade) == before


def test_an_upgrade_retried_while_busy_makes_one_backup_not_one_each_try(
        old_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An older flashdl still open in another terminal holds the write lock: the upgrade says
    busy and the student tries again. Each try made another copy of the same file, and the
    pruning to the last 7 pushed out the daily backups of the days before."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setenv(backups.BACKUPS_ENV, "3")
    db = sqlite3.connect(old_db)
    for days in (3, 2):  # the older flashdl's daily backups, written then
        made = backups.backup_if_due(db, old_db, datetime.now(UTC) - timedelta(days=days))
        assert made is not None
        then = (datetime.now(UTC) - timedelta(days=days)).timestamp()
        os.utime(made, (then, then))
    db.close()
    daily = _backups(old_db)

    class Ticking(datetime):  # each try a minute after the one before
        tries = 0

        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            cls.tries += 1
            return datetime.now(tz) + timedelta(minutes=cls.tries)

    monkeypatch.setattr(backups, "datetime", Ticking)
    blocker = sqlite3.connect(old_db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        for _try in range(4):
            with pytest.raises(StoreBusyError):
                open_store(old_db)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    kept = _backups(old_db)
    assert kept[:2] == daily and len(kept) == 3 and _version(kept[2]) == 1
    db = sqlite3.connect(old_db)
    with db:
        db.execute("UPDATE card SET suspended = 1 WHERE id = 1")  # studied in the older flashdl
    db.close()
    changed = dump(old_db)
    open_store(old_db).close()  # upgraded now: a backup of the file as it was just before
    assert dump(_backups(old_db)[-1]) == changed and _version(_backups(old_db)[-1]) == 1


def test_no_backup_before_an_upgrade_when_backups_are_off(
        old_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backups.BACKUPS_ENV, "0")
    open_store(old_db).close()
    assert _version(old_db) == SCHEMA_VERSION and _backups(old_db) == []


def test_upgraded_database_keeps_working(old_db: Path) -> None:
    with open_store(old_db) as store:
        result = record_review(store, "quiz-1/001", 4, datetime(2024, 3, 8, 12, tzinfo=UTC))
        # 2024-03-08, q=4, n=2, I=6, EF 2.6: I = ceil(6 x 2.6) = ceil(15.6) = 16, due 03-24.
        assert (result.state.interval, result.state.due) == (16, date(2024, 3, 24))
        _assert_replay_matches(store)
        # Forget and Set due date (schema 11's log kinds) keep the fold true on an upgraded log too.
        later = datetime(2024, 3, 9, 12, tzinfo=UTC)
        forget_cards(store, ["quiz-1/001"], later)
        set_due_cards(store, ["quiz-1/002", "quiz-1/003"], parse_due_spec("2-5!"), later)
        record_review(store, "quiz-1/001", 5, later)
        _assert_replay_matches(store)


def test_migration_is_atomic_per_step(old_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import flashdl.store.migrations as migrations

    broken = migrations.Migration("broken", 1, 2, (*MIGRATIONS[0].statements, "NOT SQL AT ALL"))
    monkeypatch.setattr(migrations, "MIGRATIONS", (broken,))
    before = dump(old_db)
    with pytest.raises(Exception):  # noqa: B017 - whatever the error, the file must be unchanged
        open_store(old_db)
    assert dump(old_db) == before


def _assert_replay_matches(store: Store) -> None:
    """Card state is a fold over the review log: replaying it gives the stored state."""
    with store.read() as conn:
        ids = [r[0] for r in conn.sql.exec_driver_sql("SELECT id FROM card")]
    for card_id in ids:
        details = browse.card_details(store, card_id)
        replayed = replay_log((r.kind, r.study_day, r.grade, r.due_after, r.interval_after)
                              for r in details.history)
        assert replayed == details.state, details.card


def test_old_migrations_are_frozen() -> None:
    """Steps hold their DDL as written then: nothing but the version and the models for a new
    database comes from ``schema``, whose constants describe today's schema."""
    import ast

    from flashdl.store import migrations as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    from_schema = {alias.name for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom) and node.module == "flashdl.store.schema"
                   for alias in node.names}
    assert from_schema == {"SCHEMA_VERSION", "Base"}
    assert all(isinstance(statement, str) for step in MIGRATIONS for statement in step.statements)
