"""Editing one card: the deck's YAML file is changed first (it is the truth), then the store follows.

``edit_card(store, deck, card_id, front, back, tags, now) -> str``
    Rewrites only that card's entry in the deck file (``flashdl.deck.yaml_edit``:
    comments and other cards stay byte for byte; a card from a source keeps
    the source's text as an erratum), writes the file atomically, then syncs
    that deck into the store: the card keeps its store id and its review
    history (DESIGN §2). ``None`` for ``front``, ``back`` or ``tags`` keeps
    what the file has. A bundled deck is edited in the user's copy of it
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

from flashdl.deck.files import read_text_file
from flashdl.deck.model import MARKUP_MARKDOWN
from flashdl.deck.yaml_deck import parse_deck
from flashdl.deck.yaml_edit import edit_card_text
from flashdl.errors import UsageError
from flashdl.services.bundled_copies import deck_file_for_edit
from flashdl.services.deck_sync import sync_decks
from flashdl.services.exchange.files import rewrite_text
from flashdl.services.lookup import CardRef, UnknownDeckError, require_aware, resolve_card
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
        path = deck_file_for_edit(store, deck, now).path
        text = read_text_file(path)
        current = parse_deck(text, str(path))
        if current.id != deck:
            raise UsageError(f"{path}: holds deck {current.id!r} now, not {deck!r}; re-import it first")
        try:
            card = current.card(card_id)
        except KeyError:
            raise UsageError(f"{path}: has no card {card_id!r} (removed from the file?)") from None
        new_text, edited = edit_card_text(
            text, str(path), card_id,
            front=card.front if front is None else front,
            back=card.back if back is None else back,
            tags=card.tags if tags is None else tuple(tags),
        )
        if new_text is not text:
            rewrite_text(path, new_text)
            sync_decks(store, [(edited, str(path.resolve()))], now)
    return f"{deck}/{card_id}"
