"""Whole study sessions driven by keys, then checked in the database through the services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import SIZE, build_app, card_shown, details, grades, settle

from flashdl.scheduler.sm2 import ReviewKind
from flashdl.tui.screens.study import Step, StudyScreen
from flashdl.tui.screens.summary import SummaryScreen
from flashdl.tui.widgets.answer_feedback import AnswerFeedback


def as_typed(answer: Any) -> str:
    """How a student types an engine answer: ``12`` or ``1 2; 3 4``."""
    if isinstance(answer, list):
        return "; ".join(" ".join(str(x) for x in row) for row in answer)
    return str(answer)


async def start(pilot: Pilot[Any]) -> StudyScreen:
    await card_shown(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StudyScreen)
    return screen


async def grade_plain(pilot: Pilot[Any], grade: int) -> None:
    await pilot.press("space", str(grade))
    await pilot.pause()


async def answer_typed(pilot: Pilot[Any], text: str) -> None:
    screen = pilot.app.screen
    assert screen.step is Step.TYPING
    if len(text) <= 4:  # short answers typed key by key, long ones pasted
        await pilot.press(*text)
    else:
        screen.query_one("#answer", Input).insert_text_at_cursor(text)
    await pilot.press("enter")
    await pilot.pause()


async def test_a_whole_session_records_every_grade(db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert screen.card.card == "tui-sample/size"
        await grade_plain(pilot, 4)
        assert screen.card.card == "tui-sample/relu"
        await grade_plain(pilot, 2)  # below 4: comes back today
        assert screen.card.card == "tui-sample/xavier"
        await grade_plain(pilot, 5)

        assert screen.card.card == "tui-sample/params"  # computed, the card's own numbers
        await answer_typed(pilot, "760")
        assert screen.step is Step.RIGHT
        await pilot.press("5")
        await pilot.pause()

        assert screen.card.card == "tui-sample/xcorr"  # computed, a fresh variant
        first_variant = screen.exercise
        assert first_variant is not None and first_variant.seed == 7
        await answer_typed(pilot, "0")  # wrong: grade 1 recorded at once
        assert screen.step is Step.WRONG
        await pilot.press("enter")
        await pilot.pause()

        assert screen.card.card == "tui-sample/relu"  # the same-day repeats, in order
        await grade_plain(pilot, 4)
        assert screen.card.card == "tui-sample/xcorr"
        assert screen.exercise.seed == 8 and screen.exercise.params != first_variant.params
        await answer_typed(pilot, as_typed(screen.exercise.answer))
        assert screen.step is Step.RIGHT
        await pilot.press("enter")  # enter = 4
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.due_tomorrow == 5

    assert grades(db_path, "tui-sample/size") == [4]
    assert grades(db_path, "tui-sample/relu") == [2, 4]
    assert [e.kind for e in details(db_path, "tui-sample/relu").history] == [ReviewKind.NEW, ReviewKind.DRILL]
    assert grades(db_path, "tui-sample/xavier") == [5]

    params = details(db_path, "tui-sample/params").history
    assert [(e.grade, e.typed_answer, e.answer_correct) for e in params] == [(5, "760", True)]
    assert params[0].variant_params == {"in_channels": 3, "out_channels": 10, "kernel": [5, 5], "bias": True}

    xcorr = details(db_path, "tui-sample/xcorr").history
    assert [(e.grade, e.answer_correct) for e in xcorr] == [(1, False), (4, True)]
    assert xcorr[0].typed_answer == "0"
    assert xcorr[0].variant_params == first_variant.params
    assert xcorr[0].variant_params != xcorr[1].variant_params
    assert all(e.duration_ms > 0 for e in xcorr)


async def test_undo_restores_the_card_and_shows_it_again(db_path: Path) -> None:
    before = details(db_path, "tui-sample/relu").state
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await grade_plain(pilot, 4)
        await grade_plain(pilot, 3)
        assert grades(db_path, "tui-sample/relu") == [3]
        await pilot.press("u")
        await pilot.pause()
        assert grades(db_path, "tui-sample/relu") == []
        assert details(db_path, "tui-sample/relu").state == before
        assert screen.card.card == "tui-sample/relu" and screen.step is Step.FRONT
        assert screen.tally.count == 1
        await grade_plain(pilot, 5)
        await pilot.press("u", "u")  # back past the first card too
        await pilot.pause()
        assert screen.card.card == "tui-sample/size"
        await pilot.press("u")  # nothing left to undo: a no-op
        await pilot.pause()
    assert grades(db_path, "tui-sample/size") == []
    assert grades(db_path, "tui-sample/relu") == []


async def test_undo_after_a_wrong_typed_answer_shows_the_same_numbers(db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        for grade in (4, 4, 4):
            await grade_plain(pilot, grade)
        await answer_typed(pilot, "760")
        await pilot.press("4")
        await pilot.pause()
        variant = screen.exercise
        await answer_typed(pilot, "")  # an empty answer gives up: wrong, grade 1
        assert screen.step is Step.WRONG
        assert grades(db_path, "tui-sample/xcorr") == [1]
        await pilot.press("u")
        await pilot.pause()
        assert grades(db_path, "tui-sample/xcorr") == []
        assert screen.exercise == variant and screen.step is Step.TYPING
        await answer_typed(pilot, as_typed(variant.answer))
        await pilot.press("3")
        await pilot.pause()
    history = details(db_path, "tui-sample/xcorr").history
    assert [(e.grade, e.answer_correct, e.variant_params) for e in history] == [(3, True, variant.params)]


async def test_an_empty_answer_shows_the_solution_and_records_grade_1(db_path: Path) -> None:
    """An empty answer is "I don't know" (DESIGN §5, engine check): the worked solution and the
    expected answer, no error message, grade 1 with the typed answer logged as empty."""
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        for grade in (4, 4, 4):
            await grade_plain(pilot, grade)
        await answer_typed(pilot, "760")
        await pilot.press("4")
        await pilot.pause()
        variant = screen.exercise
        assert variant is not None and screen.card.card == "tui-sample/xcorr"
        screen.query_one("#answer", Input).insert_text_at_cursor("   ")   # blanks only: still empty
        await pilot.press("enter")
        await pilot.pause()
        assert screen.step is Step.WRONG
        feedback = screen.query_one("#feedback", AnswerFeedback)
        shown = str(feedback.content)
        assert shown.startswith("No answer") and "recorded as grade 1" in shown
        assert "Wrong" not in shown and "could not" not in shown   # no error message
        assert feedback.has_class("skipped") and not feedback.has_class("wrong")
        expected = [str(value) for row in variant.answer for value in row]   # every entry of the answer
        assert all(value in shown for value in expected) and "(nothing typed)" in shown
        solution = screen.query_one("#solution")
        assert solution.display
        await pilot.press("enter")
        await pilot.pause()
    history = details(db_path, "tui-sample/xcorr").history
    assert [(e.grade, e.typed_answer, e.answer_correct, e.variant_params) for e in history] == [
        (1, "", False, variant.params)]


async def test_grade_keys_do_nothing_before_the_answer_shows(db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("5", "0")
        await pilot.pause()
        assert screen.step is Step.FRONT and screen.tally.count == 0
        await pilot.press("space")
        assert screen.step is Step.BACK
        await pilot.press("enter")  # enter grades 4 once the back shows
        await pilot.pause()
    assert grades(db_path, "tui-sample/size") == [4]


async def test_suspend_and_bury_take_cards_out_of_the_session(db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert screen.card.card == "tui-sample/relu"
        await pilot.press("b")
        await pilot.pause()
        assert screen.card.card == "tui-sample/xavier"
        assert screen.session.counts().total == 3
    assert details(db_path, "tui-sample/size").suspended
    assert details(db_path, "tui-sample/relu").buried_until is not None
    assert grades(db_path, "tui-sample/size") == []


async def test_quitting_mid_session_keeps_every_grade(db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await grade_plain(pilot, 4)
        await grade_plain(pilot, 1)
        await pilot.press("space")  # the third card's back is showing, not graded
        await pilot.press("ctrl+q")
    assert grades(db_path, "tui-sample/size") == [4]
    assert grades(db_path, "tui-sample/relu") == [1]
    assert grades(db_path, "tui-sample/xavier") == []


async def test_q_ends_the_session_with_a_summary_then_home(db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await grade_plain(pilot, 5)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.tally.count == 1
        await pilot.press("enter")
        await settle(pilot)
        from flashdl.tui.screens.home import HomeScreen

        assert isinstance(app.screen, HomeScreen)


async def test_keys_between_the_end_and_the_summary_change_nothing(db_path: Path) -> None:
    """Ending a session asks the app for the summary by a message: keys handled before it
    shows (a quick ``q`` then ``u``) must not act on the last card."""
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await grade_plain(pilot, 4)
        screen.action_leave()  # the summary is asked for...
        screen.action_undo()  # ...and these run before it is shown
        screen.action_suspend()
        screen.action_leave()
        assert screen.step is Step.DONE
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert app.screen.tally.count == 1
    assert grades(db_path, "tui-sample/size") == [4]
    assert not details(db_path, "tui-sample/relu").suspended


async def test_grade_keys_show_the_interval_the_grade_then_stores(db_path: Path) -> None:
    from tui_helpers import shown

    from flashdl.tui.widgets.grade_bar import GradeBar

    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        card = screen.card.card
        await pilot.press("space")
        await pilot.pause()
        text = " ".join(shown(screen.query_one(GradeBar)).split())
        # a new card: SM-2's first interval is 1 day for any grade, and below 4 it also comes
        # back later today (DESIGN §4)
        assert "Next due: 0–3 again today, then 1d · 4–5 1d" in text
        await pilot.press("3")
        await settle(pilot)
    stored = details(db_path, card)
    assert (stored.state.due - stored.history[-1].study_day).days == 1
    assert stored.state.interval == 1 and stored.history[-1].grade == 3


async def test_after_a_checked_answer_keys_act_on_the_card_not_the_box(db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        for grade in (5, 5, 5):
            await grade_plain(pilot, grade)
        assert screen.card.card == "tui-sample/params"
        box = screen.query_one("#answer", Input)
        from textual import events

        for key, char in (("7", "7"), ("6", "6"), ("0", "0"), ("enter", "\r"), ("space", " "), ("4", "4")):
            pilot.app.post_message(events.Key(key, char))  # one burst from the terminal, as people type
        await settle(pilot)
        assert screen.card.card == "tui-sample/xcorr"  # the next card, its box empty
        assert box.value == ""
        assert screen.card.card != "tui-sample/params"
    assert grades(db_path, "tui-sample/params") == [4]


async def test_a_session_ended_early_says_what_is_left(db_path: Path) -> None:
    from tui_helpers import shown

    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        first = screen.card.card
        await grade_plain(pilot, 2)  # below 3: a learning card, back later today
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SummaryScreen)
        heading = shown(pilot.app.screen.query_one("#summary-heading"))
        # tui-sample holds 5 new cards: 4 never shown, the graded one comes back today
        assert heading.strip() == "4 new and 1 learning card left for today"
    assert grades(db_path, first) == [2]


async def test_out_of_the_answer_box_enter_and_space_go_back_to_it(db_path: Path) -> None:
    """After esc leaves a computed card's answer box, the hint named `enter check` and the
    footer `space Show answer`, and neither key did anything. Now both go back to the box
    (nothing is recorded), the hint says so, and the answer typed then is checked as usual."""
    from textual.widgets import Static

    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        for grade in (5, 5, 5):
            await grade_plain(pilot, grade)
        assert screen.card.card == "tui-sample/params" and screen.step is Step.TYPING
        box = screen.query_one("#answer", Input)
        bar = screen.query_one("GradeBar", Static)
        for back in ("enter", "space"):
            await pilot.press("escape")
            await pilot.pause()
            assert screen.focused is None and "back to the answer box" in str(bar.content)
            await pilot.press(back)
            await pilot.pause()
            assert screen.focused is box and screen.step is Step.TYPING
            assert "enter check" in str(bar.content).replace("  ", " ")
        assert grades(db_path, "tui-sample/params") == []   # going back records nothing
        await answer_typed(pilot, "760")
        assert screen.step is Step.RIGHT
        await pilot.press("4")
        await pilot.pause()
    assert grades(db_path, "tui-sample/params") == [4]


async def test_a_buried_new_card_leaves_its_place_to_the_next_one_until_undone(db_path: Path) -> None:
    """With 2 new cards a day, burying the first brings in the third (as in Anki: a buried card
    uses up none of the day's limit); undo puts it back and takes the third out again."""
    from textual.widgets import Label

    from flashdl.services.browse import search_cards
    from flashdl.services.settings import set_deck_new_limit
    from flashdl.store import open_store
    from flashdl.tui.widgets.session_progress import SessionProgress

    with open_store(db_path) as store:
        set_deck_new_limit(store, "tui-sample", 2)
        order = [hit.card for hit in search_cards(store, "", limit=10)]  # file order
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)

        def progress() -> str:
            return str(screen.query_one(SessionProgress).query_one(Label).render())

        assert screen.card.card == order[0]
        assert [e.card_id for e in screen.session.queued()] == [details(db_path, c).id for c in order[:2]]
        await pilot.press("b")
        await pilot.pause()
        assert screen.card.card == order[1]
        assert [e.card_id for e in screen.session.queued()] == [details(db_path, c).id for c in order[1:3]]
        assert progress().startswith("0 done · 2 left: 2 new")
        await pilot.press("u")
        await pilot.pause()
        assert screen.card.card == order[0]
        assert [e.card_id for e in screen.session.queued()] == [details(db_path, c).id for c in order[:2]]
        assert progress().startswith("0 done · 2 left: 2 new")
    assert details(db_path, order[0]).buried_until is None


