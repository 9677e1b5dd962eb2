"""``card_content``: one card's content for ``flashdl show``, in one read.

A read-only use case kept to one call (and one transaction), so the command
can later read without SQLAlchemy by changing this function alone.
"""

from __future__ import annotations

from flashdl.services.lookup import CardRef, UnknownCardError, resolve_card
from flashdl.services.views import CardContent
from flashdl.store import Store, queries


def card_content(store: Store, ref: CardRef) -> CardContent:
    """The card ``ref`` (``DECK/CARD`` or a store id); ``UnknownCardError`` if there is none."""
    with store.read() as conn:
        card_id = resolve_card(conn, ref)
        content = queries.study_content(conn, card_id)
    if content is None:
        raise UnknownCardError(f"unknown card {ref!r}")
    deck_slug, card_slug, front, back, tags, engine, errata, markup = content
    return CardContent(card=f"{deck_slug}/{card_slug}", deck=deck_slug, front=front, back=back,
                       tags=tags, engine=engine, errata=errata, markup=markup)
