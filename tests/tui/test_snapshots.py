"""SVG snapshots of the main screens at 80×24 (update with ``pytest --snapshot-update``).

Deterministic by construction: fixed clock, fixed seeds and answer times,
no cursor blink (see ``conftest``), fixed theme and terminal size.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import SIZE, build_app, card_shown, decks_listed, settle, wait_for

from flashdl.tui.screens.summary import SummaryScreen


async def _studying(pilot: Pilot[Any], *keys: str) -> None:
    await card_shown(pilot)
    await pilot.press(*keys)
    await settle(pilot)


def test_home(snap_compare: Any, db_path: Path) -> None:
    assert snap_compare(build_app(db_path), terminal_size=SIZE, run_before=decks_listed)


def test_study_front(snap_compare: Any, db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")
    assert snap_compare(app, terminal_size=SIZE, run_before=_studying)


def test_study_back(snap_compare: Any, db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")

    async def reveal(pilot: Pilot[Any]) -> None:
        await _studying(pilot, "space")

    assert snap_compare(app, terminal_size=SIZE, run_before=reveal)


def test_study_back_light_theme(snap_compare: Any, db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample", theme="textual-light")

    async def reveal(pilot: Pilot[Any]) -> None:
        await _studying(pilot, "space", "4", "space")

    assert snap_compare(app, terminal_size=SIZE, run_before=reveal)


def test_computed_card_feedback(snap_compare: Any, matrix_db: Path) -> None:
    app = build_app(matrix_db, study="tui-matrix")

    async def answer_wrong(pilot: Pilot[Any]) -> None:
        await card_shown(pilot)
        pilot.app.screen.query_one("#answer", Input).insert_text_at_cursor("2 9 4; 12 15 1; 12 4 16")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=answer_wrong)


def test_computed_card_no_answer(snap_compare: Any, matrix_db: Path) -> None:
    """An empty answer: the expected answer and the worked solution, no error message."""
    app = build_app(matrix_db, study="tui-matrix")

    async def answer_nothing(pilot: Pilot[Any]) -> None:
        await card_shown(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=answer_nothing)


def test_summary(snap_compare: Any, db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")

    async def finish(pilot: Pilot[Any]) -> None:
        await _studying(pilot, "space", "4", "space", "2", "space", "5", "escape", "q")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SummaryScreen)
                       and pilot.app.screen.due_tomorrow is not None, "the summary")

    assert snap_compare(app, terminal_size=SIZE, run_before=finish)


def test_practice_feedback(snap_compare: Any, db_path: Path) -> None:
    from flashdl.services.practice import PracticeOptions
    from flashdl.tui.screens.practice import PracticeScreen, Step

    app = build_app(db_path, practice=PracticeOptions(deck="tui-sample", family="conv2d_param_count",
                                                      count=3))

    async def answer_wrong(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PracticeScreen)
                       and pilot.app.screen.step is Step.TYPING, "the first exercise")
        pilot.app.screen.query_one("#answer", Input).insert_text_at_cursor("1000")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=answer_wrong)


async def _editing(pilot: Pilot[Any], card: str | None) -> None:
    from flashdl.tui.messages import CardEditRequested
    from flashdl.tui.screens.edit import CardEditScreen

    await decks_listed(pilot)
    pilot.app.post_message(CardEditRequested(card, deck="tui-sample"))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CardEditScreen), "the card editor")
    await settle(pilot)


def test_card_editor_prefilled(snap_compare: Any, db_path: Path) -> None:
    """``e``: the card's text and tags, the live preview as the study screen draws it."""

    async def edit(pilot: Pilot[Any]) -> None:
        await _editing(pilot, "tui-sample/size")

    assert snap_compare(build_app(db_path), terminal_size=SIZE, run_before=edit)


def test_card_editor_new_card(snap_compare: Any, db_path: Path) -> None:
    """``n``: the deck chosen, empty fields with their hints."""

    async def new(pilot: Pilot[Any]) -> None:
        await _editing(pilot, None)

    assert snap_compare(build_app(db_path), terminal_size=SIZE, run_before=new)