async def test_a_buried_review_leaves_its_place_to_the_next_due_one_until_undone(db_path: Path) -> None:
    """With 2 reviews a day and 3 due, burying the first brings in the third (as in Anki: a
    buried card does not count toward the day's review limit; the session ended one short of
    what home counted); undo puts it back and takes the third out again."""
    from datetime import timedelta

    from textual.widgets import Label
    from tui_helpers import NOW

    from flashdl.services.deck_options import set_options
    from flashdl.services.reviews import record_review
    from flashdl.services.settings import set_deck_new_limit
    from flashdl.store import open_store
    from flashdl.tui.widgets.session_progress import SessionProgress

    seen = ["tui-sample/size", "tui-sample/relu", "tui-sample/xavier"]  # most overdue first
    with open_store(db_path) as store:
        for days, card in zip((4, 3, 2), seen):
            record_review(store, card, 5, NOW - timedelta(days=days))  # due the day after
        set_options(store, "tui-sample", reviews_per_day=2)
        set_deck_new_limit(store, "tui-sample", 0)
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)

        def progress() -> str:
            return str(screen.query_one(SessionProgress).query_one(Label).render())

        def queued() -> list[int]:
            return [e.card_id for e in screen.session.queued()]

        assert screen.card.card == seen[0] and queued() == [details(db_path, c).id for c in seen[:2]]
        await pilot.press("b")
        await pilot.pause()
        assert screen.card.card == seen[1] and queued() == [details(db_path, c).id for c in seen[1:]]
        assert progress().startswith("0 done · 2 left: 0 new · 0 learning · 2 review")
        await pilot.press("u")
        await pilot.pause()
        assert screen.card.card == seen[0] and queued() == [details(db_path, c).id for c in seen[:2]]
        assert progress().startswith("0 done · 2 left: 0 new · 0 learning · 2 review")
    assert details(db_path, seen[0]).buried_until is None


