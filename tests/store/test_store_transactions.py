"""The store's own transactions on its DB-API connection (issue 17), and SQLAlchemy kept out of reads.

Every write is one BEGIN IMMEDIATE ... COMMIT, nested writes are savepoints,
and ``tx.sql`` (SQLAlchemy, built on first use) runs inside the same
transaction without ever committing or rolling it back. A second connection
to the file is the independent witness of what was committed.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from flashdl.store import SCHEMA_VERSION, Store, open_store

REPO = Path(__file__).resolve().parents[2]


def committed(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as other:
        return sorted(other.execute("SELECT key, value FROM setting").fetchall())


def put(store: Store, key: str, value: str, *, sql: bool = False) -> None:
    with store.write() as tx:
        _insert(tx, key, value, sql=sql)


def _insert(tx: object, key: str, value: str, *, sql: bool = False) -> None:
    if sql:
        from sqlalchemy import text

        tx.sql.execute(text("INSERT INTO setting (key, value) VALUES (:k, :v)"), {"k": key, "v": value})  # type: ignore[attr-defined]
    else:
        tx.db.execute("INSERT INTO setting (key, value) VALUES (?, ?)", (key, value))  # type: ignore[attr-defined]


def test_write_commits_and_failure_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    with open_store(path) as store:
        put(store, "a", "1")
        assert committed(path) == [("a", "1")]  # visible to another connection at once
        with pytest.raises(RuntimeError), store.write() as tx:
            _insert(tx, "b", "2")
            raise RuntimeError("boom")
        assert committed(path) == [("a", "1")]
        assert not store.dbapi.in_transaction
        put(store, "c", "3")
    assert committed(path) == [("a", "1"), ("c", "3")]


def test_nested_write_is_a_savepoint(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    with open_store(path) as store:
        with store.write() as tx:
            _insert(tx, "outer", "1")
            with pytest.raises(ValueError), store.write() as inner:
                _insert(inner, "inner", "2")
                raise ValueError
            with store.write() as inner:
                _insert(inner, "kept", "3")
            assert committed(path) == []  # nothing committed before the outer write ends
        assert committed(path) == [("kept", "3"), ("outer", "1")]
        with store.read(), pytest.raises(RuntimeError), store.write():
            pass


def test_sqlalchemy_statements_run_inside_the_stores_transaction(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    with open_store(path) as store:
        # SQLAlchemy made mid-transaction (its first connect rolls back "its" connection):
        # the raw write before it must survive, and its own write must roll back with the rest.
        with pytest.raises(RuntimeError), store.write() as tx:
            _insert(tx, "raw", "1")
            _insert(tx, "sql", "2", sql=True)
            raise RuntimeError
        assert committed(path) == []
        with store.write() as tx:
            _insert(tx, "raw", "1")
            _insert(tx, "sql", "2", sql=True)
            assert committed(path) == []
        assert committed(path) == [("raw", "1"), ("sql", "2")]
        put(store, "again", "3", sql=True)  # the same SQLAlchemy connection, next transaction
        assert committed(path) == [("again", "3"), ("raw", "1"), ("sql", "2")]
        assert not store.dbapi.in_transaction


def test_opening_a_current_database_does_not_import_sqlalchemy(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    open_store(path).close()  # created through SQLAlchemy, in this process
    code = (
        "import sys\n"
        "from flashdl.store import open_store\n"
        f"store = open_store({str(path)!r})\n"
        "with store.write() as tx:\n"
        "    tx.db.execute(\"INSERT INTO setting (key, value) VALUES ('k', '1')\")\n"
        "store.close()\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    assert committed(path) == [("k", "1")]


def test_only_a_current_user_version_skips_the_migrations(tmp_path: Path) -> None:
    from flashdl.store import database

    path = tmp_path / "f.sqlite3"
    assert not database._is_current(path, "NORMAL")  # missing: created through SQLAlchemy
    open_store(path).close()
    assert database._is_current(path, "NORMAL")
    for version in (SCHEMA_VERSION - 1, SCHEMA_VERSION + 1, 0):
        with sqlite3.connect(path) as con:
            con.execute(f"PRAGMA user_version = {version}")
        assert not database._is_current(path, "NORMAL")  # upgraded or refused by migrations
    (tmp_path / "junk").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    assert not database._is_current(tmp_path / "junk", "NORMAL")
