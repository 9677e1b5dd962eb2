"""``card_content``: one card's content for ``flashdl show``, in one read.

A read-only use case kept to one call (and one transaction), so the command
can later read without SQLAlchemy by changing this function alone.
"""

from __future__ import annotations

from datetime import datetime

from flashdl.services.lookup import CardRef, UnknownCardError, resolve_card
from flashdl.services.card_views import CardContent
from flashdl.store import Store, queries


def card_content(store: Store, ref: CardRef, now: datetime | None = None) -> CardContent:
    """The card ``ref`` (``DECK/CARD`` or a store id); ``UnknownCardError`` if there is none.
    With ``now``, also its schedule at that moment (``services.card_schedule``)."""
    with store.read() as conn:
        card_id = resolve_card(conn, ref)
        content = queries.study_content(conn, card_id)
        schedule = None
        if now is not None and content is not None:
            from flashdl.services.card_schedule import card_schedule

            schedule = card_schedule(conn, card_id, now)
    if content is None:
        raise UnknownCardError(f"unknown card {ref!r}")
    deck_slug, card_slug, front, back, tags, engine, errata, markup = content
    return CardContent(card=f"{deck_slug}/{card_slug}", deck=deck_slug, front=front, back=back,
                       tags=tags, engine=engine, errata=errata, markup=markup, schedule=schedule)
