"""Loading a large batch of review-log rows: many rows per INSERT, indexes rebuilt after.

``flashdl.store.bulk.insert_reviews`` binds one row per statement execution.
With a million rows the per-execution cost dominates: each one is a VM
start, a foreign-key probe and an AUTOINCREMENT read and write of
``sqlite_sequence``. Here the common rows (no variant, typed answer or
verdict) come as one flat list of values and go in a few hundred rows per
statement, which loads the same rows with the same ids, in the same order,
in about half the time. Runs inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flashdl.store import bulk
from flashdl.store.connection import Transaction
from flashdl.store.scheduling import INSERT_LOG, LOG_COLUMNS

PLAIN_WIDTH = 17  # values per plain row: the log columns up to duration_ms
ROWS_PER_STATEMENT = 200  # past ~100 rows a statement, larger ones gain nothing measurable
_ONE_PLAIN_ROW = f"({', '.join('?' * PLAIN_WIDTH)}, NULL, NULL, NULL)"


def insert_log_rows(tx: Transaction, rows: list[tuple[Any, ...]], plain: list[Any]) -> None:
    """``rows`` (20-value tuples in ``LOG_COLUMNS`` order), then ``plain`` (17 values a row, one
    flat list; the last three columns NULL), appended to the log in that order.

    As in ``bulk.insert_reviews``, a batch of at least ``bulk.BULK_ROWS`` rows
    into a log no larger than itself is loaded with the log's indexes dropped
    and re-created from their own definitions afterwards, in the caller's
    transaction, so a failure restores them with everything else.
    """
    if len(plain) % PLAIN_WIDTH:
        raise ValueError(f"plain rows come {PLAIN_WIDTH} values each, not {len(plain)} values")
    count = len(rows) + len(plain) // PLAIN_WIDTH
    rebuild = (count >= bulk.BULK_ROWS
               and tx.db.execute("SELECT count(*) FROM review_log").fetchone()[0] <= count)
    indexes = [(name, sql) for name, sql in tx.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review_log' "
        "AND sql IS NOT NULL")] if rebuild else []
    for name, _sql in indexes:
        tx.db.execute(f'DROP INDEX "{name}"')
    tx.db.executemany(INSERT_LOG, rows)
    _insert_plain(tx, plain)
    for _name, sql in indexes:
        tx.db.execute(sql)


def _insert_plain(tx: Transaction, plain: list[Any]) -> None:
    per = max(1, min(ROWS_PER_STATEMENT,
                     tx.db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // PLAIN_WIDTH))
    step = per * PLAIN_WIDTH
    full = len(plain) - len(plain) % step
    if full:
        statement = f"INSERT INTO review_log ({LOG_COLUMNS}) VALUES {', '.join([_ONE_PLAIN_ROW] * per)}"
        for start in range(0, full, step):
            tx.db.execute(statement, plain[start:start + step])
    rest = len(plain) - full
    if rest:
        rows = rest // PLAIN_WIDTH
        tx.db.execute(f"INSERT INTO review_log ({LOG_COLUMNS}) VALUES {', '.join([_ONE_PLAIN_ROW] * rows)}",
                   plain[full:])
