"""Anki notes to flashdl cards: Basic, reversed, type-in, Cloze, and flashdl's own note type.

One flashdl card per Anki card: a normal note type's card shows the fields
its front template names on the front and the rest of its back template on
the back (so "Basic (and reversed card)" gives two cards); a Cloze note gives
one card per deletion, the deletion shown as ``[...]`` (or its hint) on the
front and in bold on the back. Notes of flashdl's own note type come back
exactly as they were exported (``anki_notetype``).

Card ids must survive a re-import, so they derive from the note's GUID (the
id Anki keeps stable): letters and digits as they are, anything else as
``_xx`` hex, then ``.2``, ``.3``... for a note's further templates and
``.c1``, ``.c2``... for cloze deletions.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flashdl.deck.model import MARKUP_MARKDOWN, MARKUP_PLAIN, Card, Deck
from flashdl.deck.yaml_deck import ID_PATTERN, card_text_problem
from flashdl.errors import InputError, SourcePosition
from flashdl.formats.anki_collection import (
    AnkiCard,
    AnkiCollection,
    AnkiNote,
    AnkiNotetype,
    AnkiReview,
)
from flashdl.formats.anki_notetype import (
    FIELDS,
    engine_of,
    errata_of,
    fingerprint,
    is_flashdl_notetype,
    markup_of,
    position_of,
    read_card_data,
    read_deck_marker,
    strip_deck_marker,
    tags_of,
)
from flashdl.formats.html_markdown import (
    html_to_markdown,
    is_plain,
    markdown_to_html,
    media_references,
    reads_as_plain,
)
from flashdl.formats.review_bounds import CLOCK_SKEW_MS, EARLIEST_MS, MAX_MS, time_problem
from flashdl.formats.revlog_csv import GRADE_FOR_RATING, MAX_DURATION_MS, RESET, outside_schedule

_TEMPLATE_TOKEN = re.compile(r"\{\{([^{}]+)\}\}")
_SPECIAL_FIELDS = {"FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID"}
MAX_CLOZE_DEPTH = 16
MAX_CLOZE_DIGITS = 6  # a longer number is no card (and ``int`` refuses 4,300 digits)
_CLOZE_TOKEN = re.compile(r"\{\{c(\d+)::|\}\}")
_NOT_TAG_CHARS = re.compile(r"[\s,]+")
# Anki's Image Occlusion notes are clozes whose deletions are shapes drawn on a picture
# (``{{c1::image-occlusion:rect:left=...}}``): as text they are coordinates, not a question.
IMAGE_OCCLUSION = "::image-occlusion:"


@dataclass(frozen=True)
class ImportedDeck:
    deck: Deck
    anki_cards: tuple[AnkiCard, ...]  # the Anki card of each of ``deck.cards``, in order


@dataclass(frozen=True)
class AnkiImport:
    decks: tuple[ImportedDeck, ...]
    media: tuple[str, ...]  # media file names the cards refer to
    skipped: tuple[str, ...]  # what was not imported, and why


def decks_from_collection(collection: AnkiCollection, filename: str,
                          deck_id: str | None = None) -> AnkiImport:
    """flashdl decks for the cards of an Anki collection (one deck per Anki deck, or ``deck_id``)."""
    notes = {note.id: note for note in collection.notes}
    groups: dict[int | str, _DeckGroup] = {}
    skipped: list[str] = []
    media: dict[str, None] = {}
    metas: dict[int, tuple[dict[str, Any], tuple[str, ...]]] = {}  # Anki deck -> (marker, its tags)
    # Notes of exactly flashdl's note type (the bulk of a flashdl export) are read by
    # field position; any other note type goes through its field names.
    own_types = {ntid for ntid, notetype in collection.notetypes.items() if notetype.fields == FIELDS}
    note_of, notetype_of = notes.get, collection.notetypes.get
    last_deck: int | None = None  # cards come deck by deck: the last one's group, marker, tags
    for anki_card in collection.cards:
        note = note_of(anki_card.note_id)
        notetype = notetype_of(note.notetype_id) if note else None
        if note is None or notetype is None:
            skipped.append(f"Anki card {anki_card.id}: its note or note type is missing")
            continue
        if anki_card.deck_id != last_deck or last_deck is None:
            last_deck = anki_card.deck_id
            known = metas.get(anki_card.deck_id)
            if known is None:
                anki_deck = collection.decks.get(anki_card.deck_id)
                marker = read_deck_marker(anki_deck.description) if anki_deck else {}
                known = metas[anki_card.deck_id] = (marker, tuple(marker.get("tags") or ()))
            meta, deck_tags = known
            key: int | str = deck_id or anki_card.deck_id
            found = groups.get(key)
            if found is None:
                anki_deck = collection.decks.get(anki_card.deck_id)
                description = strip_deck_marker(anki_deck.description) if anki_deck else ""
                found = groups[key] = _DeckGroup(deck_id, anki_deck.name if anki_deck else "Imported",
                                                 meta, description, filename)
            group = found
        fields = note.fields
        if note.notetype_id in own_types and len(fields) >= len(FIELDS):
            converted = _flashdl_card(note, fields[0], fields[1], fields[3], fields[4], deck_tags)
        elif notetype.cloze and any(IMAGE_OCCLUSION in field for field in fields):
            skipped.append(f"note {note.guid!r} card {anki_card.ord + 1}: an image occlusion (parts of a "
                           "picture hidden), which flashdl cannot show")
            continue
        else:
            converted = _convert(note, notetype, anki_card, deck_tags)
        if converted is None:
            skipped.append(f"note {note.guid!r} card {anki_card.ord + 1}: nothing on its front")
            continue
        deck_slug, card, position = converted
        group.add(deck_slug, card, anki_card, note, position)
        for field in fields:
            if "src=" in field or "[sound:" in field:
                media.update(dict.fromkeys(media_references(field)))
    decks = tuple(group.build() for group in groups.values() if group.cards)
    ids: dict[str, str] = {}
    for imported in decks:
        if imported.deck.id in ids:
            raise InputError(f"two Anki decks ({ids[imported.deck.id]!r} and {imported.deck.name!r}) "
                             f"map to the deck id {imported.deck.id!r}; import with --deck",
                             SourcePosition(filename))
        ids[imported.deck.id] = imported.deck.name
    return AnkiImport(decks, tuple(media), tuple(skipped))


class _DeckGroup:
    """The cards bound for one flashdl deck, checked for duplicate ids as they come."""

    def __init__(self, deck_id: str | None, name: str, meta: dict[str, Any], description: str,
                 filename: str) -> None:
        self.forced_id = deck_id
        self.name = str(meta.get("name") or name)
        self.meta = meta
        self.description = description
        self.filename = filename
        self.cards: list[Card] = []
        self.anki_cards: list[AnkiCard] = []
        self.positions: list[int] = []
        self.slugs: dict[str, None] = {}
        self.seen: dict[str, str] = {}

    def add(self, deck_slug: str | None, card: Card, anki_card: AnkiCard, note: AnkiNote,
            position: int | None) -> None:
        if card.id in self.seen:
            raise InputError(f"duplicate card id {card.id!r} in deck {self.name!r} (notes "
                             f"{self.seen[card.id]!r} and {note.guid!r})", SourcePosition(self.filename))
        self.seen[card.id] = note.guid
        problem = card_text_problem(card)
        if problem is not None:
            raise InputError(f"note {note.guid!r}: {problem}", SourcePosition(self.filename))
        if deck_slug:
            self.slugs[deck_slug] = None
        self.cards.append(card)
        self.anki_cards.append(anki_card)
        self.positions.append(len(self.positions) if position is None else position)

    def build(self) -> ImportedDeck:
        deck_id = self.forced_id or _valid_id(self.meta.get("id"))
        if deck_id is None and len(self.slugs) == 1:
            deck_id = next(iter(self.slugs))
        description = self.meta.get("description") if self.meta else (
            html_to_markdown(self.description) if self.description else None)
        tags = tuple(str(t) for t in self.meta.get("tags") or ())
        order = sorted(range(len(self.cards)), key=self.positions.__getitem__)
        deck = Deck(id=deck_id or slug_for_deck(self.name), name=self.name,
                    cards=tuple(map(self.cards.__getitem__, order)), source=self.meta.get("source"),
                    description=description or None, tags=tags,
                    markup=markup_of(self.meta) or MARKUP_MARKDOWN)
        return ImportedDeck(deck, tuple(map(self.anki_cards.__getitem__, order)))


def _convert(note: AnkiNote, notetype: AnkiNotetype, anki_card: AnkiCard,
             deck_tags: tuple[str, ...]) -> tuple[str | None, Card, int | None] | None:
    values = dict(zip(notetype.fields, note.fields))
    if is_flashdl_notetype(notetype.fields):
        return _flashdl_card(note, values.get("Front", ""), values.get("Back", ""),
                             values.get("Card", ""), values.get("flashdl", ""), deck_tags)
    tags = tuple(t for t in (_clean_tag(tag) for tag in note.tags) if t)
    if notetype.cloze:
        if not notetype.fields:
            return None  # a cloze note type without fields has nothing to show
        front, back = _cloze_sides(notetype, values, anki_card.ord + 1)
        card_id = f"{guid_slug(note.guid)}.c{anki_card.ord + 1}"
    else:
        if anki_card.ord >= len(notetype.templates):
            return None
        front, back = _template_sides(notetype.templates[anki_card.ord].qfmt,
                                      notetype.templates[anki_card.ord].afmt, values)
        card_id = guid_slug(note.guid) + (f".{anki_card.ord + 1}" if anki_card.ord else "")
    if not front.strip():
        return None
    # a note without formatting is plain text, as Anki shows it; a cloze's answer is bold
    plain = not notetype.cloze and reads_as_plain(note.fields, (front, back))
    return None, Card(id=card_id, front=front, back=back, tags=tags,
                      markup=MARKUP_PLAIN if plain else None), None


def _flashdl_card(note: AnkiNote, front_html: str, back_html: str, card_field: str, data_text: str,
                  deck_tags: tuple[str, ...]) -> tuple[str | None, Card, int | None] | None:
    """A note of flashdl's note type, from its Front, Back, Card and flashdl fields."""
    data = read_card_data(data_text)
    deck_slug, _, card_slug = card_field.partition("/")
    if not (ID_PATTERN.match(deck_slug) and ID_PATTERN.match(card_slug)):
        deck_slug, card_slug = "", guid_slug(note.guid)
    front = field_markdown(front_html, data.get("front"), data.get("front_html"))
    back = field_markdown(back_html, data.get("back"), data.get("back_html"))
    if not front.strip() and not back.strip():
        return None
    tags = tags_of(data) if data else None
    if tags is None:
        tags = tuple(t for t in (_clean_tag(tag) for tag in note.tags) if t and t not in deck_tags)
    card = Card(card_slug, front, back, tags, engine_of(data) if "engine" in data else None,
                errata_of(data) if "errata" in data else (),
                markup=markup_of(data) if "markup" in data else None)
    return deck_slug or None, card, position_of(data) if "pos" in data else None