async def test_a_session_open_across_the_rollover_takes_the_new_days_queue(db_path: Path) -> None:
    """Graded 3 at 03:50 (n=2, I=6, EF=2.7: I = ceil(6 x 2.7) = 17), tui-sample/size waits for
    its same-day repeat; graded again at 04:05, a new study day, it was recorded as a real review
    16 days early (I 17 -> 44). Now the grade is not recorded, the screen says why, and the new
    day's queue follows: relu (new at 03:50, graded 5: I=1) is due on it, then its new card."""
    import itertools
    from datetime import timedelta

    from textual.widgets import Label
    from tui_helpers import NOW, seconds_counter

    from flashdl.services.reviews import record_review
    from flashdl.services.settings import set_deck_new_limit
    from flashdl.store import open_store
    from flashdl.tui.app import make_app
    from flashdl.tui.widgets.session_progress import SessionProgress

    before = NOW.replace(hour=3, minute=50) + timedelta(days=8)  # study day NOW + 7: size is due
    with open_store(db_path) as store:
        record_review(store, "tui-sample/size", 5, NOW)  # I=1
        record_review(store, "tui-sample/size", 5, NOW + timedelta(days=1))  # I=6: due NOW + 7
        set_deck_new_limit(store, "tui-sample", 1)

    class Clock:
        moment = before

        def now(self) -> Any:
            return self.moment

    clock = Clock()
    app = make_app(db_path, clock, study="tui-sample", seeds=itertools.count(7), timer=seconds_counter(),
                   import_bundled=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert screen.card.card == "tui-sample/size"
        await grade_plain(pilot, 3)
        assert screen.card.card == "tui-sample/relu"  # the day's one new card, then the repeat
        await grade_plain(pilot, 5)
        assert screen.card.card == "tui-sample/size" and screen.card.kind.value == "learning"
        clock.moment = before + timedelta(minutes=15)
        await grade_plain(pilot, 5)
        assert screen.card.card == "tui-sample/relu" and screen.card.kind.value == "review"
        label = str(screen.query_one(SessionProgress).query_one(Label).render())
        assert label.endswith("1 new · 0 learning · 1 review")
        shown = [n.message for n in pilot.app._notifications]
        assert any(m.startswith("Not recorded: a new study day began") and "tui-sample/size was a repeat"
                   in m for m in shown)
    assert grades(db_path, "tui-sample/size") == [5, 5, 3]
    state = details(db_path, "tui-sample/size").state
    assert (state.interval, state.due) == (17, NOW.date() + timedelta(days=7 + 17))


async def test_undo_of_a_grade_forgotten_since_says_so_and_the_next_undo_goes_on(db_path: Path) -> None:
    """Grade two cards, forget the second elsewhere (browse, another window), press u: the screen
    said "Nothing to undo in this session." though the first grade could still be taken back."""
    from flashdl.services.manual_schedule import forget_cards
    from flashdl.store import open_store

    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await grade_plain(pilot, 4)  # tui-sample/size
        await grade_plain(pilot, 5)  # tui-sample/relu
        with open_store(db_path) as store:
            forget_cards(store, ["tui-sample/relu"], app.collection.now())
        await pilot.press("u")
        await pilot.pause()
        said = [n.message for n in pilot.app._notifications]
        assert any("tui-sample/relu was forgotten on" in m for m in said), said
        assert not any("Nothing to undo" in m for m in said)
        relu = [(e.kind, e.grade) for e in details(db_path, "tui-sample/relu").history]
        assert relu == [(ReviewKind.NEW, 5), (ReviewKind.RESET, 0)]  # the grade stays
        await pilot.press("u")
        await pilot.pause()
        assert grades(db_path, "tui-sample/size") == []
        assert screen.card.card == "tui-sample/size"
