"""Deck options as stored: the collection's in the ``deck_options`` setting, a deck's in
``deck.options`` (JSON objects of overrides, ``flashdl.scheduler.deck_options``); new cards
per day keep their older homes (the ``new_cards_per_day`` setting, ``deck.new_per_day``).

Plain statements on ``tx.db``: ``due``, ``decks`` and ``review`` read the options, and none
should import SQLAlchemy for it (issue 17).
"""

from __future__ import annotations

from flashdl.store.connection import Transaction

COLLECTION_KEY = "deck_options"


def collection_options(tx: Transaction) -> str | None:
    """The collection's stored option JSON (None: none set)."""
    row = tx.db.execute("SELECT value FROM setting WHERE key = ?", (COLLECTION_KEY,)).fetchone()
    return None if row is None else row[0]


def save_collection_options(tx: Transaction, text: str | None) -> None:
    if text is None:
        tx.db.execute("DELETE FROM setting WHERE key = ?", (COLLECTION_KEY,))
        return
    tx.db.execute("INSERT INTO setting (key, value) VALUES (?, ?) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (COLLECTION_KEY, text))


def deck_options(tx: Transaction) -> dict[int, tuple[str, str | None, int | None]]:
    """Per deck id: (slug, stored option JSON, own new cards per day)."""
    rows = tx.db.execute("SELECT id, slug, options, new_per_day FROM deck")
    return {deck_id: (slug, options, new_per_day) for deck_id, slug, options, new_per_day in rows}


def save_deck_options(tx: Transaction, deck_id: int, text: str | None) -> None:
    tx.db.execute("UPDATE deck SET options = ? WHERE id = ?", (text, deck_id))