def field_markdown(field_html: str, markdown: object, rendered: object) -> str:
    """The stored Markdown while Anki's field is still what it was rendered to.

    Plain text is stored in the field only (it renders to itself), so a plain
    field is taken verbatim, trailing newline and all.
    """
    if isinstance(markdown, str):
        if isinstance(rendered, str):
            unchanged = rendered == fingerprint(field_html)
        else:
            unchanged = markdown_to_html(markdown) == field_html
        if unchanged:
            return markdown
    elif is_plain(field_html):
        return field_html
    return html_to_markdown(field_html)


def template_fields(template: str) -> list[tuple[str, str]]:
    """``(filter, field)`` for each field a card template shows (sections skipped)."""
    found = []
    for token in _TEMPLATE_TOKEN.findall(template):
        token = token.strip()
        if token[:1] in "#^/!":
            continue
        *filters, name = token.split(":")
        found.append((filters[0] if filters else "", name.strip()))
    return found


def _template_sides(qfmt: str, afmt: str, values: dict[str, str]) -> tuple[str, str]:
    front_names = [name for flt, name in template_fields(qfmt)
                   if flt != "type" and name in values and name not in _SPECIAL_FIELDS]
    back_names = [name for _, name in template_fields(afmt)
                  if name in values and name not in _SPECIAL_FIELDS and name not in front_names]
    return _join(values, front_names), _join(values, back_names)


