"""Helpers for the store tests: decks, a fixed moment, database dumps."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from flashdl.deck.model import Card, Deck, EngineSpec

NOW = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def make_deck(deck_id: str = "quiz", count: int = 3, *, prefix: str = "Q") -> Deck:
    cards = tuple(
        Card(id=f"{i:03d}", front=f"{prefix}{i} front", back=f"{prefix}{i} back", tags=("t",))
        for i in range(1, count + 1)
    )
    return Deck(id=deck_id, name=f"Deck {deck_id}", cards=cards)


def computed_card(card_id: str = "900") -> Card:
    return Card(
        id=card_id, front="Params of Conv2d(3, 10, 5)?", back="760",
        engine=EngineSpec("conv2d_param_count", {"in_channels": 3, "out_channels": 10}, vary=True),
    )


def dump(path: Path) -> str:
    """The whole database as SQL text: compares "unchanged" across WAL and checkpoints."""
    db = sqlite3.connect(path)
    try:
        return "\n".join(db.iterdump())
    finally:
        db.close()
