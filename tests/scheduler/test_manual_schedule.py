"""Forget and Set due date in the pure core: ``sm2.forget``, ``sm2.set_due``, ``replay_log``
and the due-date input, against a hand-worked log and Anki's rules (``Card::set_due_date``,
``parse_due_date_str``)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashdl.scheduler import sm2
from flashdl.scheduler.due_spec import DueSpec, parse_due_spec
from flashdl.scheduler.sm2 import CardState, ReviewKind

D = date(2024, 3, 1)
NEW, REVIEW, RESET, RESCHEDULE = 0, 1, int(ReviewKind.RESET), int(ReviewKind.RESCHEDULE)


def day(n: int) -> date:
    return D + timedelta(days=n - 1)


def test_a_hand_worked_log_folds_to_its_state() -> None:
    """Worked by hand from DESIGN §4: EF steps +0 (q4), +100 (q5), -140 (q3)."""
    log = [
        (NEW, day(1), 4, None, 0),  # n 1, EF 2.5, I 1, due 03-02
        (REVIEW, day(2), 5, None, 0),  # n 2, EF 2.6, I 6, due 03-08
        (RESCHEDULE, day(3), 0, day(13), 6),  # due 03-13, I kept, n and EF kept
        (REVIEW, day(13), 5, None, 0),  # n 3, I ceil(6 x 2.6) = 16, EF 2.7, due 03-29
        (RESET, day(14), 0, None, 0),  # new again
        (NEW, day(14), 3, None, 0),  # a new card's first review: n 1, EF 2.36, I 1, again today
        (RESCHEDULE, day(14), 0, day(14), 1),  # "0!": due today, I 1, no repeat pending
    ]
    assert sm2.replay_log(log[:4]) == CardState(3, 2700, 16, day(29), day(13), False)
    assert sm2.replay_log(log[:5]) == CardState()
    assert sm2.replay_log(log[:6]) == CardState(1, 2360, 1, day(15), day(14), True)
    assert sm2.replay_log(log) == CardState(1, 2360, 1, day(14), day(14), False)


def test_forget_starts_every_number_over() -> None:
    seen = sm2.replay([(day(1), 5), (day(2), 5), (day(8), 1)])
    assert sm2.forget(seen) == CardState(repetitions=0, ease=2500, interval=0, due=None, last_review=None,
                                         repeat_pending=False)
    assert sm2.forget(seen).is_new


@pytest.mark.parametrize(("days", "bang", "interval"), [(5, False, 6), (7, True, 7), (0, True, 1), (0, False, 6)])
def test_set_due_on_a_review_card(days: int, bang: bool, interval: int) -> None:
    """Anki keeps a review card's interval unless '!' (then the days, at least 1)."""
    card = sm2.replay([(day(1), 5), (day(2), 4)])  # I 6, due 03-08
    after = sm2.set_due(card, day(3), days, set_interval=bang)
    assert after == CardState(card.repetitions, card.ease, interval, day(3 + days), card.last_review, False)


@pytest.mark.parametrize(("days", "interval"), [(3, 3), (0, 1), (1, 1), (30, 30)])
def test_set_due_on_a_new_card_makes_it_a_review_card(days: int, interval: int) -> None:
    """Anki: a new card gets the days as its interval, at least 1, '!' or not."""
    for bang in (False, True):
        after = sm2.set_due(CardState(), day(1), days, set_interval=bang)
        assert after == CardState(0, 2500, interval, day(1 + days), None, False)


def test_set_due_drops_a_same_day_repeat() -> None:
    card = sm2.replay([(day(1), 2)])
    assert card.repeat_pending
    assert not sm2.set_due(card, day(1), 2).repeat_pending


@pytest.mark.parametrize(("set_on", "days", "due"), [(1, 0, 2), (1, 1, 2), (1, 3, 4), (2, 0, 2), (3, 0, 3)])
def test_set_due_of_a_card_reviewed_that_day_is_the_next_day_at_the_earliest(set_on: int, days: int,
                                                                             due: int) -> None:
    """Worked by hand: a card graded on day 1 given "0" on day 1 would be due on day 1, and a
    second grade on day 1 is a drill (DESIGN §4.5) that moves no due day: it stayed listed due
    on day 1 after every grade. It is due on day 2, the first day a grade reschedules it."""
    card = sm2.replay([(day(1), 5)])  # due day 2
    assert sm2.set_due(card, day(set_on), days).due == day(due)
    assert sm2.set_due(card, day(set_on), days, set_interval=True).due == day(due)


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 5)), min_size=1, max_size=6),
       st.integers(0, 40), st.integers(0, 10), st.booleans())
def test_a_card_graded_on_the_first_day_it_is_due_after_set_due_leaves_that_days_queue(
        gaps: list[tuple[int, int]], later: int, days: int, bang: bool) -> None:
    """Whatever the card's history and the spec: on the first study day the card is due (a
    day's queue lists cards with due <= that day) a grade of 5 makes it due after that day."""
    reviews, on = [], 0
    for gap, grade in gaps:
        on += gap
        reviews.append((day(1 + on), grade))
    card = sm2.replay(reviews)
    set_on = reviews[-1][0] + timedelta(days=later % 3 if later < 20 else later)
    after = sm2.set_due(card, set_on, days, set_interval=bang)
    assert after.due is not None
    first_due = max(after.due, set_on)
    assert sm2.review(after, 5, first_due).after.due > first_due  # type: ignore[operator]


