"""What an Anki collection (schema 11, and schema 18 of ``collection.anki21b``) holds for flashdl.

Only what flashdl imports: note types (fields, templates, whether cloze),
decks, notes, cards with their scheduling, and the review log; the types Anki
stores in each column read and the limits put on a database nobody here
wrote. Opening and querying the file is ``flashdl.store.anki_collection``'s
(with SQLite's defences on); this module turns the rows it reads into note
types and decks, and parses the protobuf and JSON inside them.

Rows are ``NamedTuple``s rather than dataclasses: a large collection has
hundreds of thousands of them and a tuple is built three times faster.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
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
COLUMN_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
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
_LIMITS = {  # SQLite's SQLITE_LIMIT_* name -> value, for a database nobody here wrote
    "SQLITE_LIMIT_LENGTH": MAX_VALUE_BYTES,
    "SQLITE_LIMIT_SQL_LENGTH": 100_000,
    "SQLITE_LIMIT_EXPR_DEPTH": 100,
    "SQLITE_LIMIT_COMPOUND_SELECT": 10,
    "SQLITE_LIMIT_FUNCTION_ARG": 16,
    "SQLITE_LIMIT_ATTACHED": 0,
    "SQLITE_LIMIT_TRIGGER_DEPTH": 1,
    "SQLITE_LIMIT_VARIABLE_NUMBER": 100,
}


def schema11_types(models_text: str | None, decks_text: str | None, member: str,
                   package: str) -> tuple[dict[int, AnkiNotetype], dict[int, AnkiDeck]]:
    """Note types and decks from the JSON of ``col.models`` and ``col.decks`` (schema 11)."""
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


def schema18_types(field_rows: Iterable[tuple[int, str]],
                   template_rows: Iterable[tuple[int, str, bytes | None]],
                   notetype_rows: Iterable[tuple[int, str, bytes | None]]) -> dict[int, AnkiNotetype]:
    """Note types from the rows of schema 18's tables: ``fields`` ``(ntid, name)`` and
    ``templates`` ``(ntid, name, config)``, both in ``ntid, ord`` order, and
    ``notetypes`` ``(id, name, config)``."""
    fields: dict[int, list[str]] = {}
    for ntid, name in field_rows:
        fields.setdefault(ntid, []).append(name)
    templates: dict[int, list[AnkiTemplate]] = {}
    for ntid, name, config in template_rows:
        values = proto_fields(config)
        templates.setdefault(ntid, []).append(
            AnkiTemplate(name, _text(values.get(1)), _text(values.get(2))))
    notetypes = {}
    for ntid, name, config in notetype_rows:
        kind = proto_fields(config).get(1, 0)
        notetypes[ntid] = AnkiNotetype(ntid, name, kind == CLOZE_KIND, tuple(fields.get(ntid, ())),
                                       tuple(templates.get(ntid, ())))
    return notetypes


def schema18_decks(deck_rows: Iterable[tuple[int, str, bytes | None]]) -> dict[int, AnkiDeck]:
    """Decks from the rows ``(id, name, kind)`` of schema 18's ``decks`` table."""
    decks = {}
    for did, name, kind in deck_rows:
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
