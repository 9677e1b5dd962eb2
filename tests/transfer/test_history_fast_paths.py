"""The fast paths of a large history import give exactly what the reference paths give.

- ``history.replay`` (SM-2 through ``sm2.replay_rows``, flat or as tuples) against
  a slow loop of ``sm2.review`` with the import's policies applied by hand;
- ``log_bulk.insert_log_rows`` (many rows per statement) against one row per statement.
"""

from __future__ import annotations

import gc
import sqlite3
from datetime import date, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transfer_helpers import deck_yaml, ok

from flashdl.errors import InputError
from flashdl.formats.revlog_csv import read_history
from flashdl.scheduler import sm2
from flashdl.services.exchange.history import day_function, iso_days, replay
from flashdl.store import bulk, log_bulk
from flashdl.store.connection import Transaction
from flashdl.store.scheduling import INSERT_LOG


def test_revlog_errors_name_the_line() -> None:
    """The reader runs with the garbage collector paused; errors still name file and line."""
    header = "card_id,review_time,review_rating,review_state,review_duration\n"
    good = "d/a,1700000000000,3,2,10\n" * 3
    for bad, message in [("d/a,soon,3,2,0", "not a number"), ("d/a,1,7,2,0", "out of range"),
                         ("d/a,1,3,2", "ragged row")]:
        with pytest.raises(InputError, match=message) as error:
            read_history(header + good + bad + "\n" + good, "r.csv")
        assert "r.csv:5" in str(error.value)
    assert gc.isenabled()


REVIEW = st.tuples(st.integers(0, 4 * 86_400_000), st.integers(0, 5), st.integers(0, 9),
                   st.one_of(st.none(), st.integers(0, 40)))


def slow_rows(card_id: int, reviews: list[tuple[object, ...]], day_of: object) -> list[tuple[object, ...]]:
    """One ``sm2.review`` a review; a day before the last review is moved onto it by hand."""
    state, rows = sm2.CardState(), []
    for ms, grade, duration, params, typed, correct, known in reviews:
        day = date.fromordinal(known if known is not None else day_of(ms))  # type: ignore[operator]
        if state.last_review is not None and day < state.last_review:
            day = state.last_review
        outcome = sm2.review(state, grade, day)  # type: ignore[arg-type]
        before, after = outcome.before, outcome.after
        iso = lambda d: None if d is None else d.isoformat()  # noqa: E731
        rows.append((card_id, ms, day.isoformat(), grade, int(outcome.rating), int(outcome.kind),
                     before.repetitions, after.repetitions, before.ease, after.ease, before.interval,
                     after.interval, iso(before.due), iso(after.due), iso(before.last_review),
                     int(before.repeat_pending), duration, params, typed, correct))
        state = after
    return rows


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(st.lists(REVIEW, min_size=1, max_size=40), st.sampled_from([None, 2, -3]))
def test_replay_is_the_slow_loop(steps: list[tuple[int, int, int, int | None]], offset: int | None) -> None:
    """Same-day repeats, clocks going back (known days out of order), cached and uncached
    study days: ``replay`` writes the slow loop's rows (flat: their first 17 values) and state."""
    start = 19_700 * 86_400_000
    reviews, moment = [], start
    for gap, grade, duration, day in steps:
        moment += gap
        reviews.append((moment, grade, duration, None, None, None,
                        None if day is None else 738_000 + day))
    tz = None if offset is None else timezone(timedelta(hours=offset))
    for day_of in (day_function(tz, 4), lambda ms: ms // 86_400_000):
        expected = slow_rows(9, reviews, day_of)
        rows: list[tuple[object, ...]] = []
        state = replay(9, reviews, day_of, iso_days(), rows)  # type: ignore[arg-type]
        assert rows == expected
        last = expected[-1]
        assert state == (last[7], last[9], last[11], last[13], last[2], int(last[3] < 4), 9)  # type: ignore[operator]
        flat: list[object] = ["before"]
        assert replay(9, reviews, day_of, iso_days(), flat, plain=True) == state  # type: ignore[arg-type]
        assert flat == ["before", *(value for row in rows for value in row[:17])]


def test_a_due_date_past_9999_is_clamped() -> None:
    """Perfect reviews 400 days apart from year 8214: SM-2 until a due date would pass 9999,
    then 9999-12-31 (the interval itself kept), where ``sm2.review`` refuses."""
    reviews = [(k * 86_400_000 * 400, 5, 0, None, None, None, None) for k in range(40)]
    day_of = lambda ms: 3_000_000 + ms // 86_400_000  # noqa: E731
    rows: list[tuple[object, ...]] = []
    state = replay(1, reviews, day_of, iso_days(), rows)  # type: ignore[arg-type]
    clamped = [row for row in rows if row[13] == "9999-12-31"]
    assert clamped and rows[:len(rows) - len(clamped)] == slow_rows(1, reviews[:len(rows) - len(clamped)], day_of)
    with pytest.raises(ValueError, match="past the year 9999"):
        slow_rows(1, reviews[:len(rows) - len(clamped) + 1], day_of)
    for before, row in zip(rows, rows[1:]):
        if row[13] == "9999-12-31":
            assert row[11] == -(-before[11] * before[9] // 1000)  # type: ignore[operator]  # ceil(I x EF)
            assert row[12] == before[13]
    assert state[3] == "9999-12-31"


@pytest.mark.parametrize("count", [1, 199, 200, 201, 1000, 1234])
def test_many_rows_a_statement_write_what_one_a_statement_writes(
        db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], count: int) -> None:
    deck = tmp_path / "bulk.yaml"
    deck.write_text(deck_yaml("bulk", 3), encoding="utf-8")
    ok(capsys, "import", str(deck))
    con = sqlite3.connect(db, isolation_level=None)
    try:
        card = con.execute("SELECT min(id) FROM card").fetchone()[0]
        rows = [(card, k, "2024-01-02", k % 6, 1, 1, k, k + 1, 2500, 2600, k, k * 2, None,
                 "2024-02-01", "2024-01-01", k % 2, 10 * k) for k in range(count)]
        special = [(card, -1, "2023-01-01", 4, 3, 0, 0, 1, 2500, 2500, 0, 1, None, "2023-01-02", None, 0,
                    5, '{"n": 1}', "typed", 1)]

        def table() -> list[tuple[object, ...]]:
            return con.execute("SELECT * FROM review_log ORDER BY id").fetchall()

        con.execute("BEGIN")
        con.executemany(INSERT_LOG, special)
        con.executemany(INSERT_LOG, [row + (None, None, None) for row in rows])
        expected = table()
        con.execute("ROLLBACK")
        con.execute("BEGIN")
        log_bulk.insert_log_rows(Transaction(con), special, [value for row in rows for value in row])
        assert table() == expected
        con.execute("ROLLBACK")
        with pytest.raises(ValueError):
            log_bulk.insert_log_rows(Transaction(con), [], [1, 2, 3])
    finally:
        con.close()


def test_bulk_threshold_is_the_store_bulk_one() -> None:
    assert log_bulk.bulk is bulk  # test_history_bulk lowers bulk.BULK_ROWS to drive this path
