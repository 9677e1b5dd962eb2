"""The bulk reads and writes import/export needs, on the transaction's DB-API connection.

``flashdl.store.scheduling`` writes one review at a time (the study hot
path); moving a million-row history needs ``executemany`` and whole-deck
reads instead. The statements use the store's own column lists and run
inside the caller's ``Store.read()``/``write()`` transaction; the
import/export services (``flashdl.services.exchange``) call them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from flashdl.store.connection import Transaction
from flashdl.store.scheduling import INSERT_LEECH_LOG, INSERT_LOG, LOG_COLUMNS


class DeckInfo(NamedTuple):
    id: int
    slug: str
    name: str
    description: str | None
    source: str | None
    tags: str  # JSON list
    markup: str | None  # None: markdown


class CardInfo(NamedTuple):
    id: int
    slug: str
    front: str
    back: str
    tags: str  # JSON list
    engine: str | None  # JSON
    errata: str | None  # JSON
    suspended: int
    buried_until: str | None
    repetitions: int
    ease: int
    interval: int
    due: str | None
    last_review: str | None
    repeat_pending: int
    markup: str | None  # the card's own; None: the deck's
    leech: int = 0  # the leech flag (schema 10)


def deck_info(tx: Transaction, slug: str) -> DeckInfo | None:
    row = tx.db.execute("SELECT id, slug, name, description, source, tags, markup FROM deck WHERE slug = ?",
                     (slug,)).fetchone()
    return None if row is None else DeckInfo._make(row)


def deck_slugs(tx: Transaction) -> list[str]:
    return [slug for (slug,) in tx.db.execute("SELECT slug FROM deck ORDER BY slug")]


def deck_cards(tx: Transaction, deck_id: int) -> list[CardInfo]:
    """A deck's active (not retired) cards in file order."""
    return [CardInfo._make(row) for row in tx.db.execute(
        "SELECT id, slug, front, back, tags, engine, errata, suspended, buried_until, repetitions, "
        "ease, interval, CASE WHEN fsrs_stability IS NULL THEN due ELSE sm2_due END, last_review, "
        "repeat_pending, markup, leech FROM card "  # the SM-2 state (its due day: see schema.py, schema 8)
        "WHERE deck_id = ? AND NOT retired ORDER BY position, id", (deck_id,))]


def deck_card_texts(tx: Transaction, deck_id: int) -> list[tuple[Any, ...]]:
    """``(position, id, slug, front, back, tags, engine, errata, markup)`` of a deck's active cards, in
    file order: what an .apkg export needs, as plain rows.

    Read as one range of card ids (a deck's cards are mostly contiguous), the
    deck matched row by row rather than through the (deck, slug) index, and
    sorted here: SQLite would fetch each row through that index and sort
    100,000 rows with their text in a temporary B-tree, twice as slow.
    """
    low, high = tx.db.execute("SELECT min(id), max(id) FROM card WHERE deck_id = ?", (deck_id,)).fetchone()
    if low is None:
        return []
    rows = tx.db.execute(
        "SELECT position, id, slug, front, back, tags, engine, errata, markup FROM card "
        "WHERE id BETWEEN ? AND ? AND +deck_id = ? AND NOT retired", (low, high, deck_id)).fetchall()
    rows.sort()  # by position, then id (unique): nothing further is compared
    return rows


def leech_ids(tx: Transaction, deck_id: int) -> set[int]:
    """A deck's active leeches (off the partial index ``ix_card_leech``)."""
    return {cid for (cid,) in tx.db.execute(
        "SELECT id FROM card WHERE deck_id = ? AND retired = 0 AND leech = 1", (deck_id,))}


def save_leech_flags(tx: Transaction, rows: Iterable[tuple[int, int]]) -> None:
    """``(leech, card id)`` each."""
    tx.db.executemany("UPDATE card SET leech = ?, revision = revision + 1 WHERE id = ?", rows)


def card_ids(tx: Transaction, deck_slug: str | None = None) -> dict[str, int]:
    """``DECK/CARD`` -> store id, for every card (retired ones too: they keep history)."""
    query = "SELECT deck.slug || '/' || card.slug, card.id FROM card JOIN deck ON deck.id = card.deck_id"
    if deck_slug is None:
        return dict(tx.db.execute(query))
    return dict(tx.db.execute(query + " WHERE deck.slug = ?", (deck_slug,)))


def deck_reviews(tx: Transaction, deck_id: int) -> Iterator[tuple[Any, ...]]:
    """``(card slug, card id, *log columns, leech_flags_before)`` of a deck's active cards, in time order."""
    columns = ", ".join(f"r.{c.strip()}" for c in [*LOG_COLUMNS.split(","), "leech_flags_before"])
    return tx.db.execute(
        f"SELECT c.slug, {columns} FROM review_log r JOIN card c ON c.id = r.card_id "
        "WHERE c.deck_id = ? AND NOT c.retired ORDER BY r.reviewed_ms, r.id", (deck_id,))


