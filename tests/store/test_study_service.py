"""The study service on a real temp-file database."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from store_helpers import NOW, computed_card, dump, make_deck

from flashdl.errors import UsageError
from flashdl.scheduler.queue import QueueKind
from flashdl.scheduler.sm2 import Rating, ReviewKind, replay
from flashdl.services import browse, card_flags, deck_list, deck_sync, settings
from flashdl.services.lookup import CardChangedError, RetiredCardError, UnknownCardError
from flashdl.services.reviews import InvalidReviewError, record_review, undo_last_review
from flashdl.services.study import StudySession, study_queue
from flashdl.services.views import ComputedAnswer
from flashdl.store import Store


def at_day(offset: int, hour: int = 10) -> datetime:
    return NOW.replace(hour=hour) + timedelta(days=offset)


@pytest.fixture
def two_decks(store: Store) -> Store:
    deck_sync.sync_decks(store, [(make_deck("alpha", 30), None), (make_deck("beta", 5), None)], NOW)
    return store


def test_queue_order_and_new_limit(two_decks: Store) -> None:
    store = two_decks
    record_review(store, "beta/001", 4, at_day(-1))  # due today (I = 1)
    record_review(store, "alpha/030", 5, at_day(-3))  # due 2 days ago: first
    queue = study_queue(store, NOW)
    kinds = [q.kind for q in queue]
    assert [q.card for q in queue[:2]] == ["alpha/030", "beta/001"]
    assert kinds[:2] == [QueueKind.REVIEW] * 2
    new = [q.card for q in queue if q.kind is QueueKind.NEW]
    assert new[:20] == [f"alpha/{i:03d}" for i in range(1, 21)]  # 20 a day per deck
    assert new[20:] == [f"beta/{i:03d}" for i in range(2, 6)]
    decks = {d.id: d for d in deck_list.list_decks(store, NOW)}
    assert (decks["alpha"].new, decks["alpha"].unseen, decks["alpha"].due) == (20, 29, 1)
    assert (decks["beta"].new, decks["beta"].due) == (4, 1)


def test_new_limit_setting_and_deck_override(two_decks: Store) -> None:
    settings.update_settings(two_decks, new_cards_per_day=3)
    settings.set_deck_new_limit(two_decks, "beta", 1)
    queue = study_queue(two_decks, NOW)
    assert [q.card for q in queue] == ["alpha/001", "alpha/002", "alpha/003", "beta/001"]
    session = StudySession(two_decks, NOW, deck="alpha")
    session.answer(session.next_card().id, 5, NOW)
    # One new card started today: two left for alpha today, also in a fresh session.
    assert StudySession(two_decks, NOW, deck="alpha").counts().new == 2
    with pytest.raises(UsageError):
        settings.update_settings(two_decks, new_cards_per_day=-1)


def test_session_repeats_until_four_and_drill_logged(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 2), None)], NOW)
    session = StudySession(store, NOW)
    first = session.next_card()
    assert (first.card, first.kind) == ("d/001", QueueKind.NEW)
    r1 = session.answer(first.id, 3, NOW)  # < 4: comes back
    assert r1.repeat_today and r1.kind is ReviewKind.NEW and r1.rating is Rating.HARD
    assert session.next_card().card == "d/002"
    session.answer(session.next_card().id, 5, NOW)
    again = session.next_card()
    assert (again.card, again.kind) == ("d/001", QueueKind.LEARNING)
    r2 = session.answer(again.id, 4, NOW + timedelta(minutes=5))
    assert r2.kind is ReviewKind.DRILL and r2.state == replace(r1.state, repeat_pending=False)
    assert session.next_card() is None
    history = browse.card_details(store, "d/001").history
    assert [h.kind for h in history] == [ReviewKind.NEW, ReviewKind.DRILL]
    assert (history[1].interval_before, history[1].interval_after) == (1, 1)


def test_learning_card_survives_a_new_session_today(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    record_review(store, "d/001", 1, NOW)
    assert [(q.card, q.kind) for q in study_queue(store, NOW)] == [("d/001", QueueKind.LEARNING)]
    assert deck_list.list_decks(store, NOW)[0].learning == 1
    tomorrow = study_queue(store, at_day(1))
    assert [(q.card, q.kind) for q in tomorrow] == [("d/001", QueueKind.REVIEW)]


def test_undo_restores_exactly(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 2), None)], NOW)
    record_review(store, "d/001", 5, at_day(0))
    record_review(store, "d/001", 2, at_day(1))
    session = StudySession(store, at_day(2))
    card = session.next_card()
    before_rows = dump(store.path)
    before = browse.card_details(store, card.id)
    session.answer(card.id, 1, at_day(2))
    undone = session.undo()
    assert undone is not None and undone.card == card.card and undone.restored == before.state
    after = browse.card_details(store, card.id)
    assert after.state == before.state and after.history == before.history
    assert session.next_card().id == card.id  # shown again
    # The database is as it was, but for the card's change counter (it only grows).
    assert after.revision == before.revision + 2
    assert _without_revision(dump(store.path)) == _without_revision(before_rows)
    assert session.undo() is None
    assert undo_last_review(store) is not None  # the stored review of day 1
    assert undo_last_review(store) is not None
    assert undo_last_review(store) is None
    assert browse.card_details(store, "d/001").state.is_new


def _without_revision(sql: str) -> str:
    """Drop the card rows' ``revision`` (the last value before the three FSRS columns of
    schema 9 and schema 10's leech flag) and the id counter (ids are never reused)."""
    def drop(line: str) -> str:
        head, _revision, *tail = line.rsplit(",", 5)
        return ",".join([head, *tail])

    return "\n".join(
        drop(line) if line.startswith('INSERT INTO "card"') else line
        for line in sql.splitlines()
        if "sqlite_sequence" not in line
    )


