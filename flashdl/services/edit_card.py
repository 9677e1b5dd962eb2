"""Editing one card: the deck's YAML file is changed first (it is the truth), then the store follows.

``edit_card(store, deck, card_id, front, back, tags, now) -> str``
    Rewrites only that card's entry in the deck file (``flashdl.deck.yaml_edit``:
    comments and other cards stay byte for byte, line breaks (CRLF) and a BOM
    included; a card from a source keeps
    the source's text as an erratum), writes the file atomically, then syncs
    that deck into the store: the card keeps its store id and its review
    history (DESIGN §2). ``None`` for ``front``, ``back`` or ``tags`` keeps
    what the file has, and so does a field given as the store has it (what the
    editor was shown) when the file was changed by hand since its import; a field
    changed both ways, differently, is refused. A bundled deck is edited in the user's copy of it
    (``bundled_copies.deck_file_for_edit``, made first if needed), never in
    the installed package. Returns ``DECK/CARD``. Refuses, writing nothing: an
    unknown deck or card, a deck with no file, text a deck file cannot hold,
    and a file whose deck id no longer matches.
``card_for_edit(store, card) -> EditableCard``
    What an editor starts from: the card's deck, id, text, tags and markup.
``deck_markup(store, deck) -> str``
    How a new card of ``deck`` is shown (for a live preview).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from flashdl.deck.files import read_text_and_layout
from flashdl.deck.model import MARKUP_MARKDOWN, Deck
from flashdl.deck.yaml_deck import parse_deck
from flashdl.deck.yaml_edit import edit_card_text
from flashdl.errors import UsageError
from flashdl.services.bundled_copies import deck_file_for_edit, released_card_ids
from flashdl.services.deck_sync import sync_decks
from flashdl.services.exchange.files import atomic_output
from flashdl.services.lookup import CardRef, UnknownCardError, UnknownDeckError, require_aware, resolve_card
from flashdl.store import Store, bulk, queries


@dataclass(frozen=True)
class EditableCard:
    """A card as an editor shows it (``deck``/``card`` are the file's ids)."""

    id: int  # store id
    deck: str
    card: str
    front: str
    back: str
    tags: tuple[str, ...]
    markup: str


def card_for_edit(store: Store, card: CardRef) -> EditableCard:
    with store.read() as conn:
        card_id = resolve_card(conn, card)
        stored = queries.cards(conn, [card_id]).get(card_id)
    if stored is None:
        raise UsageError(f"unknown card {card!r}")
    return EditableCard(id=stored.id, deck=stored.deck, card=stored.slug, front=stored.front, back=stored.back,
                        tags=tuple(stored.tags), markup=stored.markup)


def deck_markup(store: Store, deck: str) -> str:
    with store.read() as conn:
        info = bulk.deck_info(conn, deck)
    if info is None:
        raise UnknownDeckError(f"unknown deck {deck!r}")
    return info.markup or MARKUP_MARKDOWN


def edit_card(store: Store, deck: str, card_id: str, front: str | None, back: str | None,
              tags: Sequence[str] | None, now: datetime) -> str:
    require_aware(now)
    with store.write():  # read, edited and written under the write lock, as add_card does
        target = deck_file_for_edit(store, deck, now)
        path = target.path
        text, layout = read_text_and_layout(path)
        current = parse_deck(text, str(path))
        if current.id != deck:
            raise UsageError(f"{path}: holds deck {current.id!r} now, not {deck!r}; re-import it first")
        try:
            card = current.card(card_id)
        except KeyError:
            raise UsageError(f"{path}: has no card {card_id!r} (removed from the file?)") from None
        shown = _as_imported(store, deck, card_id)
        new_text, edited = edit_card_text(
            text, str(path), card_id,
            front=_field("front", front, card.front, shown.front if shown else None, path, card_id),
            back=_field("back", back, card.back, shown.back if shown else None, path, card_id),
            tags=_field("tags", None if tags is None else tuple(tags), card.tags, shown.tags if shown else None,
                        path, card_id),
            from_source=_from_source(current, card_id, path, bundled_copy=target.bundled_copy),
        )
        if new_text is not text:
            with atomic_output(path, mode="wb") as out:
                out.write(layout.encode(new_text))  # a CRLF file stays CRLF, a BOM stays
            sync_decks(store, [(edited, str(path.resolve()))], now)
    return f"{deck}/{card_id}"


def _from_source(deck: Deck, card_id: str, path: Path, *, bundled_copy: bool) -> bool:
    """Whether the card's text is its source's (an edit keeps that text as an erratum): a card
    the student added to a bundled deck is their own text, and an edit of it recorded their
    first wording as "the source's" with the note "edited by user"."""
    if deck.source is None:
        return False
    released = released_card_ids(path) if bundled_copy else None
    return released is None or card_id in released


def _as_imported(store: Store, deck: str, card_id: str) -> EditableCard | None:
    """The card as the store has it: what an editor was shown (None: not imported yet)."""
    try:
        return card_for_edit(store, f"{deck}/{card_id}")
    except UnknownCardError:
        return None


_T = TypeVar("_T", str, tuple[str, ...])


def _field(name: str, given: _T | None, in_file: _T, shown: _T | None, path: Path, card_id: str) -> _T:
    """The value to write, merged with a change made to the file since it was imported.

    An editor starts from the store's text (``shown``). A field the user left as shown keeps
    the file's text: a hand edit of it not yet imported was silently reverted by an edit of
    another field. A field changed both in the file and in the editor, differently, is refused.
    """
    if given is None or given == in_file:
        return in_file
    if shown is None or in_file == shown:
        return given
    if given == shown:
        return in_file
    was = "were" if name == "tags" else "was"
    raise UsageError(f"{path}: the {name} of card {card_id!r} {was} changed in the file since it was "
                     f"imported; import the file again (flashdl import {path}) and edit the card again")
