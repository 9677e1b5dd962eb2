"""Settings as a service: read them, change them, set a deck's own new-card limit.

``get_settings(store) -> Settings`` (``new_cards_per_day`` 20, ``rollover_hour`` 4)
``update_settings(store, **changes) -> Settings``
``set_deck_new_limit(store, deck, limit | None)`` (None: back to the global one)
"""

from __future__ import annotations

from typing import Any

from flashdl.errors import UsageError
from flashdl.services.lookup import resolve_deck
from flashdl.store import Store
from flashdl.store import settings as stored
from flashdl.store.settings import Settings


def get_settings(store: Store) -> Settings:
    with store.read() as conn:
        return stored.load_settings(conn)


def update_settings(store: Store, **changes: Any) -> Settings:
    try:
        with store.write() as conn:
            return stored.save_settings(conn, stored.load_settings(conn), **changes)
    except (TypeError, ValueError) as error:
        raise UsageError(f"settings: {error}") from None


def set_deck_new_limit(store: Store, deck: str, limit: int | None) -> None:
    try:
        with store.write() as conn:
            deck_id = resolve_deck(conn, deck)
            assert deck_id is not None
            stored.set_deck_new_limit(conn, deck_id, limit)
    except ValueError as error:
        raise UsageError(str(error)) from None
