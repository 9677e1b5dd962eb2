"""A new card buried or suspended in a session leaves its place to the next new card (QA
walkthrough defect 2), as in Anki: taking a card out does not use up the day's new-card limit.

The reference is read off the database with plain sqlite3, one rule at a time: a deck may
introduce ``limit`` new cards a day; a card was introduced today if its first logged review is
today's; the new cards still to come are the deck's never-reviewed cards, neither suspended nor
buried nor retired, in file order, as many as its limit leaves. The session must hold exactly those, and an
undo must put its queue back exactly as it was before the action undone.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import NOW, make_deck

from flashdl.scheduler.queue import QueueKind
from flashdl.services import deck_sync
from flashdl.services import settings as collection_settings
from flashdl.services.study import StudySession
from flashdl.store import Store, open_store

TODAY = NOW.date().isoformat()  # NOW is 10:00 UTC: its own study day
DECKS = {"a": 6, "b": 4}  # cards per deck; decks come in slug order


def expected_new(path: Path, limits: dict[str, int], deck: str | None) -> set[str]:
    db = sqlite3.connect(path)
    try:
        chosen: set[str] = set()
        for slug in sorted(limits):
            if deck is not None and slug != deck:
                continue
            introduced = db.execute(
                "SELECT count(*) FROM card AS c JOIN deck AS d ON d.id = c.deck_id WHERE d.slug = ? "
                "AND (SELECT min(l.study_day) FROM review_log AS l WHERE l.card_id = c.id) = ?",
                (slug, TODAY)).fetchone()[0]
            unseen = [row[0] for row in db.execute(
                "SELECT d.slug || '/' || c.slug FROM card AS c JOIN deck AS d ON d.id = c.deck_id "
                "WHERE d.slug = ? AND c.suspended = 0 AND c.retired = 0 "
                "AND (c.buried_until IS NULL OR c.buried_until <= ?) "
                "AND NOT EXISTS (SELECT 1 FROM review_log AS l WHERE l.card_id = c.id) ORDER BY c.position",
                (slug, TODAY))]
            chosen.update(unseen[:max(0, limits[slug] - introduced)])
        return chosen
    finally:
        db.close()


def queued_new(store: Store, session: StudySession) -> set[str]:
    ids = [e.card_id for e in session.queued() if e.kind is QueueKind.NEW]
    db = sqlite3.connect(store.path)
    try:
        names = dict(db.execute("SELECT c.id, d.slug || '/' || c.slug FROM card AS c JOIN deck AS d "
                                "ON d.id = c.deck_id").fetchall())
    finally:
        db.close()
    return {names[i] for i in ids}


@settings(max_examples=40, deadline=None)
@given(
    limits=st.fixed_dictionaries({slug: st.integers(0, count + 1) for slug, count in DECKS.items()}),
    deck=st.sampled_from([None, "a", "b"]),
    actions=st.lists(st.sampled_from(["grade2", "grade4", "bury", "suspend", "undo"]), max_size=12),
)
def test_the_session_holds_the_new_cards_the_limits_leave(limits: dict[str, int], deck: str | None,
                                                          actions: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "t.sqlite3") as store:
        deck_sync.sync_decks(store, [(make_deck(slug, count), None) for slug, count in DECKS.items()], NOW)
        for slug, limit in limits.items():
            collection_settings.set_deck_new_limit(store, slug, limit)
        session = StudySession(store, NOW, deck=deck)
        before = [session.queued()]  # the queue before each action still to undo
        assert queued_new(store, session) == expected_new(store.path, limits, deck)
        for action in actions:
            if action == "undo":
                if session.undo() is not None:
                    assert tuple(session.queued()) == tuple(before.pop())  # exactly as it was
            else:
                card = session.next_card()
                if card is None:
                    continue
                queue = tuple(session.queued())
                if action.startswith("grade"):
                    session.answer(card.id, int(action[-1]), NOW)
                elif action == "bury":
                    session.bury(card.id, NOW)
                else:
                    session.suspend(card.id)
                before.append(queue)
            assert queued_new(store, session) == expected_new(store.path, limits, deck)
            assert session.counts().new == len(expected_new(store.path, limits, deck))


def test_burying_the_first_new_card_brings_in_the_next_one(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("a", 5), None)], NOW)
    collection_settings.set_deck_new_limit(store, "a", 3)
    session = StudySession(store, NOW)
    first = session.next_card()
    assert first is not None and first.card == "a/001"
    session.bury(first.id, NOW)
    assert queued_new(store, session) == {"a/002", "a/003", "a/004"}
    assert session.counts().new == 3
    session.suspend(session.next_card().id)  # a/002
    assert queued_new(store, session) == {"a/003", "a/004", "a/005"}
    session.undo()
    assert queued_new(store, session) == {"a/002", "a/003", "a/004"}
    assert session.next_card().card == "a/002"


def test_a_card_retired_during_the_session_is_never_shown_and_leaves_its_place(store: Store) -> None:
    """A deck file edited while a session runs (``E`` on the study screen, or an import from
    another window) retires the cards it no longer has: the session showed them all the same,
    and their grades were refused. Now they are skipped, and a new card's place goes to the next
    new card the deck's limit allows, so the session holds what ``decks`` counts."""
    from dataclasses import replace

    from flashdl.services.deck_list import list_decks

    deck_sync.sync_decks(store, [(make_deck("a", 6), None)], NOW)
    collection_settings.set_deck_new_limit(store, "a", 3)
    session = StudySession(store, NOW)
    first = session.next_card(NOW)
    assert first is not None and first.card == "a/001"
    whole = make_deck("a", 6)
    edited = replace(whole, cards=tuple(c for c in whole.cards if c.id not in ("001", "003")))
    deck_sync.sync_decks(store, [(edited, None)], NOW)  # a/001 (on screen) and a/003 retired
    shown = session.next_card(NOW)
    assert shown is not None and shown.card == "a/002"
    session.answer(shown.id, 5, NOW)
    shown = session.next_card(NOW)
    assert shown is not None and shown.card == "a/004"  # a/003 skipped
    assert queued_new(store, session) == {"a/004", "a/005"} == expected_new(store.path, {"a": 3}, None)
    assert session.counts().new == 2 == list_decks(store, NOW)[0].new
