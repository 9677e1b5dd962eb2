"""The deck options screen (``o`` on home), asserted on the database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from textual.widgets import Input, Select, Static
from tui_helpers import SIZE, build_app, decks_listed, settle, shown

from flashdl.tui.screens.home import HomeScreen
from flashdl.tui.screens.options import OptionsScreen


def stored(db_path: Path) -> tuple[object, ...]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute("SELECT options, new_per_day FROM deck WHERE slug = 'tui-sample'").fetchone()
    finally:
        db.close()


async def test_options_screen_saves_to_the_database(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OptionsScreen) and screen.deck == "tui-sample"
        assert screen.query_one("#opt-new_per_day", Input).value == "20"
        assert screen.query_one("#opt-reviews_per_day", Input).value == ""
        screen.query_one("#opt-new_per_day", Input).value = "7"
        screen.query_one("#opt-reviews_per_day", Input).value = "40"
        screen.query_one("#opt-scheduler", Select).value = "fsrs"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in shown(screen.query_one("#options-status", Static))
        options, new_per_day = stored(db_path)
        assert new_per_day == 7
        assert json.loads(str(options)) == {"reviews_per_day": 40, "scheduler": "fsrs"}
        # A bad value is refused on screen and nothing is saved.
        screen.query_one("#opt-desired_retention", Input).value = "1.5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Not saved" in shown(screen.query_one("#options-status", Static))
        assert "outside" in shown(screen.query_one("#options-status", Static))
        assert stored(db_path) == (options, 7)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
