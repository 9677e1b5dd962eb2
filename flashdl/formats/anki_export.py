"""Writing decks as an Anki package in the legacy layout every Anki reads (INTEROP §3a).

The collection is genanki's: its schema-11 tables and ``col`` row, its note
type and deck JSON, and its ``guid_for`` (note GUIDs are
``guid_for("DECK/CARD")``, so a re-export updates the notes in place).
Notes and cards are inserted in two ``executemany`` batches instead of
genanki's per-note objects, which is what makes 100,000 notes take well under
a second rather than five. Cards go in as new cards (genanki does the same);
flashdl's scheduling does not travel to Anki.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from flashdl.deck.model import Card, Deck
from flashdl.formats.anki_notetype import (AFMT, CSS, FIELDS, NOTETYPE_ID, NOTETYPE_NAME, QFMT,
                                           card_data, deck_marker)
from flashdl.formats.html_markdown import markdown_to_html

SolutionFor = Callable[[Card], str | None]
_BASE91 = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
           "!#$%&()*+,-./:;<=>?@[]^_`{|}~")
_BASE91_PAIRS = [high + low for high in _BASE91 for low in _BASE91]
ANKI_DECK_ID_BASE = 1 << 40


def note_guid(deck_id: str, card_id: str) -> str:
    """The Anki GUID of a card, ``genanki.guid_for("DECK/CARD")``: stable across exports.

    The same computation as genanki's (a test holds them equal), with the
    base-91 digits taken by ``divmod``: a large export makes 100,000 of them.
    """
    number = int.from_bytes(hashlib.sha256(f"{deck_id}/{card_id}".encode()).digest()[:8], "big")
    pairs = []
    while number >= 91:  # two base-91 digits at a time
        number, pair = divmod(number, 8281)
        pairs.append(_BASE91_PAIRS[pair])
    text = "".join(reversed(pairs))
    return (_BASE91[number] + text) if number else text.lstrip(_BASE91[0])


def anki_deck_id(deck_id: str) -> int:
    """A stable Anki deck id for a flashdl deck id (Anki matches decks by name anyway)."""
    digest = hashlib.sha256(deck_id.encode("utf-8")).digest()
    return ANKI_DECK_ID_BASE + int.from_bytes(digest[:4], "big")


def write_package(decks: Sequence[Deck], out: BinaryIO, *, now_ms: int,
                  solution_for: SolutionFor = lambda card: None) -> int:
    """Write ``decks`` as one .apkg to ``out``; returns the number of notes."""
    with tempfile.TemporaryDirectory(prefix="flashdl-apkg-") as folder:
        path = Path(folder) / "collection.anki2"
        count = _write_collection(path, decks, now_ms, solution_for)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.write(path, "collection.anki2")
            archive.writestr("media", "{}")
    return count


def _write_collection(path: Path, decks: Sequence[Deck], now_ms: int,
                      solution_for: SolutionFor) -> int:
    import genanki
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        tables, _, indexes = APKG_SCHEMA.partition("CREATE INDEX")
        db.executescript(tables)  # indexes after the rows: a bulk load builds them faster
        db.executescript(APKG_COL)
        model = genanki.Model(
            NOTETYPE_ID, NOTETYPE_NAME, fields=[{"name": name} for name in FIELDS],
            templates=[{"name": "Card 1", "qfmt": QFMT, "afmt": AFMT}], css=CSS)
        now_s = now_ms // 1000
        models = {str(NOTETYPE_ID): model.to_json(now_s, anki_deck_id(decks[0].id) if decks else 1)}
        deck_json = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
        notes: list[tuple[object, ...]] = []
        cards: list[tuple[object, ...]] = []
        next_id = now_ms
        for deck in decks:
            did = anki_deck_id(deck.id)
            anki_deck = genanki.Deck(did, deck.name, _deck_description(deck))
            deck_json[str(did)] = anki_deck.to_json()
            for position, card in enumerate(deck.cards):
                next_id += 1
                notes.append(_note_row(next_id, deck, position, card, solution_for))
                cards.append((next_id, did, len(cards)))
        db.execute("UPDATE col SET models = ?, decks = ?, mod = ?",
                   (json.dumps(models), json.dumps(deck_json), now_ms))
        # (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data); constants inline
        db.executemany(f"INSERT INTO notes VALUES (?, ?, {NOTETYPE_ID}, {now_s}, -1, ?, ?, ?, 0, 0, '')",
                       notes)
        # a new card (type 0, queue 0) of ord 0, due in order: (id, nid, did, ..., due, ...)
        db.executemany(f"INSERT INTO cards VALUES (?1, ?1, ?2, 0, {now_s}, -1, 0, 0, ?3, "
                       "0, 0, 0, 0, 0, 0, 0, 0, '')", cards)
        db.executescript("CREATE INDEX" + indexes)
        db.commit()
    finally:
        db.close()
    return len(notes)


def _deck_description(deck: Deck) -> str:
    visible = markdown_to_html(deck.description) if deck.description else ""
    return visible + deck_marker(deck)


def _note_row(note_id: int, deck: Deck, position: int, card: Card,
              solution_for: SolutionFor) -> tuple[object, ...]:
    front, back = markdown_to_html(card.front), markdown_to_html(card.back)
    solution = solution_for(card)
    fields = (front, back, markdown_to_html(solution) if solution else "", f"{deck.id}/{card.id}",
              card_data(card, position, (front, back), deck if position == 0 else None))
    tags = " ".join(dict.fromkeys(deck.tags + card.tags) if deck.tags else card.tags)
    return (note_id, note_guid(deck.id, card.id), f" {tags} " if tags else "", "\x1f".join(fields),
            front)
