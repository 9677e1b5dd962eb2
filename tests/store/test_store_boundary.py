"""Only ``flashdl/store/`` speaks to the database: no sqlite3, ``.dbapi``, SQLAlchemy or SQL elsewhere.

Services hold the ``Transaction`` that ``Store.read()``/``write()`` yield and
pass it to store functions, which choose SQLAlchemy Core or a raw statement
themselves; that is what lets a second database engine replace the store
without touching anything outside it.
"""

from __future__ import annotations

import re
from pathlib import Path

import flashdl

PACKAGE = Path(flashdl.__file__).parent
FORBIDDEN = {
    "sqlite3": re.compile(r"^\s*(import|from)\s+sqlite3\b|\bsqlite3\.[A-Za-z_]", re.MULTILINE),
    ".dbapi": re.compile(r"\.dbapi\b"),
    "SQLAlchemy": re.compile(r"^\s*(import|from)\s+sqlalchemy\b", re.MULTILINE),
    "SQL text": re.compile(
        r"\b(SELECT|INSERT|UPDATE|DELETE|REPLACE)\s+\S+[^\n]*\b(FROM|INTO|SET)\b"
        r"|\b(CREATE|DROP|ALTER)\s+(TABLE|INDEX|VIEW)\b|\bPRAGMA\s+\w+|\bBEGIN\s+IMMEDIATE\b"
        r"|\.execute(many|script)?\(|\bexec_driver_sql\b"),
}


def offences(relative: str, text: str) -> list[str]:
    return [f"{relative}: {what} ({match.group(0).strip()!r})"
            for what, pattern in FORBIDDEN.items() for match in pattern.finditer(text)]


def test_nothing_outside_the_store_touches_the_database() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("store/"):
            continue
        found += offences(relative, path.read_text(encoding="utf-8"))
    assert found == []


def test_the_check_sees_each_kind_of_offence() -> None:
    """The patterns are not vacuous: each catches what it is meant to."""
    samples = {
        "import sqlite3": "sqlite3", "db = sqlite3.connect(p)": "sqlite3",
        "raw = store.dbapi": ".dbapi", "from sqlalchemy import select": "SQLAlchemy",
        'q = "SELECT slug FROM deck"': "SQL text", "db.execute(q)": "SQL text",
        '"UPDATE card SET x = 1"': "SQL text", '"PRAGMA user_version"': "SQL text",
    }
    for sample, kind in samples.items():
        assert any(f": {kind} (" in line for line in offences("x.py", sample)), sample
    assert offences("x.py", '"flashdl.sqlite3 in the data dir"; select a deck from the list') == []
