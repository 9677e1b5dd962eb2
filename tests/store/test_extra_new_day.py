"""Custom study's extra new cards raise the day's new-card limits (Anki's "increase today's new
card limit"), checked against a reference worked from the rule's words: the next N new cards
beyond each deck's allowance, in deck and file order, stay offered for the rest of the study
day — in ``decks``, in the queue, in a session started after the custom one was left."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import NOW, make_deck

from flashdl.scheduler.queue import QueueKind
from flashdl.services import deck_options, deck_sync
from flashdl.services.custom_study import CustomStudy
from flashdl.services.deck_list import list_decks
from flashdl.services.reviews import record_review
from flashdl.services.study import StudySession, plan_today
from flashdl.store import open_store

DECKS = {"a": 6, "b": 4}  # new cards per deck; decks come in slug order


@settings(max_examples=40, deadline=None)
@given(limits=st.tuples(st.integers(0, 7), st.integers(0, 5)), seen=st.tuples(st.integers(0, 6), st.integers(0, 4)),
       extra=st.integers(1, 12), quit_after=st.integers(0, 3))
def test_extra_new_cards_stay_for_the_day(limits: tuple[int, int], seen: tuple[int, int], extra: int,
                                          quit_after: int) -> None:
    seen = (min(seen[0], limits[0]), min(seen[1], limits[1]))  # studied today, within the limits
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "db.sqlite3") as store:
        deck_sync.sync_decks(store, [(make_deck(slug, count), None) for slug, count in DECKS.items()],
                             NOW - timedelta(days=1))
        for slug, limit, done in zip(DECKS, limits, seen, strict=True):
            deck_options.set_options(store, slug, new_per_day=limit)
            for i in range(1, done + 1):  # the first cards in file order, as a session takes them
                record_review(store, f"{slug}/{i:03d}", 5, NOW - timedelta(minutes=30))
        # the reference: leftovers beyond each allowance, deck a's first, then b's
        within = [min(max(0, limit - done), count - done)
                  for limit, done, count in zip(limits, seen, DECKS.values(), strict=True)]
        left = [count - done - w for count, done, w in zip(DECKS.values(), seen, within, strict=True)]
        extra_a = min(extra, left[0])
        extra_b = min(extra - extra_a, left[1])
        expected = [within[0] + extra_a, within[1] + extra_b]

        session = StudySession(store, NOW, custom=CustomStudy(extra_new=extra))
        assert session.counts().new == sum(expected)
        for _ in range(min(quit_after, sum(expected))):  # some graded, then the session is left
            card = session.next_card(NOW)
            assert card is not None
            session.answer(card.id, 5, NOW + timedelta(minutes=1))
        graded = min(quit_after, sum(expected))
        counts = {d.id: d.new for d in list_decks(store, NOW + timedelta(minutes=5))}
        assert sum(counts.values()) == sum(expected) - graded
        # the next ordinary session of the day offers exactly those
        plan = plan_today(store, NOW + timedelta(minutes=5), None)
        assert sum(1 for e in plan.entries if e.kind is QueueKind.NEW) == sum(expected) - graded
        # the next study day: the plain limits again, over the cards still never seen
        with sqlite3.connect(store.path) as conn:
            unseen = dict(conn.execute(
                "SELECT d.slug, count(*) FROM card c JOIN deck d ON d.id = c.deck_id WHERE NOT EXISTS "
                "(SELECT 1 FROM review_log r WHERE r.card_id = c.id) GROUP BY d.slug"))
        tomorrow = {d.id: d.new for d in list_decks(store, NOW + timedelta(days=1))}
        assert tomorrow == {slug: min(limit, unseen.get(slug, 0)) for slug, limit in zip(DECKS, limits, strict=True)}


def test_a_new_card_buried_in_an_extra_new_cards_session_leaves_its_place(tmp_path: Path) -> None:
    """As in an ordinary session (a bury does not use up the day's limit, raised or not): the
    session kept one card fewer than ``decks`` counted."""
    with open_store(tmp_path / "db.sqlite3") as store:
        deck_sync.sync_decks(store, [(make_deck("a", 6), None)], NOW - timedelta(days=1))
        deck_options.set_options(store, "a", new_per_day=1)
        session = StudySession(store, NOW, custom=CustomStudy(extra_new=2))  # 1 + 2: 001-003
        first = session.next_card(NOW)
        assert first is not None and first.card == "a/001" and session.counts().new == 3
        session.bury(first.id, NOW)
        shown = []
        while (card := session.next_card(NOW)) is not None:
            shown.append(card.card)
            session.answer(card.id, 5, NOW)
        assert shown == ["a/002", "a/003", "a/004"]
        assert [d.new for d in list_decks(store, NOW)] == [0]