def _cloze_sides(notetype: AnkiNotetype, values: dict[str, str], number: int) -> tuple[str, str]:
    template = notetype.templates[0] if notetype.templates else None
    cloze_names = [name for flt, name in template_fields(template.qfmt if template else "")
                   if flt == "cloze" and name in values] or [notetype.fields[0]]
    front_html = "<br>".join(_cloze(values[name], number, front=True) for name in cloze_names)
    back_html = "<br>".join(_cloze(values[name], number, front=False) for name in cloze_names)
    extra = [name for _, name in template_fields(template.afmt if template else "")
             if name in values and name not in cloze_names and name not in _SPECIAL_FIELDS]
    back = html_to_markdown(back_html)
    extra_text = _join(values, extra)
    return html_to_markdown(front_html), f"{back}\n\n{extra_text}" if extra_text else back


def _cloze(text: str, number: int, *, front: bool, mark: tuple[str, str] = ("<b>", "</b>")) -> str:
    """``text`` with its cloze deletions resolved for card ``number``, in one linear pass.

    A deletion is ``{{cN::answer}}`` or ``{{cN::answer::hint}}`` (the first
    ``::`` splits), nested ones resolved inside out, card ``number``'s shown
    as ``[...]`` (or ``[hint]``) on the front and between ``mark`` on the back; openers never closed,
    stray ``}}`` and openers nested deeper than ``MAX_CLOZE_DEPTH`` stay as
    text (each level copies what it holds: the cap keeps the pass linear). A stack, not a regex: the regex this replaced
    backtracked (``{{c1::`` then 20,000 × ``a::`` took 85 s).
    """
    if "{{c" not in text:
        return text
    wanted = str(number)
    out: list[str] = []
    stack: list[tuple[str, str, list[str]]] = []  # (opener as written, its number, text so far)
    parts = out
    pos = 0
    for token in _CLOZE_TOKEN.finditer(text):
        parts.append(text[pos:token.start()])
        pos = token.end()
        digits = token.group(1)
        if digits is not None and len(stack) >= MAX_CLOZE_DEPTH:
            parts.append(token.group())  # nested deeper than any real note: kept as text
        elif digits is not None:  # an opener: what follows belongs to it until its "}}"
            stack.append((token.group(), digits.lstrip("0") or "0", parts))
            parts = []
        elif stack:
            _opener, digits, outer = stack.pop()
            answer, separator, hint = "".join(parts).partition("::")
            if digits != wanted:
                outer.append(answer)
            elif front:
                outer.append(f"[{hint}]" if separator and hint else "[...]")
            else:
                outer.append(f"{mark[0]}{answer}{mark[1]}")
            parts = outer
        else:
            parts.append("}}")  # a "}}" closing nothing
    parts.append(text[pos:])
    while stack:  # openers never closed: as written
        opener, _digits, outer = stack.pop()
        outer.append(opener + "".join(parts))
        parts = outer
    return "".join(out)


