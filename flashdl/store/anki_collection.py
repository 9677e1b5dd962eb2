"""The SQLite side of Anki collections: reading a foreign one, writing an export's.

An Anki package holds its collection as an SQLite file. What such a
collection means (note types, decks, the column types Anki stores, the limits
put on a file nobody here wrote) is ``flashdl.formats.anki_collection``'s and
``flashdl.formats.anki_export``'s; opening, querying and building the file is
here, so that the store stays the one package that talks to the database engine.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from flashdl.errors import InputError, SourcePosition
from flashdl.formats import anki_collection as spec
from flashdl.formats.anki_collection import (
    COLUMN_TYPES,
    FIELD_SEPARATOR,
    MAX_CREATED_S,
    AnkiCard,
    AnkiCollection,
    AnkiNote,
    AnkiReview,
    schema11_types,
    schema18_decks,
    schema18_types,
)
from flashdl.formats.anki_export import CollectionPlan
from flashdl.formats.anki_schedule import SchedulePlan


@contextmanager
def open_foreign_collection(path: Path, package: str, member: str,
                            tables: Collection[str]) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a collection someone else wrote, with SQLite's defences on.

    The one place a foreign database is opened. Read-only and immutable,
    ``trusted_schema`` off, no attached databases, every string or blob at most
    ``spec.MAX_VALUE_BYTES``, and a time budget (``spec.READ_SECONDS``, checked by a
    progress handler). Of ``tables``, those present must be plain tables with
    their columns as stored: a view, a trigger, a virtual table or a generated
    column (``printf('%.*c', 400000000, 'x')`` in an 833-byte file) would make
    SQLite compute what we read, so the package is refused before any row is read.
    Any SQLite error, and running out of time, becomes an ``InputError``.
    The limits are looked up in ``spec`` at each call (tests lower them there).
    """
    where = SourcePosition(package)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise InputError(f"{member} cannot be opened ({error})", where) from None
    deadline = time.monotonic() + spec.READ_SECONDS
    try:
        for name, value in spec._LIMITS.items():
            db.setlimit(getattr(sqlite3, name), value)
        db.set_progress_handler(lambda: time.monotonic() > deadline, spec.PROGRESS_STEPS)
        db.execute("PRAGMA trusted_schema = OFF")
        db.execute("PRAGMA query_only = ON")
        db.create_collation("unicase", _unicase)
        _check_schema(db, member, where, tables)
        yield db
    except sqlite3.Error as error:
        if time.monotonic() > deadline:
            raise InputError(f"{member} takes too long to read (over {spec.READ_SECONDS} s)",
                             where) from None
        raise InputError(f"{member} is not a readable SQLite database ({error})", where) from None
    finally:
        db.close()


def _check_schema(db: sqlite3.Connection, member: str, where: SourcePosition,
                  tables: Collection[str]) -> None:
    names = set(tables)
    for kind, name, table, sql in db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"):
        if kind == "trigger" and table in names:
            raise InputError(f"{member} has a trigger ({name!r}) on the table {table!r}; "
                             "a collection has none", where)
        if name in names and kind != "table":
            raise InputError(f"{member}: {name!r} is a {kind}, not a table", where)
        if name in names and "VIRTUAL" in str(sql or "").upper().split("(")[0]:
            raise InputError(f"{member}: {name!r} is a virtual table, not a table", where)
    for table in sorted(names):
        for row in db.execute("SELECT name, hidden FROM pragma_table_xinfo(?)", (table,)):
            if row[1] in (2, 3):  # 2: generated VIRTUAL, 3: generated STORED (1: hidden)
                raise InputError(f"{member}: column {table}.{row[0]} is computed (a generated "
                                 "column), not stored data; a collection has none", where)


def check_column_types(db: sqlite3.Connection, table: str, member: str, where: SourcePosition,
                       columns: Collection[str] | None = None) -> None:
    """Refuse a row whose columns hold another type than an Anki collection stores there."""
    expected = COLUMN_TYPES[table]
    names = [name for name in expected if columns is None or name in columns]
    test = " OR ".join(f"typeof({name}) NOT IN ({', '.join(repr(t) for t in expected[name])})"
                       for name in names)
    row = db.execute(f"SELECT {', '.join(f'typeof({n})' for n in names)}, {names[0]} "
                     f"FROM {table} WHERE {test} LIMIT 1").fetchone()
    if row is not None:
        bad = next(i for i, name in enumerate(names) if row[i] not in expected[name])
        label = f"row with {names[0]} {row[-1]!r}" if names[0] != names[bad] else "a row"
        raise InputError(f"{member}: {table}.{names[bad]} is {row[bad].upper()} in {label} "
                         f"(expected {' or '.join(expected[names[bad]]).upper()})", where)


