"""The day's queue: reviews, then new cards within each deck's allowance, then repeats."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from flashdl.scheduler.queue import QueueEntry, QueueKind, SessionQueue, plan_queue

TODAY = date(2024, 3, 10)


def entry(card: int, deck: int, kind: QueueKind, due: date = TODAY, position: int = 0) -> QueueEntry:
    return QueueEntry(card_id=card, deck_id=deck, kind=kind, due=due, position=position)


def test_plan_order_and_new_allowance() -> None:
    candidates = [
        entry(1, 1, QueueKind.LEARNING),
        entry(2, 1, QueueKind.NEW, position=2),
        entry(3, 1, QueueKind.NEW, position=1),
        entry(4, 1, QueueKind.NEW, position=3),
        entry(5, 2, QueueKind.NEW, position=1),
        entry(6, 2, QueueKind.REVIEW, due=date(2024, 3, 9)),
        entry(7, 1, QueueKind.REVIEW, due=date(2024, 3, 1)),
    ]
    plan = plan_queue(candidates, new_allowance={1: 2})
    assert [e.card_id for e in plan] == [7, 6, 3, 2, 1]


def test_deck_order_for_new_cards() -> None:
    candidates = [entry(1, 1, QueueKind.NEW), entry(2, 2, QueueKind.NEW)]
    plan = plan_queue(candidates, new_allowance={1: 5, 2: 5}, deck_order={2: 0, 1: 1})
    assert [e.card_id for e in plan] == [2, 1]


def test_session_repeats_cycle_until_passed() -> None:
    queue = SessionQueue(plan_queue(
        [entry(1, 1, QueueKind.REVIEW), entry(2, 1, QueueKind.NEW)], new_allowance={1: 20}
    ))
    assert queue.peek().card_id == 1
    queue.answered(1, repeat=True, today=TODAY)  # graded < 4
    assert queue.peek().card_id == 2
    queue.answered(2, repeat=True, today=TODAY)
    assert [e.card_id for e in queue.entries()] == [1, 2]
    assert queue.counts()[QueueKind.LEARNING] == 2
    queue.answered(1, repeat=False, today=TODAY)
    queue.answered(2, repeat=True, today=TODAY)
    assert queue.peek().card_id == 2  # the last one keeps coming back
    queue.answered(2, repeat=False, today=TODAY)
    assert queue.peek() is None and len(queue) == 0


def test_push_front_and_remove() -> None:
    first, second = entry(1, 1, QueueKind.REVIEW), entry(2, 1, QueueKind.REVIEW)
    queue = SessionQueue([first, second])
    queue.answered(1, repeat=True, today=TODAY)
    queue.push_front(first)  # undo
    assert [e.card_id for e in queue.entries()] == [1, 2]
    assert queue.remove(2) == second
    assert queue.remove(99) is None
    assert len(queue) == 1


@settings(deadline=None)  # timing-independent: a busy CI machine must not fail it
@given(st.lists(st.tuples(st.sampled_from(["answer", "repeat", "remove", "undo"]),
                          st.integers(0, 11)), max_size=60))
def test_counts_match_entries(operations: list[tuple[str, int]]) -> None:
    kinds = [QueueKind.REVIEW, QueueKind.NEW, QueueKind.LEARNING]
    queue = SessionQueue([entry(i, 1, kinds[i % 3]) for i in range(12)])
    for action, card in operations:
        head = queue.peek()
        if action in ("answer", "repeat") and head is not None:
            queue.answered(head.card_id, repeat=action == "repeat", today=TODAY)
        elif action == "remove":
            queue.remove(card)
        elif action == "undo":
            queue.push_front(entry(card, 1, QueueKind.REVIEW))
        expected = {kind: 0 for kind in QueueKind}
        for e in queue.entries():
            expected[e.kind] += 1
        assert queue.counts() == expected
        assert len({e.card_id for e in queue.entries()}) == len(queue)
