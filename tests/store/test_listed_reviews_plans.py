"""The due listing reads the same rows in the same order whichever plan the store picks."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from flashdl.clock import study_day
from flashdl.deck.model import Card, Deck
from flashdl.services import card_flags, deck_sync
from flashdl.services.reviews import record_review
from flashdl.store import open_store, queries
from flashdl.store.queries import listed_reviews

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


@contextmanager
def scan_from(count: int) -> Iterator[None]:
    kept, queries.SCAN_FROM = queries.SCAN_FROM, count
    try:
        yield
    finally:
        queries.SCAN_FROM = kept


def reference(path: Path, today: str, deck: int | None) -> list[tuple[int, str, str, str]]:
    """The rows a slow loop picks and orders: every card, filtered and sorted in Python."""
    with closing(sqlite3.connect(path)) as db:
        slugs = dict(db.execute("SELECT id, slug FROM deck"))
        rows = db.execute("SELECT id, deck_id, slug, due, front, position, retired, suspended, buried_until "
                          "FROM card").fetchall()
    chosen = [r for r in rows if r[3] is not None and r[3] <= today and not r[6] and not r[7]
              and (r[8] is None or r[8] <= today) and (deck is None or r[1] == deck)]
    chosen.sort(key=lambda r: (r[3], r[1], r[5], r[0]))
    return [(r[1], f"{slugs[r[1]]}/{r[2]}", r[3], r[4]) for r in chosen]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.integers(1, 12), min_size=1, max_size=3),
       reviewed=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 11), st.integers(1, 20),
                                   st.integers(3, 5)), max_size=40),
       flagged=st.lists(st.tuples(st.sampled_from(["suspend", "bury"]), st.integers(0, 2), st.integers(0, 11)),
                        max_size=4),
       by_deck=st.booleans())
def test_both_plans_list_the_due_reviews_in_queue_order(sizes: list[int], reviewed: list[tuple[int, int, int, int]],
                                                        flagged: list[tuple[str, int, int]], by_deck: bool) -> None:
    decks = [Deck(id=f"d{i}", name=f"d{i}", cards=tuple(Card(id=f"c{j:02d}", front=f"q{i}.{j}", back="a")
                                                      for j in range(size)))
             for i, size in enumerate(sizes)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.sqlite3"
        with open_store(path) as store:
            deck_sync.sync_decks(store, [(deck, None) for deck in decks], NOW - timedelta(days=60))
            for n, (d, c, days, grade) in enumerate(sorted(reviewed, key=lambda r: -r[2])):
                deck = decks[d % len(decks)]
                record_review(store, f"{deck.id}/{deck.cards[c % len(deck.cards)].id}", grade,
                              NOW - timedelta(days=days) + timedelta(seconds=n))
            for action, d, c in flagged:
                deck = decks[d % len(decks)]
                name = f"{deck.id}/{deck.cards[c % len(deck.cards)].id}"
                card_flags.suspend_card(store, name) if action == "suspend" else card_flags.bury_card(store, name, NOW)
            today = study_day(NOW + timedelta(days=3), rollover_hour=4)
            with store.read() as tx, scan_from(0):  # small collections: weigh the scan at any size
                deck_id = tx.db.execute("SELECT min(id) FROM deck").fetchone()[0] if by_deck else None
                statements: list[str] = []
                tx.db.set_trace_callback(statements.append)
                listings = {whole: list(listed_reviews(tx, today, deck_id, whole=whole)) for whole in (False, True)}
                tx.db.set_trace_callback(None)
        expected = reference(path, today.isoformat(), deck_id)
        assert listings[False] == expected
        assert listings[True] == expected
        scanned = any("NOT INDEXED" in sql for sql in statements)
        event(f"table read through: {scanned}")
        assert scanned == (2 * len(reference(path, today.isoformat(), deck_id)) >= sum(sizes))


def listings_of_six_due_cards(scan_at: int, *wholes: bool) -> tuple[list[list[tuple[int, str, str, str]]], list[str]]:
    """Six cards all due, listed once per ``wholes`` with the store's plans weighed from
    ``scan_at`` due reviews; the listings and the statements SQLite ran for them."""
    deck = Deck(id="d", name="d", cards=tuple(Card(id=f"c{j}", front="q", back="a") for j in range(6)))
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "f.sqlite3") as store:
        deck_sync.sync_decks(store, [(deck, None)], NOW - timedelta(days=60))
        for j in range(6):
            record_review(store, f"d/c{j}", 4, NOW - timedelta(days=30))
        with store.read() as tx, scan_from(scan_at):
            statements: list[str] = []
            tx.db.set_trace_callback(statements.append)
            listings = [list(listed_reviews(tx, study_day(NOW, rollover_hour=4), whole=whole))
                        for whole in wholes]
            tx.db.set_trace_callback(None)
    return listings, statements


def test_a_listing_of_every_card_reads_the_table_through() -> None:
    (rows, few), statements = listings_of_six_due_cards(0, True, False)
    assert len(rows) == 6 and rows == few
    assert [("NOT INDEXED" in sql) for sql in statements if "front" in sql] == [True, False]


def test_a_small_listing_uses_the_index_without_counting_the_cards() -> None:
    (rows,), statements = listings_of_six_due_cards(queries.SCAN_FROM, True)
    assert len(rows) == 6
    assert not any("NOT INDEXED" in sql or sql == "SELECT count(*) FROM card" for sql in statements)
