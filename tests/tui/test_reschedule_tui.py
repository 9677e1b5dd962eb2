"""Browse's Forget (`F`, asks first) and Set due date (`D`, a days box): the database changes as
the services say (checked with plain sqlite3) and the row shows it at once."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable, Static
from tui_helpers import NOW, settle, shown, wait_for

from flashdl.services.reviews import record_review
from flashdl.store import open_store
from flashdl.tui.screens.browse import BrowseScreen
from flashdl.tui.screens.reschedule import DueDateScreen, ForgetScreen

CARD = "tui-sample/size"


def stored(db_path: Path) -> tuple[object, ...]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute(
            "SELECT c.repetitions, c.ease, c.interval, c.due, c.last_review, "
            "(SELECT group_concat(kind) FROM review_log WHERE card_id = c.id) "
            "FROM card c JOIN deck d ON d.id = c.deck_id WHERE d.slug || '/' || c.slug = ?", (CARD,)).fetchone()
    finally:
        db.close()


async def browse(pilot: object, app: object) -> DataTable[object]:
    await settle(pilot)  # type: ignore[arg-type]
    await app.push_screen(BrowseScreen(""))  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    table: DataTable[object] = app.screen.query_one("#hits", DataTable)  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: table.row_count == 5, "the cards listed")  # type: ignore[arg-type]
    table.move_cursor(row=next(i for i in range(5) if table.get_row_at(i)[0] == CARD))
    await settle(pilot)  # type: ignore[arg-type]
    return table


def row_of(table: DataTable[object]) -> tuple[object, ...]:
    return next(tuple(table.get_row_at(i)) for i in range(table.row_count) if table.get_row_at(i)[0] == CARD)


async def test_f_forgets_after_asking_and_the_row_says_new(db_path: Path) -> None:
    from tui_helpers import build_app

    with open_store(db_path) as store:
        record_review(store, CARD, 5, NOW - timedelta(days=2))
        record_review(store, CARD, 5, NOW - timedelta(days=1))
    before = stored(db_path)
    assert before[:3] == (2, 2700, 6)
    app = build_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, app)
        assert row_of(table)[1] != "new"
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, ForgetScreen)
        await pilot.press("escape")  # cancelled: nothing changes
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen) and stored(db_path) == before
        await pilot.press("F")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert stored(db_path) == (0, 2500, 0, None, None, "0,1,3")
        await wait_for(pilot, lambda: row_of(table)[1] == "new", "the row shown new")


async def test_d_sets_the_due_date_and_a_bad_spec_stays_in_the_box(db_path: Path) -> None:
    from tui_helpers import build_app

    app = build_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        table = await browse(pilot, app)
        assert row_of(table)[1] == "new"
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, DueDateScreen)
        await pilot.press("1", "w", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DueDateScreen)  # refused, explained, still open
        assert "expected days from today" in str(app.screen.query_one("#due-status", Static).render())
        assert stored(db_path)[3] is None
        await pilot.press("backspace", "backspace", "5", "!", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        due = (NOW.date() + timedelta(days=5)).isoformat()  # 10:00 UTC is past the 04:00 rollover
        assert stored(db_path) == (0, 2500, 5, due, None, "4")
        await wait_for(pilot, lambda: row_of(table)[1:3] == (due, "5d"), "the row shown due")


async def test_the_card_screen_has_both_keys_and_its_history_names_them(db_path: Path) -> None:
    from tui_helpers import build_app

    from flashdl.tui.screens.card import CardScreen

    with open_store(db_path) as store:
        record_review(store, CARD, 4, NOW - timedelta(days=1))
    app = build_app(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await browse(pilot, app)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CardScreen)
        await pilot.press("D", "2", "enter")
        await settle(pilot)
        due = (NOW.date() + timedelta(days=2)).isoformat()
        assert stored(db_path)[2:] == (1, due, (NOW - timedelta(days=1)).date().isoformat(), "0,4")
        history = screen.query_one("#history", DataTable)
        await wait_for(pilot, lambda: history.row_count == 2, "the set due date in the history")
        assert str(history.get_row_at(0)[2]) == f"due set to {due}" and str(history.get_row_at(0)[1]) == ""
        await pilot.press("F", "y")
        await settle(pilot)
        assert stored(db_path) == (0, 2500, 0, None, None, "0,4,3")
        await wait_for(pilot, lambda: history.row_count == 3, "the forget in the history")
        assert str(history.get_row_at(0)[2]) == "forgotten"
        # one graded review in the history of three rows; new, though not "never reviewed"
        rows = [line.split(None, 1) for line in shown(screen.query_one("#card-scheduling")).splitlines()]
        assert ["Reviews", "1, 1 right"] in rows and ["Due", "new"] in rows
        await pilot.press("q")
        await settle(pilot)
        table = app.screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: row_of(table)[1] == "new", "browse shows the change")
