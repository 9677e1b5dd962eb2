"""Writing decks as an Anki package in the legacy layout every Anki reads (INTEROP §3a).

The collection is genanki's: its schema-11 tables and ``col`` row, its note
type and deck JSON, and its ``guid_for`` (note GUIDs are
``guid_for("DECK/CARD")``, so a re-export updates the notes in place).
The notes are made as plain rows (``collection_plan``) that the store
inserts in batches (``flashdl.store.anki_collection.build_collection``)
instead of genanki's per-note objects, which is what makes 100,000 notes take
well under a second rather than five; ``flashdl.services.exchange.anki_packages``
joins the two. Cards go in as new cards (genanki does the same); flashdl's
scheduling does not travel to Anki.
"""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from genanki.util import guid_for

from flashdl.deck.model import CORRECTION_MARK, MARKUP_PLAIN, Card, Deck
from flashdl.errors import InputError
from flashdl.formats.anki_notetype import (
    AFMT,
    CSS,
    FIELDS,
    NOTETYPE_ID,
    NOTETYPE_NAME,
    QFMT,
    card_data,
    deck_marker,
    plain_card_data,
    tags_part,
)
from flashdl.formats.anki_schedule import SchedulePlan
from flashdl.formats.html_markdown import markdown_to_html, markdown_to_html_many, plain_to_html

SolutionFor = Callable[[Card], str | None]  # asked only of cards with an engine block
ANKI_DECK_ID_BASE = 1 << 40


NoteSource = tuple[str, str, str, tuple[str, ...], "Card | None"]
"""A note to write: ``(card id, front, back, tags, card)``, where ``card`` is the whole
``Card`` only when it has an engine block, errata or its own ``markup`` (the rare notes that
need it)."""

def note_guid(deck_id: str, card_id: str) -> str:
    """The Anki GUID of a card, ``genanki.guid_for("DECK/CARD")``: stable across exports."""
    guid: str = guid_for(f"{deck_id}/{card_id}")
    return guid


def anki_deck_id(deck_id: str) -> int:
    """A stable Anki deck id for a flashdl deck id (Anki matches decks by name anyway)."""
    digest = hashlib.sha256(deck_id.encode("utf-8")).digest()
    return ANKI_DECK_ID_BASE + int.from_bytes(digest[:4], "big")


def note_sources(cards: Sequence[Card]) -> list[NoteSource]:
    return [(card.id, card.front, card.back, card.tags,
             card if card.engine is not None or card.errata or card.markup else None) for card in cards]


