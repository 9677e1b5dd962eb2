"""Helpers for the statistics tests: a collection on a temp database, reviews at given moments."""

from __future__ import annotations

from datetime import date, datetime

from flashdl.deck.model import Card, Deck, EngineSpec
from flashdl.services.reviews import record_review
from flashdl.services.views import ComputedAnswer, ReviewResult
from flashdl.store import Store
from flashdl.store.card_content import sync_deck


def add_deck(store: Store, deck_id: str, count: int, *, families: dict[int, str] | None = None) -> None:
    """A deck of ``count`` cards ``000``, ``001``...; ``families`` makes some computed."""
    families = families or {}
    cards = tuple(
        Card(
            id=f"{i:03d}", front=f"front {i}", back=f"back {i}",
            engine=EngineSpec(families[i], {"n": i}) if i in families else None,
        )
        for i in range(count)
    )
    with store.write() as tx:
        sync_deck(tx, Deck(id=deck_id, name=f"Deck {deck_id}", cards=cards), None, 0)


def grade(
    store: Store, card: str, value: int, at: datetime, *,
    seconds: float = 0, typed_correct: bool | None = None,
) -> ReviewResult:
    answer = None if typed_correct is None else ComputedAnswer({"n": 1}, "42", typed_correct)
    return record_review(store, card, value, at, duration_ms=int(seconds * 1000), answer=answer)


def set_flags(store: Store, card: str, *, suspended: bool | None = None,
              retired: bool | None = None, buried_until: date | None = None, leech: bool | None = None) -> None:
    """Flip a card's flags directly (retiring goes through deck sync in the app)."""
    deck_slug, _, card_slug = card.partition("/")
    sets, values = [], []
    for column, value in (("suspended", suspended), ("retired", retired), ("leech", leech)):
        if value is not None:
            sets.append(f"{column} = ?")
            values.append(int(value))
    if buried_until is not None:
        sets.append("buried_until = ?")
        values.append(buried_until.isoformat())
    with store.write():
        store.dbapi.execute(
            f"UPDATE card SET {', '.join(sets)} WHERE slug = ? "
            "AND deck_id = (SELECT id FROM deck WHERE slug = ?)",
            (*values, card_slug, deck_slug),
        )
