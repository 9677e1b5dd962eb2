"""``hardest_cards`` (the floor on lapses, the cards lapsed twice or more tried first, the
low-ease fill) agrees with a plain loop over the rows, on random collections with many ties."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stats_helpers import add_deck

from flashdl.store import Store, open_store
from flashdl.store.stats_queries import hardest_cards

DECKS = {"b": 12, "a": 24}  # made in this order: deck ids do not follow the slugs
LIMIT = 10
EASE_BELOW = 2500

card_spec = st.tuples(
    st.sampled_from([0, 0, 1, 1, 1, 2, 2, 3, 5]),  # lapses: review-kind reviews graded < 3
    st.lists(st.tuples(st.sampled_from([0, 1, 2]), st.integers(0, 5)), max_size=3),  # other rows
    st.sampled_from([1300, 1300, 1700, 2360, 2500, 2600]),  # ease: ties on purpose
    st.booleans(),  # suspended (listed all the same)
    st.sampled_from([False, False, False, True]),  # retired (never listed)
    st.sampled_from(["2024-06-01", "2024-06-01", None]),  # due (None: never seen, never listed)
)


def reference(store: Store, deck: str | None) -> list[tuple[str, str, int, int]]:
    """Every seen, non-retired card with a lapse or a low ease, sorted by the definition."""
    cards = store.dbapi.execute(
        "SELECT c.id, d.slug, c.slug, c.retired, c.due, c.ease FROM card c JOIN deck d ON d.id = c.deck_id"
    ).fetchall()
    lapses: dict[int, int] = {}
    for card_id, kind, grade in store.dbapi.execute("SELECT card_id, kind, grade FROM review_log"):
        if kind == 1 and grade < 3:
            lapses[card_id] = lapses.get(card_id, 0) + 1
    hard = []
    for card_id, deck_slug, slug, retired, due, ease in cards:
        if (deck is not None and deck_slug != deck) or retired or due is None:
            continue
        n = lapses.get(card_id, 0)
        if n > 0 or ease < EASE_BELOW:
            hard.append((-n, ease, deck_slug, slug))
    hard.sort()
    return [(deck_slug, slug, -neg, ease) for neg, ease, deck_slug, slug in hard[:LIMIT]]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(card_spec, min_size=sum(DECKS.values()), max_size=sum(DECKS.values())))
def test_hardest_cards_match_a_plain_loop(specs: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "h.sqlite3") as store:
        for deck, size in DECKS.items():
            add_deck(store, deck, size)
        ids = [row[0] for row in store.dbapi.execute(
            "SELECT c.id FROM card c JOIN deck d ON d.id = c.deck_id ORDER BY d.slug, c.slug")]
        with store.write():
            for card_id, (lapsed, others, ease, suspended, retired, due) in zip(ids, specs, strict=True):
                store.dbapi.execute("UPDATE card SET ease = ?, suspended = ?, retired = ?, due = ? WHERE id = ?",
                                    (ease, suspended, retired, due, card_id))
                rows = [(1, 1)] * lapsed + others  # (kind, grade)
                for n, (kind, grade) in enumerate(rows):
                    store.dbapi.execute(
                        "INSERT INTO review_log (card_id, reviewed_ms, study_day, grade, rating, kind,"
                        " repetitions_before, repetitions_after, ease_before, ease_after, interval_before,"
                        " interval_after, pending_before, duration_ms)"
                        " VALUES (?, ?, '2024-05-01', ?, 1, ?, 0, 0, 2500, 2500, 0, 0, 0, 0)",
                        (card_id, n, grade, kind),
                    )
        deck_ids = {slug: i for slug, i in store.dbapi.execute("SELECT slug, id FROM deck")}
        with store.read() as tx:
            for deck in (None, *DECKS):
                got = hardest_cards(tx, deck_id=None if deck is None else deck_ids[deck],
                                    limit=LIMIT, ease_below=EASE_BELOW)
                assert [tuple(row) for row in got] == reference(store, deck)
