"""Finding cards and decks by what users type, and the service-level errors."""

from __future__ import annotations

from datetime import datetime

from typing import TYPE_CHECKING

from flashdl.errors import FlashdlError
from flashdl.store import queries
from flashdl.store.connection import Transaction

if TYPE_CHECKING:
    from flashdl.store.scheduling import LoadedState


class UnknownCardError(FlashdlError):
    """No card has that id."""


class UnknownDeckError(FlashdlError):
    """No deck has that id."""


class RetiredCardError(FlashdlError):
    """The card was removed from its deck file; it keeps its history but is not studied."""


class CardChangedError(FlashdlError):
    """The card changed (another window or process) since it was shown; show it again."""


CardRef = int | str  # a store id (from a view) or "DECK/CARD"


def retired_message(full_id: str) -> str:
    return f"card {full_id} is retired (gone from its deck file)"


def card_in_study(conn: Transaction, ref: CardRef, *, options: bool = True) -> tuple[int, LoadedState]:
    """``(card id, its scheduling state)`` for an action on its schedule (a review, Forget, Set due
    date, suspend): an unknown card, or a retired one (gone from its deck file, so never studied),
    is refused before anything is written. ``options``: as ``scheduling.load_state``."""
    from flashdl.store import scheduling

    card_id = resolve_card(conn, ref)
    loaded = scheduling.load_state(conn, card_id, options=options)
    if loaded is None:
        raise UnknownCardError(f"unknown card {ref!r}")
    if loaded.retired:
        raise RetiredCardError(retired_message(loaded.full_id))
    return card_id, loaded


def resolve_card(conn: Transaction, ref: CardRef) -> int:
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    text = str(ref)
    deck_slug, slash, card_slug = text.partition("/")
    card_id = queries.card_id(conn, deck_slug, card_slug) if slash else None
    if card_id is None:
        if not slash:
            raise UnknownCardError(f"card {text!r}: expected DECK/CARD, e.g. quiz-3/082")
        raise UnknownCardError(f"unknown card {text!r}")
    return card_id


def resolve_deck(conn: Transaction, slug: str | None) -> int | None:
    if slug is None:
        return None
    deck_id = queries.deck_id(conn, slug)
    if deck_id is None:
        known = ", ".join(d.slug for d in queries.decks(conn)[:10]) or "none imported yet"
        raise UnknownDeckError(f"unknown deck {slug!r} (decks: {known})")
    return deck_id


def require_aware(now: datetime) -> datetime:
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise ValueError("services need a timezone-aware datetime for 'now'")
    return now
