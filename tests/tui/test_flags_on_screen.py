"""Browse and the card screen show a bury only while it is in effect, and a card graded below 4
earlier today as due again today (QA walkthrough defects 1 and 3), as ``flashdl show`` does."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

from textual.widgets import DataTable, Static
from tui_helpers import NOW, SIZE, build_app, decks_listed, details, settle, shown, wait_for

from flashdl.services import card_flags
from flashdl.services.browse import search_cards
from flashdl.services.reviews import record_review
from flashdl.store import open_store
from flashdl.tui.screens.browse import BrowseScreen
from flashdl.tui.screens.card import CardScreen


def bury_ends(buried_at: datetime) -> datetime:
    """The first 04:00 (the default rollover) strictly after ``buried_at``: the card is back then."""
    candidate = buried_at.replace(hour=4, minute=0, second=0, microsecond=0)
    return candidate if candidate > buried_at else candidate + timedelta(days=1)


def stored_day(db_path: Path, card: str, column: str) -> date:
    db = sqlite3.connect(db_path)
    try:
        text = db.execute(f"SELECT c.{column} FROM card AS c JOIN deck AS d ON d.id = c.deck_id "
                          "WHERE d.slug || '/' || c.slug = ?", (card,)).fetchone()[0]
    finally:
        db.close()
    return date.fromisoformat(text)


def rows(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        label, _, value = line.strip().partition("  ")
        found[label] = value.strip()
    return found


async def test_browse_and_the_card_screen_show_a_bury_only_while_it_lasts(db_path: Path) -> None:
    with open_store(db_path) as store:
        every = [hit.card for hit in search_cards(store, "", limit=100)]
        ended, lasting = every[0], every[1]
        card_flags.bury_card(store, ended, NOW - timedelta(days=2))
        card_flags.bury_card(store, lasting, NOW - timedelta(hours=1))
    assert bury_ends(NOW - timedelta(days=2)) <= NOW < bury_ends(NOW - timedelta(hours=1))
    until = stored_day(db_path, lasting, "buried_until")
    assert until == bury_ends(NOW - timedelta(hours=1)).date()
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count == len(every), "the cards")
        flags = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[4]) for i in range(table.row_count)}
        assert flags == {card: "buried" if card == lasting else "" for card in every}
        for card, expected in ((ended, None), (lasting, f"buried until {until.isoformat()}")):
            app.push_screen(CardScreen(details(db_path, card).id))
            await settle(pilot)
            assert rows(shown(app.screen.query_one("#card-scheduling", Static))).get("Flags") == expected
            app.pop_screen()
            await settle(pilot)


async def test_the_card_screen_and_browse_take_a_card_failed_earlier_today_as_due(db_path: Path) -> None:
    with open_store(db_path) as store:
        every = [hit.card for hit in search_cards(store, "", limit=100)]
        failed, passed = every[0], every[1]
        record_review(store, failed, 1, NOW - timedelta(hours=2))
        record_review(store, passed, 4, NOW - timedelta(hours=2))
    scheduled = stored_day(db_path, failed, "due")
    assert scheduled == NOW.date() + timedelta(days=1)  # SM-2: I = 1 after a lapse
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.push_screen(CardScreen(details(db_path, failed).id))
        await settle(pilot)
        due = rows(shown(app.screen.query_one("#card-scheduling", Static)))["Due"]
        assert due == f"today (again: graded below 4), then {scheduled.isoformat()} (tomorrow)"
        app.pop_screen()
        await settle(pilot)
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#hits", DataTable)
        await pilot.press("slash", *"is:due", "enter")
        await wait_for(pilot, lambda: table.row_count == 1, "the card failed earlier today alone")
        assert str(table.get_row_at(0)[0]) == failed


async def test_browse_is_due_lists_the_due_cards_home_counts(db_path: Path) -> None:
    """Three cards due today, one then suspended and one buried: browse's `is:due` listed all three
    while home's Due column (and `flashdl decks`) said 1; now it lists the one card studied today."""
    with open_store(db_path) as store:
        due = [hit.card for hit in search_cards(store, "", limit=100)][:3]
        for card in due:
            record_review(store, card, 4, NOW - timedelta(days=1))
        card_flags.suspend_card(store, due[0])
        card_flags.bury_card(store, due[1], NOW)
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        home = app.screen.query_one("#decks", DataTable)
        due_column = [str(label.plain).strip() for label in (c.label for c in home.columns.values())].index("Due")
        assert str(home.get_row_at(0)[due_column]).strip() == "1"
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#hits", DataTable)
        await pilot.press("slash", *"is:due", "enter")
        await wait_for(pilot, lambda: table.row_count == 1, "the one due card alone")
        assert str(table.get_row_at(0)[0]) == due[2]