def test_record_review_errors(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 2), None)], NOW)
    with pytest.raises(UnknownCardError):
        record_review(store, "d/999", 4, NOW)
    with pytest.raises(UnknownCardError, match="DECK/CARD"):
        record_review(store, "nonsense", 4, NOW)
    with pytest.raises(InvalidReviewError):
        record_review(store, "d/001", 6, NOW)
    with pytest.raises(ValueError):
        record_review(store, "d/001", 4, datetime(2024, 3, 1, 10))  # naive
    record_review(store, "d/001", 4, at_day(3))
    with pytest.raises(InvalidReviewError, match="before"):
        record_review(store, "d/001", 4, at_day(1))
    shown = browse.card_details(store, "d/002")
    card_flags.suspend_card(store, "d/002")  # changed under the viewer
    with pytest.raises(CardChangedError):
        record_review(store, "d/002", 4, NOW, expected_revision=shown.revision)
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    with pytest.raises(RetiredCardError):
        record_review(store, "d/002", 4, NOW)


def test_suspend_and_bury(two_decks: Store) -> None:
    store = two_decks
    session = StudySession(store, NOW, deck="beta")
    first = session.next_card()
    session.suspend(first.id)
    buried = session.next_card()
    assert session.bury(buried.id, NOW) == date(2024, 3, 2)
    assert session.next_card().card == "beta/003"
    beta = next(d for d in deck_list.list_decks(store, NOW) if d.id == "beta")
    assert (beta.suspended, beta.buried, beta.new) == (1, 1, 3)
    assert [q.card for q in study_queue(store, at_day(1), deck="beta")][:2] == ["beta/002", "beta/003"]
    card_flags.unsuspend_card(store, first.id)
    assert study_queue(store, NOW, deck="beta")[0].card == "beta/001"


def test_rollover_at_four(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 1), None)], NOW)
    late = datetime(2024, 3, 2, 3, 30, tzinfo=UTC)  # still study day 2024-03-01
    result = record_review(store, "d/001", 5, late)
    assert result.study_day == date(2024, 3, 1) and result.state.due == date(2024, 3, 2)
    settings.update_settings(store, rollover_hour=0)
    assert browse.due_tomorrow(store, datetime(2024, 3, 1, 12, tzinfo=UTC)) == 1


def test_computed_answer_logged(store: Store) -> None:
    deck = replace(make_deck("d", 0), cards=(computed_card(),))
    deck_sync.sync_decks(store, [(deck, None)], NOW)
    answer = ComputedAnswer(params={"in_channels": 2, "out_channels": 4}, typed="76", correct=True)
    record_review(store, "d/900", 5, NOW, duration_ms=12_345, answer=answer)
    entry = browse.card_details(store, "d/900").history[0]
    assert (entry.variant_params, entry.typed_answer, entry.answer_correct, entry.duration_ms) == (
        answer.params, "76", True, 12_345)


def test_search(two_decks: Store) -> None:
    hits = browse.search_cards(two_decks, "q1 FRONT", deck="alpha")
    assert [h.card for h in hits][:2] == ["alpha/001", "alpha/010"]
    assert browse.search_cards(two_decks, "100%") == []
    with pytest.raises(Exception, match="unknown deck"):
        browse.search_cards(two_decks, "x", deck="nope")


def test_replaying_the_log_reproduces_every_state(store: Store) -> None:
    deck_sync.sync_decks(store, [(make_deck("d", 8), None)], NOW)
    rng = random.Random(7)
    for offset in range(40):
        session = StudySession(store, at_day(offset))
        for _ in range(30):
            card = session.next_card()
            if card is None:
                break
            moment = at_day(offset, hour=rng.randint(4, 23))
            session.answer(card.id, rng.choice([0, 1, 2, 3, 4, 4, 5, 5]), moment)
            if rng.random() < 0.05:
                session.undo()
    for i in range(1, 9):
        details = browse.card_details(store, f"d/{i:03d}")
        assert details.history, details.card
        assert replay((h.study_day, h.grade) for h in details.history) == details.state
        assert [h.rating for h in details.history] == [
            Rating.AGAIN if h.grade < 3 else Rating(h.grade - 1) for h in details.history
        ]


def test_reviews_come_a_page_at_a_time_in_order(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import flashdl.services.study as study

    monkeypatch.setattr(study, "REVIEW_PAGE", 3)
    deck_sync.sync_decks(store, [(make_deck("d", 12), None)], NOW)
    for i in range(1, 11):  # ten reviews, due 1..10 days ago (card 10 most overdue)
        record_review(store, f"d/{i:03d}", 5, at_day(-i - 1))
    session = StudySession(store, NOW)
    assert session.counts() == study.QueueCounts(new=2, learning=0, review=10)
    card_flags.suspend_card(store, "d/004")  # changed elsewhere, in a page not yet read
    order = []
    while (card := session.next_card()) is not None:
        order.append(card.card)
        session.answer(card.id, 1 if order == ["d/010"] else 5, NOW)  # d/010 fails once
    expected = [f"d/{i:03d}" for i in range(10, 0, -1) if i != 4] + ["d/011", "d/012", "d/010"]
    assert order == expected
    assert session.counts().total == 0
    # Day 30: d/010, d/011, d/012 were due on day 1 (I = 1), the rest on day 6.
    assert [q.card for q in study_queue(store, at_day(30), limit=4)] == ["d/010", "d/011", "d/012", "d/001"]