def read_collection(path: Path, package: str, member: str, *, with_reviews: bool) -> AnkiCollection:
    """Read the collection database at ``path`` (extracted from ``package``'s ``member``)."""
    where = SourcePosition(package)
    with open_foreign_collection(path, package, member, COLUMN_TYPES) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = {"col", "notes", "cards"} - tables
        if missing:
            raise InputError(f"{member} is not an Anki collection (no {', '.join(sorted(missing))} table)",
                             where)
        schema18 = "notetypes" in tables
        check_column_types(db, "col", member, where, ("crt",) if schema18 else None)
        first = db.execute("SELECT crt FROM col LIMIT 1").fetchone()
        if first is None:
            raise InputError(f"{member}: the col table is empty (not an Anki collection)", where)
        created = int(first[0])
        if not 0 <= created <= MAX_CREATED_S:
            raise InputError(f"{member}: col.crt {created} is not a creation time", where)
        if schema18:
            for table in ("notetypes", "fields", "templates", "decks"):
                if table not in tables:
                    raise InputError(f"{member} is not an Anki collection (no {table} table)", where)
                check_column_types(db, table, member, where)
            notetypes = schema18_types(
                db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord").fetchall(),
                db.execute("SELECT ntid, name, config FROM templates ORDER BY ntid, ord").fetchall(),
                db.execute("SELECT id, name, config FROM notetypes").fetchall())
            decks = schema18_decks(db.execute("SELECT id, name, kind FROM decks"))
        else:
            models_text, decks_text = db.execute("SELECT models, decks FROM col").fetchone()
            notetypes, decks = schema11_types(models_text, decks_text, member, package)
        check_column_types(db, "notes", member, where)
        check_column_types(db, "cards", member, where)
        # Named tuples made by tuple.__new__ itself: no Python call per row.
        notes = [_new(AnkiNote, (nid, guid, mid, tuple(tags.split()), tuple(flds.split(FIELD_SEPARATOR))))
                 for nid, guid, mid, tags, flds in db.execute(
                     "SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")]
        cards = list(map(partial(_new, AnkiCard), db.execute(
            "SELECT id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses FROM cards "
            "ORDER BY nid, ord")))
        reviews: list[AnkiReview] = []
        if with_reviews and "revlog" in tables:
            check_column_types(db, "revlog", member, where)
            reviews = list(map(partial(_new, AnkiReview), db.execute(
                "SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id")))
    return AnkiCollection(created, notetypes, decks, notes, cards, reviews)


_new = tuple.__new__


def _unicase(a: str, b: str) -> int:
    a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def build_collection(plan: CollectionPlan) -> bytes:
    """The SQLite file of an export collection (genanki's schema-11 tables and ``col`` row)
    holding ``plan``, built in memory: notes and cards go in as batches, indexes after the rows."""
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    db = sqlite3.connect(":memory:")
    try:
        tables, _, indexes = APKG_SCHEMA.partition("CREATE INDEX")
        db.executescript(tables)  # indexes after the rows: a bulk load builds them faster
        db.executescript(APKG_COL)
        now_ms, now_s, first_id = plan.now_ms, plan.now_ms // 1000, plan.first_note_id
        deck_json = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
        # (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data); constants inline
        insert_notes = (f"INSERT INTO notes VALUES (?, ?, {int(plan.notetype_id)}, {now_s}, -1, "
                        "?, ?, ?, 0, 0, '')")
        for deck in plan.decks:
            deck_json[str(deck.anki_id)] = deck.deck_json
            db.executemany(insert_notes, deck.notes)
            # a new card (type 0, queue 0) of ord 0 per note, due in order: (id, nid, did, ..., due, ...)
            db.execute(f"INSERT INTO cards SELECT id, id, {int(deck.anki_id)}, 0, {now_s}, -1, 0, 0, "
                       f"id - {first_id}, 0, 0, 0, 0, 0, 0, 0, 0, '' FROM notes WHERE id >= ?",
                       (deck.first_note_id,))
        db.execute("UPDATE col SET models = ?, decks = ?, mod = ?",
                   (plan.models_json, json.dumps(deck_json), now_ms))
        if plan.schedule is not None:
            _write_schedule(db, plan.schedule, first_id, now_s)
        db.executescript("CREATE INDEX" + indexes)
        db.commit()
        return db.serialize()
    finally:
        db.close()


def _write_schedule(db: sqlite3.Connection, schedule: SchedulePlan, first_id: int, now_s: int) -> None:
    """An export's scheduling (``export --with-history``, ``formats.anki_schedule``): the
    reviewed cards' columns, the revlog, each deck's config and the collection's FSRS flag."""
    from flashdl.formats.anki_schedule import merged_config

    db.executemany("UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, "
                   f"lapses = ?, data = ? WHERE id = ? + {int(first_id)}", schedule.cards)
    db.executemany(f"INSERT INTO revlog VALUES (?, ? + {int(first_id)}, -1, ?, ?, ?, ?, ?, ?)",
                   schedule.revlog)
    conf_text, dconf_text, decks_text = db.execute("SELECT conf, dconf, decks FROM col").fetchone()
    conf, dconf, decks = json.loads(conf_text), json.loads(dconf_text), json.loads(decks_text)
    base = dconf["1"]
    for anki_id, overrides in schedule.deck_configs.items():
        dconf[str(anki_id)] = merged_config(base, {**overrides, "id": anki_id, "mod": now_s})
        decks[str(anki_id)]["conf"] = anki_id
    # The revlog's buttons are the v2 scheduler's (learning rows too have Hard): a collection
    # not marked v2 is read as v1, whose learning rows had three buttons, and Anki's importer
    # raises each of their buttons by one (Hard becomes Good, Good Easy) and FSRS with them.
    conf["schedVer"] = 2
    if schedule.fsrs:
        conf["fsrs"] = True
    db.execute("UPDATE col SET crt = ?, conf = ?, dconf = ?, decks = ?",
               (schedule.crt, json.dumps(conf), json.dumps(dconf), json.dumps(decks)))
