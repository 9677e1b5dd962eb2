"""Browse's Ivl column, `prop:interval` and the interval sort give a card's interval under its
deck's scheduler, as the card screen and ``flashdl show`` do: on an FSRS deck they read SM-2's
interval (a card due in 27 days showed "201d")."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from textual.widgets import DataTable, Static
from tui_helpers import NOW, SIZE, build_app, decks_listed, details, settle, shown, wait_for

from flashdl.services import deck_options
from flashdl.services.reviews import record_review
from flashdl.store import open_store
from flashdl.tui.screens.browse import BrowseScreen
from flashdl.tui.screens.card import CardScreen

CARD = "tui-sample/relu"
OTHER = "tui-sample/xavier"


def stored(db_path: Path, card: str) -> tuple[int, date, date]:
    """The card's stored SM-2 interval, queue due day and last review day."""
    db = sqlite3.connect(db_path)
    try:
        interval, due, last = db.execute(
            "SELECT c.interval, c.due, c.last_review FROM card AS c JOIN deck AS d ON d.id = c.deck_id "
            "WHERE d.slug || '/' || c.slug = ?", (card,)).fetchone()
    finally:
        db.close()
    return interval, date.fromisoformat(due), date.fromisoformat(last)


def fsrs_history(db_path: Path) -> None:
    """Reviews early and often: SM-2's interval grows far past FSRS's; then the deck goes FSRS."""
    with open_store(db_path) as store:
        for days_ago in (13, 10, 8, 6, 4, 3):
            record_review(store, CARD, 5, NOW - timedelta(days=days_ago))
        for days_ago in (300, 280, 230):  # few reviews, far apart: FSRS's interval is the longer
            record_review(store, OTHER, 5, NOW - timedelta(days=days_ago))
        deck_options.set_options(store, "tui-sample", scheduler="fsrs")


async def test_browse_shows_the_fsrs_interval_the_card_screen_shows(db_path: Path) -> None:
    fsrs_history(db_path)
    sm2_interval, due, last = stored(db_path, CARD)
    fsrs_interval = (due - last).days  # FSRS's due day counted from the last review, by hand
    assert sm2_interval != fsrs_interval, "the history must tell the two apart"
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.push_screen(CardScreen(details(db_path, CARD).id))
        await settle(pilot)
        card_rows = shown(app.screen.query_one("#card-scheduling", Static))
        interval_row = next(line for line in card_rows.splitlines() if line.strip().startswith("Interval"))
        assert interval_row.split()[1:] == [str(fsrs_interval), "days"]
        app.pop_screen()
        await settle(pilot)
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count > 0, "the rows")
        row = table.get_row(CARD)
        assert str(row[2]) == f"{fsrs_interval}d"
        await pilot.press("slash", *f"prop:interval={fsrs_interval}", "enter")
        await wait_for(pilot, lambda: CARD in {str(key.value) for key in table.rows}, "the card by its interval")
        await pilot.press("slash", "ctrl+u", *f"prop:interval={sm2_interval}", "enter")
        await wait_for(pilot, lambda: CARD not in {str(key.value) for key in table.rows}, "not by SM-2's")


async def test_the_interval_sort_follows_the_fsrs_interval(db_path: Path) -> None:
    fsrs_history(db_path)
    intervals, sm2 = {}, {}
    for card in (CARD, OTHER):
        sm2[card], due, last = stored(db_path, card)
        intervals[card] = (due - last).days
    assert (sm2[CARD] > sm2[OTHER]) != (intervals[CARD] > intervals[OTHER]), (sm2, intervals)  # the sorts differ
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#hits", DataTable)
        await pilot.press("o", "o")  # deck → due → interval
        await settle(pilot)
        assert screen._order == "interval"
        order = [str(key.value) for key in table.rows][:2]
        assert order == sorted(intervals, key=lambda card: -intervals[card])
