"""The practice screen through Pilot: answers recorded as practice attempts, the schedule untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui_helpers import SIZE, build_app, decks_listed, settle, shown, wait_for

from flashdl.engine import generate_variant
from flashdl.services.practice import PracticeOptions
from flashdl.tui.screens.practice import PracticeScreen, Step

# The sample deck's conv2d_param_count card (tui-sample.yaml, card "params")
LIKE = {"in_channels": 3, "out_channels": 10, "kernel": [5, 5], "bias": True}
OPTIONS = PracticeOptions(deck="tui-sample", family="conv2d_param_count", count=2)


def conv_params(params: dict[str, Any]) -> int:
    """nn.Conv2d's parameter count by hand: (in/groups · kh · kw + bias) weights per output channel."""
    kernel = params["kernel"]
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    per_filter = params["in_channels"] // params.get("groups", 1) * kh * kw + (1 if params.get("bias", True) else 0)
    return per_filter * params["out_channels"]


def rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as db:
        return db.execute(sql).fetchall()


async def exercise_shown(pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PracticeScreen)
                   and pilot.app.screen.step is not Step.LOADING, "the first exercise")


async def type_answer(pilot: Pilot[Any], text: str) -> None:
    box = pilot.app.screen.query_one("#answer", Input)
    box.value = ""
    box.insert_text_at_cursor(text)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_practice_run_records_attempts_and_moves_no_due_date(db_path: Path) -> None:
    cards_before = rows(db_path, "SELECT * FROM card ORDER BY id")
    # seeds count from 7: the run's order takes 7, the exercises 8 and 9
    first, second = (generate_variant("conv2d_param_count", seed, like=LIKE).params for seed in (8, 9))
    app = build_app(db_path, practice=OPTIONS)
    async with app.run_test(size=SIZE) as pilot:
        await exercise_shown(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PracticeScreen) and screen.step is Step.TYPING
        assert "1/2 · conv2d_param_count · from tui-sample/params" in shown(screen.query_one("#card-meta", Static))
        await type_answer(pilot, str(conv_params(first)))
        assert screen.step is Step.ANSWERED
        assert "✔ Right" in shown(screen.query_one("#feedback"))
        await pilot.press("enter")
        await settle(pilot)
        await type_answer(pilot, "")  # I don't know: the solution, counted wrong, no error
        assert "No answer" in shown(screen.query_one("#feedback"))
        await pilot.press("enter")
        await settle(pilot)
        assert screen.step is Step.DONE
        assert "Practice done: 1 of 2 right" in shown(screen.query_one("#card-meta", Static))
    attempts = rows(db_path, "SELECT family, typed_answer, correct, duration_ms FROM practice_attempt ORDER BY id")
    assert [(family, typed, correct) for family, typed, correct, _ in attempts] == [
        ("conv2d_param_count", str(conv_params(first)), 1), ("conv2d_param_count", "", 0)]
    assert all(duration > 0 for *_, duration in attempts)  # the fake timer: 7 s a reading
    assert [p for (p,) in rows(db_path, "SELECT params FROM practice_attempt ORDER BY id")] == [
        _json(first), _json(second)]
    assert rows(db_path, "SELECT count(*) FROM review_log") == [(0,)]
    assert rows(db_path, "SELECT * FROM card ORDER BY id") == cards_before


def _json(params: dict[str, Any]) -> str:
    from flashdl.store.records import dump_json

    return dump_json(params)


async def test_p_on_home_practises_the_selected_deck(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("p")
        await exercise_shown(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PracticeScreen) and screen.options == PracticeOptions(deck="tui-sample")
        assert screen.practice_run is not None
        # the sample deck's two computed cards, one per family, weakest (never answered) first
        assert {c.full_id for c in screen.practice_run.plan} == {"tui-sample/params", "tui-sample/xcorr"}
        await pilot.press("escape", "q")  # leave the answer box, end: nothing answered, home again
        await settle(pilot)
        assert not isinstance(pilot.app.screen, PracticeScreen)
    assert rows(db_path, "SELECT count(*) FROM practice_attempt") == [(0,)]


async def test_out_of_the_answer_box_enter_goes_back_to_it(db_path: Path) -> None:
    """After esc leaves the box, the hint said `enter check` and enter did nothing. Now enter
    goes back to the box (no attempt recorded), the hint says so, and the answer typed then
    is recorded as usual."""
    first = generate_variant("conv2d_param_count", 8, like=LIKE).params
    app = build_app(db_path, practice=OPTIONS)
    async with app.run_test(size=SIZE) as pilot:
        await exercise_shown(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PracticeScreen)
        box = screen.query_one("#answer", Input)
        bar = screen.query_one("GradeBar", Static)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.focused is None and "back to the answer box" in shown(bar)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.focused is box and screen.step is Step.TYPING and "enter check" in shown(bar)
        assert rows(db_path, "SELECT count(*) FROM practice_attempt") == [(0,)]
        await type_answer(pilot, str(conv_params(first)))
        assert screen.step is Step.ANSWERED
    assert rows(db_path, "SELECT typed_answer, correct FROM practice_attempt") == [(str(conv_params(first)), 1)]


async def test_flashdl_practice_with_nothing_to_practise_exits_2(db_path: Path) -> None:
    """docs/engine.md: a filter that matches no computed card is an error (exit 2), as in line
    mode; `flashdl practice --tag typo` opened the terminal UI on a "Nothing to practise" screen
    and ended with exit 0. From home (`p`) that screen stays: the app is not left."""
    from flashdl.errors import UsageError

    app = build_app(db_path, practice=PracticeOptions(tag="no-such-tag"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert isinstance(app.error, UsageError) and app.return_code == 2
    assert "Nothing to practise in all decks · tag no-such-tag" in str(app.error)

    home = build_app(db_path)
    async with home.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        home.practice(PracticeOptions(deck="tui-sample", tag="no-such-tag"))
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PracticeScreen) and screen.step is Step.DONE
        assert "Nothing to practise" in shown(screen.query_one("#card-meta", Static))
    assert home.error is None