def test_set_due_refuses_what_it_cannot_store() -> None:
    with pytest.raises(ValueError, match="past the year 9999"):
        sm2.set_due(CardState(), date(9999, 12, 1), 31)
    with pytest.raises(ValueError, match=">= 0"):
        sm2.set_due(CardState(), D, -1)


@pytest.mark.parametrize(("text", "spec"), [
    ("0", DueSpec(0, 0)), ("3", DueSpec(3, 3)), ("01", DueSpec(1, 1)), ("1-7", DueSpec(1, 7)),
    ("7!", DueSpec(7, 7, True)), ("1-7!", DueSpec(1, 7, True)), ("5-2", DueSpec(2, 5)), ("2-2", DueSpec(2, 2)),
    (" 3 ", DueSpec(3, 3)),  # Anki refuses the spaces; a typed box's stray blank is forgiven here
])
def test_due_specs_anki_accepts(text: str, spec: DueSpec) -> None:
    assert parse_due_spec(text) == spec


@pytest.mark.parametrize("text", ["", "x", "-1", "1w", "3!!", "1-", "-", "1.5", "1--2", "!"])
def test_due_specs_anki_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="expected days from today"):
        parse_due_spec(text)


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 2**32))
def test_a_range_is_drawn_uniformly_within_its_bounds(a: int, b: int, seed: int) -> None:
    spec = parse_due_spec(f"{a}-{b}")
    rng = random.Random(seed)
    draws = {spec.draw(rng) for _ in range(200)}
    assert draws <= set(range(min(a, b), max(a, b) + 1))
    if abs(a - b) <= 3:
        assert draws == set(range(min(a, b), max(a, b) + 1))  # every day of a short range comes up


@pytest.mark.parametrize("start", [None, 1, 6, 40])
@pytest.mark.parametrize("text", ["0", "3", "5!", "0!", "2-2!", "10"])
def test_set_due_matches_anki(start: int | None, text: str, tmp_path: object) -> None:
    """The real ``anki`` package on a card that is new (``start`` None) or a review card with
    that interval: the interval and due offset after Set due date are sm2.set_due's."""
    pytest.importorskip("anki.collection")
    from pathlib import Path

    from anki.collection import Collection

    col = Collection(str(Path(str(tmp_path)) / "c.anki2"))
    try:
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "Q", "A"
        col.add_note(note, col.decks.id("Default"))
        card_id = note.card_ids()[0]
        if start is not None:
            col.sched.set_due_date([card_id], f"{start}!")
        col.sched.set_due_date([card_id], text)
        card = col.get_card(card_id)
        anki = (card.ivl, card.due - col.sched.today, card.type)
    finally:
        col.close()
    # a review card last reviewed the day before (Anki's card has no review; flashdl's Set due date
    # keeps a card reviewed on the day itself off that day: see the test above)
    state = (CardState() if start is None
             else CardState(2, 2500, start, D + timedelta(days=start), D - timedelta(days=1), False))
    after = sm2.set_due(state, D, parse_due_spec(text).draw(random.Random(0)),
                        set_interval=parse_due_spec(text).set_interval)
    assert (after.interval, (after.due - D).days, 2) == anki  # type: ignore[operator]  # Anki type 2: review


def test_forget_matches_anki(tmp_path: object) -> None:
    """Anki's Forget (reset counts off): a new card again, interval 0, its lapses kept."""
    pytest.importorskip("anki.collection")
    from pathlib import Path

    from anki.collection import Collection

    col = Collection(str(Path(str(tmp_path)) / "c.anki2"))
    try:
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "Q", "A"
        col.add_note(note, col.decks.id("Default"))
        card_id = note.card_ids()[0]
        col.sched.set_due_date([card_id], "9!")
        card = col.get_card(card_id)
        card.lapses = 3
        col.update_card(card)
        col.sched.schedule_cards_as_new([card_id])
        card = col.get_card(card_id)
        anki = (card.type, card.ivl, card.lapses)
    finally:
        col.close()
    after = sm2.forget(CardState(2, 2500, 9, D + timedelta(days=9), D, False))
    assert (0 if after.is_new and after.due is None else 2, after.interval) == anki[:2]
    assert anki[2] == 3  # Anki keeps the lapses; flashdl keeps them in the log (counted from it)


def test_the_first_grade_of_a_new_card_given_a_due_date_is_a_review_as_in_anki(tmp_path: object) -> None:
    """Anki logs the answer to a new card given a due date as a review (revlog type 1), not a new
    card's first answer (type 0): it takes nothing from the day's new cards. flashdl logged kind
    NEW, so `decks` showed one new card fewer after it."""
    pytest.importorskip("anki.collection")
    from pathlib import Path

    from anki.collection import Collection

    col = Collection(str(Path(str(tmp_path)) / "c.anki2"))
    try:
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = "Q", "A"
        col.add_note(note, col.decks.id("Default"))
        card_id = note.card_ids()[0]
        col.sched.set_due_date([card_id], "0")
        card = col.sched.getCard()
        assert card is not None and card.id == card_id
        col.sched.answerCard(card, 3)  # Good
        anki_types = [row[0] for row in col.db.all("SELECT type FROM revlog WHERE cid = ? ORDER BY id", card_id)]
    finally:
        col.close()
    assert anki_types == [4, 1]  # the manual row, then a review
    for days in (0, 3):
        given = sm2.set_due(CardState(), D, days)
        graded = sm2.review(given, 4, D + timedelta(days=days))
        assert graded.kind == ReviewKind.REVIEW
        assert sm2.review(sm2.forget(graded.after), 4, D + timedelta(days=days + 1)).kind == ReviewKind.NEW
