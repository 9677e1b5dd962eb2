"""The store's reads (raw SQL since issue 17) against slow Python loops over the same rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.store import Store, open_store, queries
from flashdl.store.queries import DeckCensus

TODAY = date(2024, 3, 10)
DAYS = st.one_of(st.none(), st.integers(-3, 3).map(lambda n: TODAY + timedelta(days=n)))
CARD = st.tuples(
    st.integers(1, 3),  # deck
    st.booleans(),  # retired
    st.booleans(),  # suspended
    DAYS,  # buried_until
    DAYS,  # due
    DAYS,  # last_review
    st.booleans(),  # repeat_pending
).filter(lambda c: not c[6] or c[5] is not None)  # a pending repeat has a last review (as SM-2 leaves it)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(tmp_path_factory.mktemp("reads") / "f.sqlite3") as opened:
        with opened.write() as tx:
            for deck in (1, 2, 3):
                tx.db.execute("INSERT INTO deck (id, slug, name, tags, created_ms, modified_ms) "
                              "VALUES (?, ?, ?, '[]', 0, 0)", (deck, f"d{deck}", f"D{deck}"))
        yield opened


def reference_census(cards: list[tuple[int, bool, bool, date | None, date | None, date | None, bool]],
                     today: date) -> dict[int, DeckCensus]:
    """DeckCensus's definitions, card by card."""
    counts: dict[int, list[int]] = {}
    for deck, retired, suspended, buried, due, last, pending in cards:
        if retired:
            continue
        c = counts.setdefault(deck, [0] * 6)
        active = not suspended and (buried is None or buried <= today)
        learning = pending and last == today
        c[0] += 1
        c[1] += active and due is None
        c[2] += active and learning
        c[3] += active and due is not None and due <= today and not learning
        c[4] += suspended
        c[5] += not suspended and buried is not None and buried > today
    return {deck: DeckCensus(*c) for deck, c in counts.items()}


@settings(max_examples=60, deadline=None)
@given(cards=st.lists(CARD, max_size=25), shift=st.integers(-2, 2))
def test_census_equals_a_loop_over_the_cards(store: Store, cards: list[tuple], shift: int) -> None:
    today = TODAY + timedelta(days=shift)
    with store.write() as tx:
        tx.db.execute("DELETE FROM card")
        tx.db.executemany(
            "INSERT INTO card (deck_id, slug, position, front, back, tags, retired, suspended, buried_until, "
            "due, last_review, repeat_pending, created_ms, modified_ms, repetitions, ease, interval, "
            "revision) VALUES (?, ?, ?, 'f', 'b', '[]', ?, ?, ?, ?, ?, ?, 0, 0, 0, 2500, 0, 0)",
            [(deck, f"c{i}", i, retired, suspended, _text(buried), _text(due), _text(last), pending)
             for i, (deck, retired, suspended, buried, due, last, pending) in enumerate(cards)],
        )
    with store.read() as tx:
        assert queries.census(tx, today) == reference_census(cards, today)
        # due_by: active seen cards due by the day, per deck and in all
        for deck in (None, 1):
            expected = sum(1 for d, retired, suspended, _b, due, _l, _p in cards
                           if not retired and not suspended and due is not None and due <= today
                           and deck in (None, d))
            assert queries.due_by(tx, today, deck) == expected


def _text(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
