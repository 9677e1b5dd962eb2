"""Reading an Anki collection database (schema 11, and schema 18 of ``collection.anki21b``).

Only what flashdl imports is read: note types (fields, templates, whether
cloze), decks, notes, cards with their scheduling, and the review log. The
file is opened by ``open_foreign_collection`` with SQLite's defences on, so a
hostile database can neither be changed nor make SQLite compute what is read
(generated columns, views, triggers) nor run for long; every column read is
checked for the type Anki stores there; any SQLite error becomes an
``InputError`` naming the package.

Rows are ``NamedTuple``s rather than dataclasses: a large collection has
hundreds of thousands of them and a tuple is built three times faster.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from flashdl import bounded_json
from flashdl.errors import InputError, SourcePosition

FIELD_SEPARATOR = "\x1f"
CLOZE_KIND = 1
READ_SECONDS = 300  # reading even a 2 GB collection takes far less; a hostile one stops here
PROGRESS_STEPS = 100_000  # SQLite instructions between two looks at the clock


@dataclass(frozen=True)
class AnkiTemplate:
    name: str
    qfmt: str
    afmt: str


@dataclass(frozen=True)
class AnkiNotetype:
    id: int
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[AnkiTemplate, ...]


@dataclass(frozen=True)
class AnkiDeck:
    id: int
    name: str  # levels joined with "::", as Anki shows it
    description: str


class AnkiNote(NamedTuple):
    id: int
    guid: str
    notetype_id: int
    tags: tuple[str, ...]
    fields: tuple[str, ...]


class AnkiCard(NamedTuple):
    """A card row. ``type`` 0 new, 1 learning, 2 review, 3 relearning;
    ``queue`` -1 suspended, -2/-3 buried; ``due`` days since collection
    creation for review cards; ``factor`` ease per-mille."""

    id: int
    note_id: int
    deck_id: int
    ord: int
    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int


class AnkiReview(NamedTuple):
    """A revlog row (units in anki ``rslib/src/revlog/mod.rs``)."""

    id: int  # review time, ms since the epoch
    card_id: int
    ease: int  # button 1..4, 0 for a manual reschedule
    ivl: int  # days if positive, seconds if negative
    last_ivl: int
    factor: int
    time_ms: int
    type: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled


@dataclass(frozen=True)
class AnkiCollection:
    created_s: int  # collection creation, seconds since the epoch (``col.crt``)
    notetypes: dict[int, AnkiNotetype]
    decks: dict[int, AnkiDeck]
    notes: list[AnkiNote]
    cards: list[AnkiCard]
    reviews: list[AnkiReview]


# What an Anki collection may hold in the columns read here (``typeof()`` names); anything
# else (a NULL time, a BLOB of fields, a text ``ord``) is refused with the row's id.
_COLUMN_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "col": {"crt": ("integer",), "models": ("text",), "decks": ("text",)},
    "notes": {"id": ("integer",), "guid": ("text",), "mid": ("integer",), "tags": ("text",),
              "flds": ("text",)},
    "cards": {column: ("integer",) for column in
              ("id", "nid", "did", "ord", "type", "queue", "due", "ivl", "factor", "reps", "lapses")},
    "revlog": {column: ("integer",) for column in
               ("id", "cid", "ease", "ivl", "lastIvl", "factor", "time", "type")},
    "notetypes": {"id": ("integer",), "name": ("text",), "config": ("blob", "null")},
    "fields": {"ntid": ("integer",), "ord": ("integer",), "name": ("text",)},
    "templates": {"ntid": ("integer",), "ord": ("integer",), "name": ("text",),
                  "config": ("blob", "null")},
    "decks": {"id": ("integer",), "name": ("text",), "kind": ("blob", "null")},
}
SCHEMA11_ONLY = ("models", "decks")  # columns of ``col`` that schema 18 leaves empty
MAX_VALUE_BYTES = 64 << 20  # one field, one JSON column: far above any real note
MAX_JSON_DEPTH = 64  # Anki's note types and decks nest a few levels
MAX_CREATED_S = 1 << 40  # col.crt: seconds since the epoch, a date not 35,000 years away
_LIMITS = {  # sqlite3.SQLITE_LIMIT_* name -> value, for a database nobody here wrote
    "SQLITE_LIMIT_LENGTH": MAX_VALUE_BYTES,
    "SQLITE_LIMIT_SQL_LENGTH": 100_000,
    "SQLITE_LIMIT_EXPR_DEPTH": 100,
    "SQLITE_LIMIT_COMPOUND_SELECT": 10,
    "SQLITE_LIMIT_FUNCTION_ARG": 16,
    "SQLITE_LIMIT_ATTACHED": 0,
    "SQLITE_LIMIT_TRIGGER_DEPTH": 1,
    "SQLITE_LIMIT_VARIABLE_NUMBER": 100,
}


@contextmanager
def open_foreign_collection(path: Path, package: str, member: str,
                            tables: Collection[str]) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a collection someone else wrote, with SQLite's defences on.

    The one place a foreign database is opened (the store will provide it
    once no module outside it uses ``sqlite3``). Read-only and immutable,
    ``trusted_schema`` off, no attached databases, every string or blob at most
    ``MAX_VALUE_BYTES``, and a time budget (``READ_SECONDS``, checked by a
    progress handler). Of ``tables``, those present must be plain tables with
    their columns as stored: a view, a trigger, a virtual table or a generated
    column (``printf('%.*c', 400000000, 'x')`` in an 833-byte file) would make
    SQLite compute what we read, so the package is refused before any row is read.
    Any SQLite error, and running out of time, becomes an ``InputError``.
    """
    where = SourcePosition(package)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as error:
        raise InputError(f"{member} cannot be opened ({error})", where) from None
    deadline = time.monotonic() + READ_SECONDS
    try:
        for name, value in _LIMITS.items():
            db.setlimit(getattr(sqlite3, name), value)
        db.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_STEPS)
        db.execute("PRAGMA trusted_schema = OFF")
        db.execute("PRAGMA query_only = ON")
        db.create_collation("unicase", _unicase)
        _check_schema(db, member, where, tables)
        yield db
    except sqlite3.Error as error:
        if time.monotonic() > deadline:
            raise InputError(f"{member} takes too long to read (over {READ_SECONDS} s)", where) from None
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
    expected = _COLUMN_TYPES[table]
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
    with open_foreign_collection(path, package, member, _COLUMN_TYPES) as db:
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
            notetypes, decks = _schema18_types(db), _schema18_decks(db)
        else:
            notetypes, decks = _schema11_types(db, member, package)
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


