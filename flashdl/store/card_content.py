"""Writing deck content: a deck file's cards merged into the store (deck sync).

``sync_deck`` runs inside the caller's ``Store.write()`` transaction, so
importing many files is all-or-nothing. Card identity is (deck slug, card
slug): new cards are inserted with a fresh SM-2 state, edited cards are
updated in place (their scheduling and history untouched), cards missing
from the file are retired, and retired cards that come back are restored.
``retire_decks_no_longer_in`` retires the cards of a deck whose file now holds another deck id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from flashdl.deck.model import MARKUP_MARKDOWN, Deck
from flashdl.scheduler.sm2 import INITIAL_EASE
from flashdl.store.connection import Transaction
from flashdl.store.records import dump_json, engine_json, errata_json


@dataclass(frozen=True)
class DeckSyncCounts:
    deck: str
    added: int = 0
    updated: int = 0
    retired: int = 0
    restored: int = 0
    unchanged: int = 0
    created: bool = False  # the deck itself was new


_INSERT_CARD = (
    "INSERT INTO card (deck_id, slug, position, front, back, tags, engine, errata, markup, retired, "
    "created_ms, modified_ms, repetitions, ease, interval, due, last_review, repeat_pending, "
    f"suspended, buried_until, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, {INITIAL_EASE}, "
    "0, NULL, NULL, 0, 0, NULL, 0)"
)
_UPDATE_CARD = (
    "UPDATE card SET position = ?, front = ?, back = ?, tags = ?, engine = ?, errata = ?, "
    "markup = ?, retired = 0, modified_ms = ? WHERE id = ?"
)


def sync_deck(tx: Transaction, deck: Deck, path: str | None, now_ms: int) -> DeckSyncCounts:
    """Merge one parsed deck into the store (inside the caller's transaction)."""
    deck_id, created = _upsert_deck(tx, deck, path, now_ms)
    existing = {
        slug: (card_id, (position, front, back, tags, engine, errata, markup), bool(retired))
        for card_id, slug, position, front, back, tags, engine, errata, markup, retired in tx.db.execute(
            "SELECT id, slug, position, front, back, tags, engine, errata, markup, retired "
            "FROM card WHERE deck_id = ?",
            (deck_id,),
        )
    }
    tag_texts: dict[tuple[str, ...], str] = {}  # decks repeat a few tag sets many times
    if not existing:  # a new deck (the bulk case): every card is an insert
        tx.db.executemany(_INSERT_CARD, _new_rows(deck, deck_id, now_ms, tag_texts))
        return DeckSyncCounts(deck=deck.id, added=len(deck.cards), created=created)
    inserts, updates = [], []
    updated = restored = unchanged = 0
    for position, card in enumerate(deck.cards):
        tags = tag_texts.get(card.tags)
        if tags is None:
            tags = tag_texts[card.tags] = dump_json(list(card.tags))
        content = (
            position,
            card.front,
            card.back,
            tags,
            engine_json(card.engine) if card.engine else None,
            errata_json(card.errata) if card.errata else None,
            card.markup,
        )
        known = existing.pop(card.id, None)
        if known is None:
            inserts.append((deck_id, card.id, *content, now_ms, now_ms))
            continue
        card_id, stored, retired = known
        if stored == content and not retired:
            unchanged += 1
            continue
        if retired:
            restored += 1
        elif stored[1:] != content[1:]:
            updated += 1
        else:
            unchanged += 1  # only its place in the file moved
        updates.append((*content, now_ms, card_id))
    gone = [(card_id,) for card_id, _content, retired in existing.values() if not retired]
    tx.db.executemany(_INSERT_CARD, inserts)
    tx.db.executemany(_UPDATE_CARD, updates)
    tx.db.executemany("UPDATE card SET retired = 1, modified_ms = ? WHERE id = ?",
                   [(now_ms, card_id) for (card_id,) in gone])
    return DeckSyncCounts(
        deck=deck.id, added=len(inserts), updated=updated, retired=len(gone),
        restored=restored, unchanged=unchanged, created=created,
    )


def retire_decks_no_longer_in(tx: Transaction, path: str, kept: set[str], now_ms: int) -> list[DeckSyncCounts]:
    """Decks whose file is ``path`` but whose id it no longer holds (``kept``: the ids it holds):
    their cards are retired, as a card removed from a file is (its history kept, back if the id is).

    A deck file whose ``id:`` was changed left the old deck's cards in study beside the new
    deck's copies of them: every card due twice.
    """
    gone = []
    for deck_id, slug in tx.db.execute("SELECT id, slug FROM deck WHERE path = ?", (path,)).fetchall():
        if slug in kept:
            continue
        retired = tx.db.execute("UPDATE card SET retired = 1, modified_ms = ? WHERE deck_id = ? AND NOT retired",
                                (now_ms, deck_id)).rowcount
        if retired:
            gone.append(DeckSyncCounts(deck=slug, retired=retired))
    return gone


def _new_rows(deck: Deck, deck_id: int, now_ms: int,
              tag_texts: dict[tuple[str, ...], str]) -> Iterator[tuple[object, ...]]:
    for position, card in enumerate(deck.cards):
        tags = tag_texts.get(card.tags)
        if tags is None:
            tags = tag_texts[card.tags] = dump_json(list(card.tags))
        yield (deck_id, card.id, position, card.front, card.back, tags,
               engine_json(card.engine) if card.engine else None,
               errata_json(card.errata) if card.errata else None, card.markup, now_ms, now_ms)


def _upsert_deck(tx: Transaction, deck: Deck, path: str | None, now_ms: int) -> tuple[int, bool]:
    markup = None if deck.markup == MARKUP_MARKDOWN else deck.markup  # NULL: the default
    fields = (deck.name, deck.description, deck.source, path, dump_json(list(deck.tags)), markup)
    row = tx.db.execute(
        "SELECT id, name, description, source, path, tags, markup FROM deck WHERE slug = ?", (deck.id,)
    ).fetchone()
    if row is None:
        cursor = tx.db.execute(
            "INSERT INTO deck (slug, name, description, source, path, tags, markup, new_per_day, "
            "created_ms, modified_ms) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            (deck.id, *fields, now_ms, now_ms),
        )
        return int(cursor.lastrowid or 0), True
    if tuple(row[1:]) != fields:
        tx.db.execute(
            "UPDATE deck SET name = ?, description = ?, source = ?, path = ?, tags = ?, markup = ?, "
            "modified_ms = ? WHERE id = ?",
            (*fields, now_ms, row[0]),
        )
    return int(row[0]), False
