"""Settings: a key -> JSON table with defaults in code (missing key = default)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from flashdl.store.connection import Transaction
from flashdl.store.schema import deck_table, setting_table


@dataclass(frozen=True)
class Settings:
    new_cards_per_day: int = 20  # per deck, unless the deck sets its own
    rollover_hour: int = 4  # a study day starts at this local hour (as Anki)


def _check(settings: Settings) -> None:
    if not isinstance(settings.new_cards_per_day, int) or settings.new_cards_per_day < 0:
        raise ValueError("new_cards_per_day must be a whole number >= 0")
    if not isinstance(settings.rollover_hour, int) or not 0 <= settings.rollover_hour <= 23:
        raise ValueError("rollover_hour must be a whole number 0..23")


def load_settings(tx: Transaction) -> Settings:
    stored = dict(tx.sql.execute(select(setting_table.c.key, setting_table.c.value)).all())
    values: dict[str, Any] = {}
    for field in fields(Settings):
        if field.name in stored:
            values[field.name] = json.loads(stored[field.name])
    return Settings(**values)


def save_settings(tx: Transaction, current: Settings, **changes: Any) -> Settings:
    """Store ``changes`` (field names of ``Settings``); returns the new settings."""
    updated = replace(current, **changes)
    _check(updated)
    for name in changes:
        statement = insert(setting_table).values(key=name, value=json.dumps(getattr(updated, name)))
        tx.sql.execute(statement.on_conflict_do_update(
            index_elements=["key"], set_={"value": statement.excluded.value}
        ))
    return updated


def set_deck_new_limit(tx: Transaction, deck_id: int, limit: int | None) -> None:
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError("a deck's new-card limit must be a whole number >= 0, or None")
    tx.sql.execute(deck_table.update().where(deck_table.c.id == deck_id).values(new_per_day=limit))
