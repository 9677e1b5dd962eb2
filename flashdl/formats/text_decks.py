"""Delimited-text notes (``anki_text``) to flashdl decks.

Two layouts. flashdl's own — the columns of its Anki note type, recognised
by the column names ``Card`` and ``flashdl`` (flashdl's export) or by the
note type ``flashdl`` (Anki's text export of those notes, columns in field
order) — comes back exactly: ids from ``Card``, the rest from the hidden
field. Any other file is a list of front/back notes (columns named Front and
Back if the header names them, else the first two; further columns join the
back). Their cards are keyed by the note's GUID when there is one, else by
the front text, as Anki keys notes by their first field — so two rows with
one front are an error naming both lines. A note whose first field holds
cloze deletions (``{{c1::...}}``: Anki's text export of a Cloze note) gives
one card per deletion number, as its .apkg would (same ids, ``.c1``...).
Without ``#html:true`` the text is taken as it is, but for MathJax's
``\\(..\\)``, which Anki shows as math either way and becomes ``$..$``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from flashdl.deck.model import MARKUP_MARKDOWN, MARKUP_PLAIN, Card, Deck
from flashdl.deck.yaml_deck import ID_PATTERN, card_text_problem
from flashdl.errors import InputError, SourcePosition
from flashdl.formats import anki_notetype
from flashdl.formats.anki_import import (
    IMAGE_OCCLUSION,
    cloze_numbers,
    cloze_text,
    field_markdown,
    guid_slug,
    slug_for_deck,
)
from flashdl.formats.anki_text import TextNote, TextNotes, is_own_layout
from flashdl.formats.html_markdown import html_to_markdown, mathjax_to_dollars, reads_as_plain
from flashdl.scheduler.leech import LEECH_TAG


@dataclass
class _DeckDraft:
    name: str
    cards: list[Card] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def decks_from_text(notes: TextNotes, filename: str, deck_id: str | None = None,
                    skipped: list[str] | None = None) -> list[Deck]:
    """The decks a delimited file describes (``deck_id`` puts every card into one deck);
    rows that make no card are said in ``skipped``."""
    drafts: dict[str, _DeckDraft] = {}
    seen: dict[tuple[str, str], int] = {}
    columns = _own_columns(notes)
    for note in notes.notes:
        if len(note.fields) < 2:
            raise InputError("a note needs a front and a back column", SourcePosition(filename, note.line))
        if columns is not None and len(note.fields) >= len(anki_notetype.FIELDS):
            deck_slug, card, data = _own_card(note, columns, notes.html)
            cards = [card]
        elif IMAGE_OCCLUSION in note.fields[0]:
            if skipped is not None:
                skipped.append(f"line {note.line}: an image occlusion (parts of a picture hidden), "
                               "which flashdl cannot show")
            continue
        else:
            deck_slug, cards, data = None, _plain_cards(note, notes), {}
        deck_slug = deck_id or deck_slug or slug_for_deck(note.deck or notes.deck or PurePath(filename).stem)
        draft = drafts.setdefault(deck_slug, _DeckDraft(note.deck or notes.deck or deck_slug))
        if isinstance(data.get("deck"), dict):
            draft.meta = data["deck"]
        for card in cards:
            if (deck_slug, card.id) in seen:
                raise InputError(f"duplicate card {deck_slug}/{card.id} (same as line "
                                 f"{seen[deck_slug, card.id]}; a row without an id is keyed by its front)",
                                 SourcePosition(filename, note.line))
            seen[deck_slug, card.id] = note.line
            problem = card_text_problem(card)
            if problem is not None:
                raise InputError(f"card {deck_slug}/{card.id}: {problem}", SourcePosition(filename, note.line))
            draft.cards.append(card)
    return [Deck(id=slug, name=draft.name, cards=tuple(draft.cards),
                 description=draft.meta.get("description"), source=draft.meta.get("source"),
                 tags=tuple(draft.meta.get("tags") or notes.tags),
                 markup=anki_notetype.markup_of(draft.meta) or MARKUP_MARKDOWN)
            for slug, draft in drafts.items()]


def _own_columns(notes: TextNotes) -> dict[str, int] | None:
    """Where flashdl's fields are, if this is flashdl's layout."""
    names = list(notes.columns)
    if is_own_layout(names):
        return {name: i for i, name in enumerate(names)}
    notetypes = {notes.notetype} | {note.notetype for note in notes.notes if note.notetype}
    if notetypes - {None} == {anki_notetype.NOTETYPE_NAME}:
        return {name: i for i, name in enumerate(anki_notetype.FIELDS)}
    return None


def _own_card(note: TextNote, columns: dict[str, int], html: bool) -> tuple[str | None, Card, dict[str, Any]]:
    data = anki_notetype.read_card_data(note.fields[columns["flashdl"]])
    front, back = note.fields[columns["Front"]], note.fields[columns["Back"]]
    if html:  # Anki's text export of flashdl notes: the fields are the HTML flashdl rendered
        front = field_markdown(front, data.get("front"), data.get("front_html"))
        back = field_markdown(back, data.get("back"), data.get("back_html"))
    deck_slug, _, card_id = note.fields[columns["Card"]].partition("/")
    if not (ID_PATTERN.match(deck_slug) and ID_PATTERN.match(card_id)):
        deck_slug, card_id = "", guid_slug(note.guid) if note.guid else _text_id(front)
    tags = anki_notetype.tags_of(data) if data else None
    if tags is not None and LEECH_TAG in note.tags and LEECH_TAG not in tags:
        tags = (*tags, LEECH_TAG)  # the leech flag, which the export writes in the Tags column only
    card = Card(id=card_id, front=front, back=back, tags=note.tags if tags is None else tags,
                engine=anki_notetype.engine_of(data), errata=anki_notetype.errata_of(data),
                markup=anki_notetype.markup_of(data),
                line=note.line)
    return deck_slug or None, card, data


def _plain_cards(note: TextNote, notes: TextNotes) -> list[Card]:
    """The card of a front/back note, or one card per deletion of a cloze note."""
    convert = html_to_markdown if notes.html else mathjax_to_dollars
    lower = [name.lower() for name in notes.columns]
    if "front" in lower and "back" in lower:
        front_at, back_at = lower.index("front"), lower.index("back")
        rest = [i for i in range(len(note.fields)) if i not in (front_at, back_at)]
        order = [back_at, *rest]
    else:
        front_at, order = 0, list(range(1, len(note.fields)))
    text = note.fields[front_at]
    front = convert(text)
    back = convert("\n\n".join(note.fields[i] for i in order if note.fields[i].strip()))
    card_id = guid_slug(note.guid) if note.guid else _text_id(front)
    numbers = cloze_numbers(text)
    if not numbers:  # text without formatting (all of it with #html:false) is shown as Anki shows it
        plain = reads_as_plain(note.fields if notes.html else (), (front, back))
        return [Card(id=card_id, front=front, back=back, tags=note.tags, line=note.line,
                     markup=MARKUP_PLAIN if plain else None)]
    mark = ("<b>", "</b>") if notes.html else ("**", "**")
    cards = []
    for number in numbers:  # the rest of the note (Anki's Back Extra) under each answer
        answer = convert(cloze_text(text, number, front=False, mark=mark))
        cards.append(Card(id=f"{card_id}.c{number}", front=convert(cloze_text(text, number, front=True)),
                          back=f"{answer}\n\n{back}" if back else answer, tags=note.tags, line=note.line))
    return cards


def _text_id(front: str) -> str:
    """A row without an id is keyed by its front text, as Anki keys notes by their first field."""
    return "h" + hashlib.sha1(front.strip().encode("utf-8")).hexdigest()[:12]
