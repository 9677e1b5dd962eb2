"""Deck options as stored: the collection's in the ``deck_options`` setting, a deck's in
``deck.options`` (JSON objects of overrides, ``flashdl.scheduler.deck_options``); new cards
per day keep their older homes (the ``new_cards_per_day`` setting, ``deck.new_per_day``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from flashdl.store.connection import Transaction
from flashdl.store.schema import deck_table, setting_table

COLLECTION_KEY = "deck_options"


def collection_options(tx: Transaction) -> str | None:
    """The collection's stored option JSON (None: none set)."""
    return tx.sql.execute(
        select(setting_table.c.value).where(setting_table.c.key == COLLECTION_KEY)
    ).scalar_one_or_none()


def save_collection_options(tx: Transaction, text: str | None) -> None:
    if text is None:
        tx.sql.execute(setting_table.delete().where(setting_table.c.key == COLLECTION_KEY))
        return
    statement = insert(setting_table).values(key=COLLECTION_KEY, value=text)
    tx.sql.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"value": statement.excluded.value}))


def deck_options(tx: Transaction) -> dict[int, tuple[str, str | None, int | None]]:
    """Per deck id: (slug, stored option JSON, own new cards per day)."""
    rows = tx.sql.execute(select(
        deck_table.c.id, deck_table.c.slug, deck_table.c.options, deck_table.c.new_per_day))
    return {r.id: (r.slug, r.options, r.new_per_day) for r in rows}


def save_deck_options(tx: Transaction, deck_id: int, text: str | None) -> None:
    tx.sql.execute(deck_table.update().where(deck_table.c.id == deck_id).values(options=text))
