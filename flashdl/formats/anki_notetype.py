"""flashdl's own Anki note type, and what its hidden field carries.

Fields, in order: ``Front``, ``Back`` (HTML shown in Anki), ``Solution`` (the
worked solution of a computed card's own example and the notes of a card's corrections,
shown under the answer; never read back),
``Card`` (the stable ``DECK/CARD`` id) and ``flashdl`` (JSON: what Anki has
no place for — the Markdown text where its HTML differs from it, the card's
place in its deck, card tags, engine block, errata). The same
columns make flashdl's CSV/TSV files, so one layout serves both.

On the way back, the Markdown in ``flashdl`` is used only while the visible
field still is what flashdl rendered from it; a field edited in Anki wins,
converted from its HTML. The deck's own data (id, description, source,
deck-wide tags) travels in the Anki deck description, after a marker comment
Anki shows to nobody.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from flashdl import bounded_json
from flashdl.deck.model import MARKUP_MARKDOWN, MARKUPS, Card, Deck, EngineSpec, Erratum

NOTETYPE_NAME = "flashdl"
NOTETYPE_ID = 1_718_900_000_001  # fixed: Anki merges note types by id (genanki README)
FIELDS = ("Front", "Back", "Solution", "Card", "flashdl")
QFMT = "{{Front}}"
AFMT = "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}{{#Solution}}<hr>{{Solution}}{{/Solution}}"
CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; }"
DATA_VERSION = 1
_DECK_MARKER = re.compile(r"<!--flashdl-deck (\{.*?\})-->", re.DOTALL)


def is_flashdl_notetype(fields: tuple[str, ...]) -> bool:
    return fields[:len(FIELDS)] == FIELDS


def card_data(card: Card, position: int | None = None,
              rendered: tuple[str, str] | None = None, deck: Deck | None = None) -> str:
    """The JSON of the hidden ``flashdl`` field (compact: one per note).

    ``position`` is the card's place in its deck: Anki renumbers notes whose
    ids clash on import, so note order alone does not keep the deck's order.
    ``rendered`` (the Front and Back HTML) adds the Markdown of each side that
    does not render to itself, with a fingerprint of its HTML, so an import
    can tell an untouched field without rendering it again. ``deck`` (given
    for a deck's first card) adds the deck's own data, for layouts that have
    no deck description to carry it (plain-text exports, flashdl's or Anki's).
    """
    # Built as text (one per note, 100,000 in a large export); strings through json's C encoder.
    parts = [f'{{"v":{DATA_VERSION}']
    if position is not None:
        parts.append(f',"pos":{int(position)}')
    if rendered is not None:  # text an Anki field holds verbatim need not travel twice
        parts.append(_sides(card.front, card.back, rendered[0], rendered[1]))
    if card.tags:
        parts.append(tags_part(card.tags))
    if card.engine is not None:
        engine = {"family": card.engine.family, "params": card.engine.params, "vary": card.engine.vary}
        parts.append(f',"engine":{_compact(engine)}')
    if card.errata:
        errata = [{"note": e.note, "field": e.field, "original": e.original} for e in card.errata]
        parts.append(f',"errata":{_compact(errata)}')
    if card.markup is not None:
        parts.append(f',"markup":{_json_text(card.markup)}')
    if deck is not None:
        meta = {"id": deck.id, "description": deck.description, "source": deck.source,
                "tags": list(deck.tags)}
        if deck.markup != MARKUP_MARKDOWN:
            meta["markup"] = deck.markup
        parts.append(f',"deck":{_compact(meta)}')
    parts.append("}")
    return "".join(parts)


def plain_card_data(position: int, front: str, back: str, front_html: str, back_html: str,
                    tags: str) -> str:
    """``card_data(card, position, (front_html, back_html))`` of a card without engine block
    or errata, its ``tags_part`` given: an export makes one per note, and decks repeat
    a few tag sets, so the caller keeps their text."""
    if front_html == front and back_html == back:
        return f'{{"v":{DATA_VERSION},"pos":{position}{tags}}}'
    return f'{{"v":{DATA_VERSION},"pos":{position}{_sides(front, back, front_html, back_html)}{tags}}}'


def tags_part(tags: tuple[str, ...]) -> str:
    """The ``"tags"`` member of ``card_data`` (with its leading comma; empty for no tags)."""
    return f',"tags":[{",".join(map(_json_text, tags))}]' if tags else ""


def _sides(front: str, back: str, front_html: str, back_html: str) -> str:
    out = ""
    if front_html != front:
        out = f',"front":{_json_text(front)},"front_html":"{fingerprint(front_html)}"'
    if back_html != back:
        out += f',"back":{_json_text(back)},"back_html":"{fingerprint(back_html)}"'
    return out


_json_text = json.encoder.encode_basestring


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def fingerprint(text: str) -> str:
    """A short digest of a field's HTML (is it still what flashdl rendered?)."""
    return _blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


_blake2b = hashlib.blake2b


def read_card_data(text: str) -> dict[str, Any]:
    """The hidden field's data; an empty or foreign value (or JSON nested too deep) reads as no data."""
    if not text or text[0] != "{":
        return {}
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) and data.get("v") == DATA_VERSION else {}


def engine_of(data: dict[str, Any]) -> EngineSpec | None:
    engine = data.get("engine")
    if not isinstance(engine, dict) or not isinstance(engine.get("family"), str):
        return None
    params = engine.get("params")
    return EngineSpec(family=engine["family"], params=params if isinstance(params, dict) else {},
                      vary=bool(engine.get("vary", False)))


def errata_of(data: dict[str, Any]) -> tuple[Erratum, ...]:
    entries = data.get("errata")
    if not isinstance(entries, list):
        return ()
    return tuple(Erratum(note=str(e.get("note", "")), field=e.get("field"), original=e.get("original"))
                 for e in entries if isinstance(e, dict))


def tags_of(data: dict[str, Any]) -> tuple[str, ...] | None:
    tags = data.get("tags", [])
    return tuple(map(str, tags)) if isinstance(tags, list) else None


def position_of(data: dict[str, Any]) -> int | None:
    position = data.get("pos")
    return position if isinstance(position, int) and not isinstance(position, bool) else None


def deck_marker(deck: Deck) -> str:
    """The comment appended to the Anki deck description."""
    meta = {"id": deck.id, "name": deck.name, "description": deck.description,
            "source": deck.source, "tags": list(deck.tags)}
    if deck.markup != MARKUP_MARKDOWN:  # left out by default: older exports read the same
        meta["markup"] = deck.markup
    text = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).replace("--", "-\\u002d")
    return f"<!--flashdl-deck {text}-->"


MARKER_MAX_DEPTH = 8  # {"tags": [...]} is two levels


def read_deck_marker(description: str) -> dict[str, Any]:
    match = _DECK_MARKER.search(description or "")
    if not match:
        return {}
    try:  # an Anki deck's description is anyone's text: bounded like every foreign JSON
        data = bounded_json.loads(match.group(1), max_depth=MARKER_MAX_DEPTH)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def strip_deck_marker(description: str) -> str:
    return _DECK_MARKER.sub("", description or "").strip()


def markup_of(data: dict[str, Any]) -> str | None:
    """The ``markup`` a card's or deck's flashdl data names, if it is one flashdl knows."""
    value = data.get("markup")
    return value if isinstance(value, str) and value in MARKUPS else None
