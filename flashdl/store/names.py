"""The names tab completion offers from a collection: deck ids, ``DECK/CARD`` ids, tags.

A completion runs at every press of the tab key, so it reads through a plain connection
(``connection.open_reader``: no SQLAlchemy) and never creates, upgrades or repairs anything:
a missing file, another program's file, a database at another schema or one SQLite cannot
read offers no names, and the shell falls back to nothing rather than an error.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Literal

from flashdl.store.connection import Transaction, open_reader
from flashdl.store.schema_version import SCHEMA_VERSION

# A shell lists every candidate; past a few hundred that is noise, and it bounds the work a
# tab press does on a very large collection.
MAX_NAMES = 1000

NameKind = Literal["deck", "card", "tag"]


def names_for(path: Path, kind: NameKind, prefix: str) -> list[str]:
    """The ``kind`` names that start with ``prefix`` (case as stored), sorted as a user reads them.

    For ``card``, a prefix without ``/`` offers the deck ids followed by ``/`` (the shell then
    waits for the card part); ``deck/`` and more offer that deck's cards in file order.
    """
    reader = open_reader(path, SCHEMA_VERSION)
    if reader is None:
        return []
    try:
        with reader, reader.read() as tx:
            if kind == "deck":
                return _deck_ids(tx, prefix)
            if kind == "tag":
                return _tags(tx, prefix)
            deck, slash, card = prefix.partition("/")
            if not slash:
                return [f"{slug}/" for slug in _deck_ids(tx, deck)]
            return _card_ids(tx, deck, card)
    except sqlite3.Error:  # locked past the busy timeout, damaged: no names, no message
        return []


def _deck_ids(tx: Transaction, prefix: str) -> list[str]:
    rows = tx.db.execute("SELECT slug FROM deck WHERE substr(slug, 1, ?1) = ?2 ORDER BY slug LIMIT ?3",
                         (len(prefix), prefix, MAX_NAMES))
    return [slug for (slug,) in rows]


def _card_ids(tx: Transaction, deck: str, prefix: str) -> list[str]:
    """The deck's cards still in its file (retired ones cannot be shown or reviewed)."""
    rows = tx.db.execute(
        "SELECT d.slug || '/' || c.slug FROM card AS c JOIN deck AS d ON d.id = c.deck_id "
        "WHERE d.slug = ?1 AND c.retired = 0 AND substr(c.slug, 1, ?2) = ?3 "
        "ORDER BY c.position, c.id LIMIT ?4",
        (deck, len(prefix), prefix, MAX_NAMES))
    return [name for (name,) in rows]


def _tags(tx: Transaction, prefix: str) -> list[str]:
    """Tags of live cards and of decks (a deck's tags are every one of its cards' tags)."""
    rows = tx.db.execute(
        "SELECT DISTINCT t.value FROM card AS c, json_each(c.tags) AS t WHERE c.retired = 0 "
        "UNION SELECT t.value FROM deck AS d, json_each(d.tags) AS t",
    )
    return sorted(tag for (tag,) in rows if isinstance(tag, str) and tag.startswith(prefix))[:MAX_NAMES]