def _schema11_types(db: sqlite3.Connection, member: str,
                    package: str) -> tuple[dict[int, AnkiNotetype], dict[int, AnkiDeck]]:
    models_text, decks_text = db.execute("SELECT models, decks FROM col").fetchone()
    try:
        models: dict[str, Any] = bounded_json.loads(models_text or "{}", max_depth=MAX_JSON_DEPTH)
        decks_data: dict[str, Any] = bounded_json.loads(decks_text or "{}", max_depth=MAX_JSON_DEPTH)
        notetypes = {}
        for model in models.values():
            fields = tuple(_json_text(f["name"]) for f in sorted(model["flds"], key=lambda f: f["ord"]))
            templates = tuple(AnkiTemplate(_json_text(t["name"]), _json_text(t.get("qfmt", "")),
                                           _json_text(t.get("afmt", "")))
                              for t in sorted(model["tmpls"], key=lambda t: t["ord"]))
            notetypes[int(model["id"])] = AnkiNotetype(
                int(model["id"]), str(model["name"]), model.get("type", 0) == CLOZE_KIND,
                fields, templates)
        decks = {int(d["id"]): AnkiDeck(int(d["id"]), str(d["name"]), str(d.get("desc") or ""))
                 for d in decks_data.values()}
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as error:
        raise InputError(f"{member}: note types or decks are malformed ({error!r})",
                         SourcePosition(package)) from None
    return notetypes, decks


def _json_text(value: object) -> str:
    """A name or template in the note types' JSON: text, or the collection is malformed."""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r:.40}")
    return value


def _schema18_types(db: sqlite3.Connection) -> dict[int, AnkiNotetype]:
    fields: dict[int, list[str]] = {}
    for ntid, name in db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(name)
    templates: dict[int, list[AnkiTemplate]] = {}
    for ntid, name, config in db.execute("SELECT ntid, name, config FROM templates ORDER BY ntid, ord"):
        values = proto_fields(config)
        templates.setdefault(ntid, []).append(
            AnkiTemplate(name, _text(values.get(1)), _text(values.get(2))))
    notetypes = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        kind = proto_fields(config).get(1, 0)
        notetypes[ntid] = AnkiNotetype(ntid, name, kind == CLOZE_KIND, tuple(fields.get(ntid, ())),
                                       tuple(templates.get(ntid, ())))
    return notetypes


def _schema18_decks(db: sqlite3.Connection) -> dict[int, AnkiDeck]:
    decks = {}
    for did, name, kind in db.execute("SELECT id, name, kind FROM decks"):
        normal = proto_fields(kind).get(1)
        description = _text(proto_fields(normal).get(4)) if isinstance(normal, bytes) else ""
        decks[did] = AnkiDeck(did, name.replace(FIELD_SEPARATOR, "::"), description)
    return decks


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""


def proto_fields(data: bytes | None) -> dict[int, int | bytes]:
    """The top-level fields of a protobuf message (last value wins), without a schema.

    Enough for the few scalars and strings read here; Anki's ``.proto``
    files give the numbers (``notetypes.proto``, ``decks.proto``).
    """
    values: dict[int, int | bytes] = {}
    for number, value in proto_items(data or b""):
        values[number] = value
    return values


def proto_items(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    pos, end = 0, len(data)
    try:
        while pos < end:
            key, pos = _varint(data, pos)
            number, wire = key >> 3, key & 7
            if wire == 0:
                value, pos = _varint(data, pos)
                yield number, value
            elif wire == 2:
                length, pos = _varint(data, pos)
                yield number, data[pos:pos + length]
                pos += length
            elif wire == 1:
                pos += 8
            elif wire == 5:
                pos += 4
            else:
                return  # groups (deprecated) or garbage: stop, keep what was read
    except IndexError:
        return


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
