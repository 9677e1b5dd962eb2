"""Settings: a key -> JSON table with defaults in code (missing key = default).

Plain statements on ``tx.db``: every command reads the settings, and none should import SQLAlchemy for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from flashdl.store.connection import Transaction


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
    stored = dict(tx.db.execute("SELECT key, value FROM setting"))
    values: dict[str, Any] = {}
    for field in fields(Settings):
        if field.name in stored:
            values[field.name] = json.loads(stored[field.name])
    return Settings(**values)


def save_settings(tx: Transaction, current: Settings, **changes: Any) -> Settings:
    """Store ``changes`` (field names of ``Settings``); returns the new settings."""
    updated = replace(current, **changes)
    _check(updated)
    tx.db.executemany(
        "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(name, json.dumps(getattr(updated, name))) for name in changes],
    )
    return updated


def set_deck_new_limit(tx: Transaction, deck_id: int, limit: int | None) -> None:
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError("a deck's new-card limit must be a whole number >= 0, or None")
    tx.db.execute("UPDATE deck SET new_per_day = ? WHERE id = ?", (limit, deck_id))


# Custom study's extra new cards (Anki's "increase today's new card limit"): per deck, for one
# study day, kept beside the settings as {"day": ISO date, "decks": {deck id: cards}}.
EXTRA_NEW_KEY = "extra_new"


def extra_new_on(tx: Transaction, today: date) -> dict[int, int]:
    """The new cards each deck's limit was raised by for study day ``today`` (none on another day;
    a value flashdl did not write is ignored: it only ever adds to a limit)."""
    row = tx.db.execute("SELECT value FROM setting WHERE key = ?", (EXTRA_NEW_KEY,)).fetchone()
    if row is None:
        return {}
    try:
        data = json.loads(row[0])
        if not isinstance(data, dict) or data.get("day") != today.isoformat():
            return {}
        return {int(deck): count for deck, count in dict(data["decks"]).items()
                if isinstance(count, int) and not isinstance(count, bool) and count > 0}
    except (ValueError, TypeError, KeyError):
        return {}


def add_extra_new(tx: Transaction, today: date, counts: dict[int, int]) -> dict[int, int]:
    """Raise decks' new-card limits for study day ``today`` by ``counts`` (added to any raise
    made earlier that day; one made on another day is over); returns the day's raises."""
    raised = extra_new_on(tx, today)
    for deck, count in counts.items():
        if count > 0:
            raised[deck] = raised.get(deck, 0) + count
    tx.db.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (EXTRA_NEW_KEY, json.dumps({"day": today.isoformat(), "decks": {str(d): n for d, n in raised.items()}})),
    )
    return raised