def card_reviews(tx: Transaction, card_ids_: Iterable[int]) -> dict[int, list[tuple[Any, ...]]]:
    """Existing log rows (all columns but ``id``) of the given cards, oldest first."""
    found: dict[int, list[tuple[Any, ...]]] = {}
    ids = list(card_ids_)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in tx.db.execute(f"SELECT {LOG_COLUMNS} FROM review_log WHERE card_id IN ({marks}) "
                              "ORDER BY reviewed_ms, id", chunk):
            found.setdefault(row[0], []).append(row)
    return found


def delete_reviews(tx: Transaction, card_ids_: Iterable[int]) -> None:
    tx.db.executemany("DELETE FROM review_log WHERE card_id = ?", [(i,) for i in card_ids_])


BULK_ROWS = 50_000  # from here on, rebuilding the log's indexes beats updating them row by row


_INSERT_PLAIN_LOG = (  # the last three columns (variant, typed answer, verdict) left NULL
    f"INSERT INTO review_log ({LOG_COLUMNS}) VALUES ({', '.join('?' * 17)}, NULL, NULL, NULL)")


def insert_reviews(tx: Transaction, rows: list[tuple[Any, ...]],
                   plain_rows: list[tuple[Any, ...]] | None = None) -> None:
    """Rows in ``flashdl.store.scheduling``'s column order (20 values each, or 21 each with
    ``leech_flags_before`` last; ``plain_rows`` without the last three, which stay NULL).

    A large batch into a log no larger than itself is loaded with the log's
    indexes dropped and then re-created from their own definitions (in the
    same transaction, so a failure restores them): SQLite builds an index
    from sorted rows several times faster than it updates one per row.
    """
    plain_rows = plain_rows or []
    count = len(rows) + len(plain_rows)
    bulk = count >= BULK_ROWS and tx.db.execute("SELECT count(*) FROM review_log").fetchone()[0] <= count
    indexes = [(name, sql) for name, sql in tx.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review_log' "
        "AND sql IS NOT NULL")] if bulk else []
    for name, _sql in indexes:
        tx.db.execute(f'DROP INDEX "{name}"')
    tx.db.executemany(INSERT_LEECH_LOG if rows and len(rows[0]) == 21 else INSERT_LOG, rows)
    tx.db.executemany(_INSERT_PLAIN_LOG, plain_rows)
    for _name, sql in indexes:
        tx.db.execute(sql)


@contextmanager
def indexes_rebuilt(tx: Transaction, table: str, incoming: int) -> Iterator[None]:
    """Load ``incoming`` rows into ``table`` with its own indexes dropped and re-created after,
    when the load is large (``BULK_ROWS``) and the table no larger: SQLite builds an
    index from sorted rows faster than it updates one per row (a 100,000-card deck
    imports a fifth faster). Inside the caller's transaction, so a failure restores
    the indexes with everything else; the table's unique constraints stay in force.
    """
    bulk = incoming >= BULK_ROWS and tx.db.execute(
        f'SELECT count(*) FROM "{table}"').fetchone()[0] <= incoming
    indexes = [(name, sql) for name, sql in tx.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL", (table,))] if bulk else []
    for name, _sql in indexes:
        tx.db.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        tx.db.execute(sql)


def save_states(tx: Transaction, rows: Iterable[tuple[Any, ...]]) -> None:
    """``(repetitions, ease, interval, due, last_review, repeat_pending, card id)`` each."""
    tx.db.executemany(
        "UPDATE card SET repetitions = ?, ease = ?, interval = ?, due = ?, last_review = ?, "
        "repeat_pending = ?, revision = revision + 1 WHERE id = ?", rows)


def save_flags(tx: Transaction, rows: Iterable[tuple[Any, ...]]) -> None:
    """``(suspended, buried_until, card id)`` each."""
    tx.db.executemany("UPDATE card SET suspended = ?, buried_until = ?, revision = revision + 1 "
                   "WHERE id = ?", rows)


def lapse_counts(tx: Transaction, card_ids: Iterable[int], at_least: int) -> list[tuple[int, int, int]]:
    """``(card id, deck id, lapses)`` of those of ``card_ids`` with at least ``at_least`` lapses
    (``scheduler.leech.is_lapse``). One pass over the partial lapse index, a few per cent of the
    log (100,000 lapses: 17 ms), rather than a lookup per card (200 ms for 100,000 cards)."""
    wanted = set(card_ids)
    rows = tx.db.execute(
        "SELECT l.card_id, c.deck_id, l.lapses FROM (SELECT card_id, count(*) AS lapses FROM review_log "
        "WHERE kind = 1 AND grade < 3 GROUP BY card_id HAVING count(*) >= ?) AS l "
        "JOIN card AS c ON c.id = l.card_id", (at_least,))
    return [(card_id, deck_id, lapses) for card_id, deck_id, lapses in rows if card_id in wanted]