cloze_text = _cloze  # for the text importer: Anki's text export of a Cloze note


def cloze_numbers(text: str) -> list[int]:
    """The card numbers (``N`` of ``{{cN::...}}``, 1 and up) of the deletions ``text`` closes,
    in order: one Anki card each. Scanned as ``_cloze`` scans (openers never closed, or nested
    deeper than ``MAX_CLOZE_DEPTH``, are text and make no card)."""
    if "{{c" not in text:
        return []
    numbers: set[int] = set()
    stack: list[int] = []
    for token in _CLOZE_TOKEN.finditer(text):
        digits = token.group(1)
        if digits is None:
            if stack and (number := stack.pop()):
                numbers.add(number)
        elif len(stack) < MAX_CLOZE_DEPTH:  # (deeper openers are text to ``_cloze``)
            digits = digits.lstrip("0") or "0"
            stack.append(int(digits) if len(digits) <= MAX_CLOZE_DIGITS else 0)
    return sorted(numbers)


def review_history(reviews: Iterable[AnkiReview], filename: str,
                   now_ms: int | None) -> tuple[dict[int, list[tuple[int, int, int]]], int]:
    """The reviews of a collection's revlog by Anki card id, as ``(ms, grade, duration_ms)``,
    and how many reviews came before a reset of their card (not imported).

    What Anki itself schedules from (``RevlogEntry`` in anki's ``rslib/src/revlog/mod.rs``):
    button 0 is a manual reschedule, not a review; a manual row with no ease is a reset
    ("Forget", the card is new again), after which Anki's FSRS ignores the card's earlier
    reviews, so they are dropped here too; a filtered-deck row with no ease is a preview
    ("cramming"), which schedules nothing (skipped). Any other button outside 1..4, or a
    time outside ``review_bounds``, refuses the package. Rows come in time order (revlog id).
    """
    by_card: dict[int, list[tuple[int, int, int]]] = {}
    before_reset = 0
    latest_ms = MAX_MS if now_ms is None else min(MAX_MS, now_ms + CLOCK_SKEW_MS)
    grade_for = GRADE_FOR_RATING.get
    for review in reviews:
        if (outside := outside_schedule(review.type, review.factor)) is not None:
            if outside == RESET:
                before_reset += len(by_card.pop(review.card_id, ()))
            continue
        grade = grade_for(review.ease)
        if grade is None:
            if review.ease == 0:
                continue
            raise InputError(f"review {review.id} of Anki card {review.card_id}: button "
                             f"{review.ease} out of range (1..4)", SourcePosition(filename))
        if not EARLIEST_MS <= review.id <= latest_ms:
            raise InputError(f"review of Anki card {review.card_id}: {time_problem(review.id, now_ms)}",
                             SourcePosition(filename))
        by_card.setdefault(review.card_id, []).append(
            (review.id, grade, max(0, min(review.time_ms, MAX_DURATION_MS))))
    return by_card, before_reset


def _join(values: dict[str, str], names: list[str]) -> str:
    parts = [html_to_markdown(values[name]) for name in dict.fromkeys(names) if values[name].strip()]
    return "\n\n".join(part for part in parts if part)


def guid_slug(guid: str) -> str:
    """A card id for an Anki GUID: reversible, and valid as a flashdl id."""
    slug = "".join(chr(byte) if chr(byte).isalnum() and byte < 128 else f"_{byte:02x}"
                   for byte in guid.encode("utf-8"))
    return slug if slug[:1].isalnum() else f"g{slug}"


def slug_for_deck(name: str) -> str:
    """A deck id for an Anki deck name: its ASCII letters and digits; for a name with none
    (日本語, Русский) ``anki-`` and a digest of the name, so that two such decks stay two decks
    (they were both ``anki``: the second import retired the first deck's cards)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name.replace("::", "-")).strip("-._").lower()
    if slug:
        return slug
    return "anki-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8] if name.strip() else "anki"


def _valid_id(value: object) -> str | None:
    return value if isinstance(value, str) and ID_PATTERN.match(value) else None


def _clean_tag(tag: str) -> str:
    return _NOT_TAG_CHARS.sub("_", tag).strip("_")
