"""Home, browse, card, help and the command palette, driven by keys on a temp database."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path

from textual.widgets import DataTable, Input, Static
from tui_helpers import (
    DECKS,
    NOW,
    SAMPLE_DECK,
    SIZE,
    build_app,
    card_shown,
    decks_listed,
    details,
    grades,
    settle,
    shown,
    unfolded,
    wait_for,
)

from flashdl.services.browse import search_cards
from flashdl.services.lookup import UnknownDeckError
from flashdl.tui.screens.browse import BrowseScreen
from flashdl.tui.screens.card import CardScreen
from flashdl.tui.screens.help import HelpScreen
from flashdl.tui.screens.home import HomeScreen
from flashdl.tui.screens.study import StudyScreen


def cell_texts(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_home_lists_decks_with_counts_then_studies_the_selected_one(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#decks", DataTable)
        assert cell_texts(table) == [["TUI sample deck", "5", "0", "0", "5", "–"]]
        assert "5 cards waiting" in shown(app.screen.query_one("#banner", Static))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen) and app.screen.deck == "tui-sample"
        await pilot.press("space", "3", "q")
        await settle(pilot)
        await pilot.press("enter")  # summary -> home, counts reloaded
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert cell_texts(app.screen.query_one("#decks", DataTable)) == [
            ["TUI sample deck", "4", "1", "0", "5", "1 done, 100% right"]
        ]


async def test_a_quick_double_enter_opens_one_study_screen(db_path: Path) -> None:
    """Screens ask for the next screen by a message: two keys handled before the app acts
    on the first ask twice, and the second ask must not stack another session."""
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.action_study_selected()
        home.action_study_selected()
        await settle(pilot)
        assert [type(screen) for screen in app.screen_stack] == [HomeScreen, StudyScreen]


async def test_empty_database_gets_the_bundled_decks(tmp_path: Path) -> None:
    app = build_app(tmp_path / "new.sqlite3", import_bundled=True, bundled_dir=DECKS)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        names = [row[0] for row in cell_texts(app.screen.query_one("#decks", DataTable))]
        assert names == ["TUI matrix deck", "TUI sample deck"]
        assert "Imported the bundled decks: 6 cards" in shown(app.screen.query_one("#hint", Static))


async def test_unknown_deck_ends_the_app_with_a_usage_error(db_path: Path) -> None:
    app = build_app(db_path, study="no-such-deck")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert isinstance(app.error, UnknownDeckError)
    assert app.return_code == 2


async def test_command_palette_lists_every_action_of_the_screen(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        home = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Study", "Study all", "Browse", "Refresh", "Quit", "Help", "Theme", "Keys"} <= home
        await pilot.press("a")
        await settle(pilot)
        front = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Show answer", "Suspend", "Bury", "End", "Help"} <= front
        assert "Grade 4: right, hesitated" not in front  # not before the answer shows
        await pilot.press("space")
        back = {command.title for command in app.get_system_commands(app.screen)}
        assert {f"Grade {g}: {m}" for g, m in [(0, "blackout"), (4, "right, hesitated"), (5, "perfect")]} <= back
        assert "Focus Next" not in back and "Copy selected text" not in back  # Textual's own stay out

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"perfect", "enter")  # run a grade from the palette
        await settle(pilot)
    assert grades(db_path, "tui-sample/size") == [5]


async def test_question_mark_shows_the_keys_and_grade_meanings(db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        await card_shown(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen._keys)
        assert keys["space"] == "Show answer" and keys["u"].startswith("Undo")
        assert "wrong, easy to recall" in shown(app.screen.query_one("#help-grades", Static))
        await pilot.press("escape")
        assert isinstance(app.screen, StudyScreen)


async def test_browse_searches_by_text_deck_and_tag_and_opens_a_card(db_path: Path) -> None:
    app = build_app(db_path, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        await card_shown(pilot)
        await pilot.press("space", "2")  # one review for the history
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#hits", DataTable)
        assert table.row_count == 5
        assert screen.focused is table  # the keys are the footer's until `/`
        await pilot.press("slash", *"tag:conv")
        await pilot.pause(0.3)
        await settle(pilot)
        assert [row[0] for row in cell_texts(table)] == ["tui-sample/size", "tui-sample/xcorr"]
        screen.query_one("#search-box", Input).value = "width deck:tui-sample"
        await pilot.pause(0.3)
        await settle(pilot)
        assert [row[0] for row in cell_texts(table)] == ["tui-sample/size"]
        assert "(N+2P-F)/S+1" in shown(screen.query_one("#preview", Static))
        await pilot.press("enter", "enter")  # into the table, then open the card
        await settle(pilot)
        card = app.screen
        assert isinstance(card, CardScreen)
        scheduling = shown(card.query_one("#card-scheduling", Static))
        assert "Due" in scheduling and "tomorrow" in scheduling and "Ease" in scheduling
        history = cell_texts(card.query_one("#history", DataTable))
        assert [row[1:3] for row in history] == [["2 nearly", "new"]]
        assert str(SAMPLE_DECK.resolve()) in unfolded(shown(card.query_one("#card-file", Static)))
        await pilot.press("s")  # suspend from the card screen
        await settle(pilot)
    assert details(db_path, "tui-sample/size").suspended


async def test_browse_keys_mean_what_the_footer_says(db_path: Path) -> None:
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        box = screen.query_one("#search-box", Input)
        await pilot.press("q")
        await settle(pilot)
        assert not isinstance(app.screen, BrowseScreen)  # q went back, typed nothing
        assert box.value == ""
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        box = screen.query_one("#search-box", Input)
        await pilot.press("slash", "q")
        assert box.value == "q" and screen.focused is box  # after `/`, keys type
        await pilot.press("escape")  # out of the box, still browsing
        assert isinstance(app.screen, BrowseScreen) and box.value == "q"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, BrowseScreen)


async def test_browse_filters_flags_and_pages_through_the_whole_collection(db_path: Path, monkeypatch) -> None:
    from flashdl.services import card_flags
    from flashdl.store import open_store
    from flashdl.tui.screens import browse

    with open_store(db_path) as store:
        every = [hit.card for hit in search_cards(store, "", limit=100)]
        card_flags.suspend_card(store, every[1])
        card_flags.bury_card(store, every[3], NOW)
    monkeypatch.setattr(browse, "SEARCH_LIMIT", 2)  # pages of two rows: 5 cards need three
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count == 5, "every page loaded")
        rows = cell_texts(table)
        assert [row[0] for row in rows] == every
        assert rows[1][4] == "suspended" and rows[3][4] == "buried"  # its day: in the details
        assert [row[4] for row in rows[::2]] == ["", "", ""]
        assert [row[1:4] for row in rows] == [["new", "", "2.50"]] * 5
        await pilot.press("slash", *"is:suspended", "enter")
        await wait_for(pilot, lambda: table.row_count == 1, "the suspended card alone")
        assert cell_texts(table)[0][0] == every[1]
        screen.query_one("#search-box", Input).value = "is:dew"
        await pilot.pause(0.3)
        await settle(pilot)
        assert "unknown search term 'is:dew'" in shown(screen.query_one("#browse-status", Static))
        screen.query_one("#search-box", Input).value = ""
        await pilot.press("o")  # the table has focus (enter left the box): o sorts by due
        await wait_for(pilot, lambda: "by due" in shown(screen.query_one("#browse-status", Static)), "sorted")
        assert isinstance(app.screen, BrowseScreen)


async def test_shift_e_edits_the_deck_file_and_reimports_it(tmp_path: Path, monkeypatch) -> None:
    from tui_helpers import import_decks

    deck = tmp_path / "deck.yaml"
    deck.write_text(SAMPLE_DECK.read_text().replace("rounded down.", "rounded down (floor)."))
    db = tmp_path / "edit.sqlite3"
    import_decks(db, deck)
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('(floor)', '(the floor)'))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "suspend", nullcontext)  # a test driver cannot suspend
        await decks_listed(pilot)
        app.push_screen(CardScreen(details(db, "tui-sample/size").id))
        await settle(pilot)
        assert str(deck.resolve()) in unfolded(shown(app.screen.query_one("#card-file", Static)))
        await pilot.press("E")  # the whole file in $EDITOR (e edits the card in flashdl)
        await settle(pilot)
    assert "rounded down (the floor)." in details(db, "tui-sample/size").back
    assert os.path.exists(deck)


async def test_t_opens_the_statistics_screen(db_path: Path) -> None:
    import pytest

    stats = pytest.importorskip("flashdl.tui.screens.stats")
    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        assert "Stats" in {command.title for command in app.get_system_commands(app.screen)}
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, stats.StatsScreen)


async def test_session_summary_opens_the_statistics_of_its_deck(db_path: Path) -> None:
    from flashdl.tui.screens.stats import StatsScreen
    from flashdl.tui.screens.summary import SummaryScreen

    app = build_app(db_path)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("space", "4", "q")  # one card graded, then end the session
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert app.screen.deck == "tui-sample"
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)


async def test_at_80_columns_a_long_deck_name_is_cut_and_every_count_stays_whole(tmp_path: Path) -> None:
    """Issue 14: at 80×24 nothing of the figures is cut ("Toda"); a long deck name gives way."""
    app = build_app(tmp_path / "bundled.sqlite3", import_bundled=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await decks_listed(pilot)
        table = app.screen.query_one("#decks", DataTable)
        widths = {str(column.key.value): column.width for column in table.columns.values()}
        assert widths["today"] >= len("Today")
        used = sum(widths.values()) + 2 * table.cell_padding * len(widths)
        assert used <= 80, widths
        assert widths["deck"] < max(len(str(row[0])) for row in (table.get_row_at(i) for i in range(table.row_count)))
