"""Statistics read the review log from indexes only, and the cards in one pass.

The statements are captured as they run (sqlite3's trace callback) and
explained with ``EXPLAIN QUERY PLAN`` on a fresh schema, without ANALYZE
statistics, as a user's database has them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from stats_helpers import add_deck, grade

from flashdl.services.stats import collection_stats
from flashdl.store import Store

NOW = datetime(2025, 2, 1, 12, tzinfo=UTC)


def captured_plans(store: Store, deck: str | None) -> list[tuple[str, list[str]]]:
    statements: list[str] = []
    store.dbapi.set_trace_callback(statements.append)
    try:
        collection_stats(store, NOW, deck, calendar_days=371)
    finally:
        store.dbapi.set_trace_callback(None)
    plans = []
    for sql in statements:
        reads = "review_log" in sql or " card" in sql
        if sql.lstrip().upper().startswith(("SELECT", "WITH")) and reads:
            steps = [row[3] for row in store.dbapi.execute("EXPLAIN QUERY PLAN " + sql)]
            plans.append((" ".join(sql.split()), steps))
    return plans


@pytest.mark.parametrize("deck", [None, "d"])
def test_statistics_read_covering_indexes(store: Store, deck: str | None) -> None:
    add_deck(store, "d", 3, families={0: "dropout"})
    add_deck(store, "e", 2)
    for day in range(5):
        grade(store, f"d/{day % 3:03d}", day % 6, NOW - timedelta(days=5 - day),
              typed_correct=True if day % 3 == 0 else None)
    plans = captured_plans(store, deck)
    assert len(plans) >= 9
    for sql, steps in plans:
        census = "FROM card WHERE +retired = 0" in sql
        for step in steps:
            reads_table = step.startswith(("SCAN", "SEARCH")) and (" review_log" in step or " card" in step)
            if not reads_table or "INTEGER PRIMARY KEY" in step:
                continue  # a few rows looked up by id (hardest cards, engine families)
            if census or (" card" in step and "c.ease < :ease_below" in sql):
                continue  # the card counts and the low-ease fallback read the cards (below)
            assert "COVERING INDEX" in step or "ix_review_log_lapse" in step, (sql[:90], step)
        if census:  # one pass over the cards, or over the deck's through its (deck, slug) index
            reads = [step for step in steps if " card" in step]
            assert reads in (["SCAN card"], ["SEARCH card USING INDEX sqlite_autoindex_card_1 (deck_id=?)"]), steps
        if "max(due" in sql:
            assert any("ix_card_queue (due<?)" in step for step in steps), steps