def write_zip(out: BinaryIO, members: Sequence[tuple[str, bytes]], now_ms: int) -> None:
    """A zip of ``members``, deflated at level 1: five times faster than zlib's default
    level 6 for 15% more bytes, which is the better trade for a file made to be imported
    once. Member times come from ``now_ms`` (``--now``), so an export is reproducible."""
    moment = max(time.localtime(now_ms // 1000)[:6], (1980, 1, 1, 0, 0, 0))  # zip's epoch
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members:
            member = zipfile.ZipInfo(name, date_time=moment)
            member.external_attr = 0o600 << 16
            archive.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


@dataclass(frozen=True)
class DeckPlan:
    """One deck of an export collection: its Anki id, its entry in ``col.decks`` and the
    ``(id, guid, tags, flds, sfld)`` of its notes, whose ids start at ``first_note_id``."""

    anki_id: int
    deck_json: dict[str, Any]
    first_note_id: int
    notes: list[tuple[object, ...]]


@dataclass(frozen=True)
class CollectionPlan:
    """Everything an export collection holds, as plain values: the store writes it out.

    Note ``k`` over all decks gets id ``first_note_id + k`` (``now_ms + 1 + k``), and one
    new card of ord 0 with the same id, due ``k``. Cards go in as new cards (genanki does
    the same); flashdl's scheduling does not travel to Anki."""

    now_ms: int
    notetype_id: int
    models_json: str
    decks: list[DeckPlan]
    first_note_id: int
    note_count: int
    schedule: SchedulePlan | None = None  # export --with-history: cards' scheduling and revlog


def collection_plan(decks: Sequence[tuple[Deck, Sequence[NoteSource]]], now_ms: int,
                    solution_for: SolutionFor) -> CollectionPlan:
    """The notes, note type and decks of an export collection (genanki's JSON for both)."""
    import genanki

    model = genanki.Model(
        NOTETYPE_ID, NOTETYPE_NAME, fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card 1", "qfmt": QFMT, "afmt": AFMT}], css=CSS)
    now_s = now_ms // 1000
    models = {str(NOTETYPE_ID): model.to_json(now_s, anki_deck_id(decks[0][0].id) if decks else 1)}
    first_id = next_id = now_ms + 1
    planned = []
    for deck, sources in decks:
        did = anki_deck_id(deck.id)
        planned.append(DeckPlan(did, genanki.Deck(did, deck.name, _deck_description(deck)).to_json(),
                                next_id, _note_rows(next_id, deck, sources, solution_for)))
        next_id += len(sources)
    return CollectionPlan(now_ms, NOTETYPE_ID, json.dumps(models), planned, first_id,
                          next_id - first_id)


def _deck_description(deck: Deck) -> str:
    visible = markdown_to_html(deck.description) if deck.description else ""
    return visible + deck_marker(deck)


def _note_rows(first_id: int, deck: Deck, sources: Sequence[NoteSource],
               solution_for: SolutionFor) -> list[tuple[object, ...]]:
    """``(id, guid, tags, flds, sfld)`` of each note: both sides of every card rendered in one
    batch, tag texts made once per tag set, the full ``card_data`` only for the cards with
    engine blocks or errata."""
    count = len(sources)
    rendered = fields_html(deck, sources)
    deck_id, deck_tags = deck.id, deck.tags
    tag_texts: dict[tuple[str, ...], tuple[str, str]] = {}  # tags -> (notes.tags, card_data part)
    rows: list[tuple[object, ...]] = []
    append = rows.append
    for position, (card_id, front, back, tags, card) in enumerate(sources):
        front_html, back_html = rendered[position], rendered[count + position]
        texts = tag_texts.get(tags)
        if texts is None:
            merged = " ".join(dict.fromkeys(deck_tags + tags) if deck_tags else tags)
            texts = tag_texts[tags] = (f" {merged} " if merged else "", tags_part(tags))
        if card is None and position:
            solution = ""
            data = plain_card_data(position, front, back, front_html, back_html, texts[1])
        else:
            card = card or Card(id=card_id, front=front, back=back, tags=tags)
            solution = solution_html(card, deck, solution_for(card) if card.engine is not None else None)
            data = card_data(card, position, (front_html, back_html), None if position else deck)
        if "\x1f" in front_html or "\x1f" in back_html or "\x1f" in solution:
            # Anki's field separator: the note would come back with other fields (a card
            # stored before deck files refused control characters)
            raise InputError(f"card {deck_id}/{card_id} holds U+001F, Anki's field separator; "
                             "remove it from the card before exporting to Anki")
        append((first_id + position, note_guid(deck_id, card_id), texts[0],
                f"{front_html}\x1f{back_html}\x1f{solution}\x1f{deck_id}/{card_id}\x1f{data}",
                front_html))
    return rows


def solution_html(card: Card, deck: Deck, worked: str | None) -> str:
    """The Solution field, which Anki shows under the answer: a computed card's worked solution,
    then the notes of the card's corrections, as flashdl shows them under its sides. Without
    them a student studying an export saw the corrected text and never the note that the
    source said otherwise (the notes travelled only in the hidden field). Not read back:
    the errata come back from the hidden field."""
    parts = [markdown_to_html(worked)] if worked else []
    if card.errata:
        render = plain_to_html if deck.markup_of(card) == MARKUP_PLAIN else markdown_to_html
        parts += [f"{CORRECTION_MARK}{render(erratum.note.strip())}" for erratum in card.errata
                  if erratum.note.strip()]
    return "<br><br>".join(parts)


def fields_html(deck: Deck, sources: Sequence[NoteSource]) -> list[str]:
    """Every front, then every back, as Anki field HTML: Markdown rendered, plain text
    (``markup: plain``, the deck's or the card's own) escaped so it shows as written."""
    fronts = [source[1] for source in sources]
    backs = [source[2] for source in sources]
    plain = [(card.markup if card is not None and card.markup else deck.markup) == MARKUP_PLAIN
             for *_, card in sources]
    if not any(plain):
        return markdown_to_html_many(fronts + backs)
    if all(plain):
        return [plain_to_html(text) for text in fronts + backs]
    return [plain_to_html(text) if is_plain else markdown_to_html(text)
            for text, is_plain in zip(fronts + backs, plain + plain, strict=True)]
