"""Text the user wrote is shown as written, never read as markup: deck names, typed answers,
tags, searches, paths and the errors quoting them; a deck name cut short ends in "…".

Before, the home table, the card screen's title and the new-card deck list read a deck's
name as markup: "Quiz [week 3]" showed as "Quiz ", and "Notes [/] misc" stopped the app with a
MarkupError traceback; the same went for a typed answer in the review history, a search quoted
by an error or a custom study's title, a --tag in practice's title, a path in a toast. And a
name wider than its column was cut with no sign of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, RadioButton, Select, Static
from textual.widgets._select import SelectOverlay
from tui_helpers import (
    SIZE,
    build_app,
    card_shown,
    decks_listed,
    grades,
    import_decks,
    settle,
    shown,
    wait_for,
)

NAMES = {"wk3": "Quiz [week 3]", "slash": "Notes [/] misc", "bold": "[bold]not bold[/bold] x",
         "long": "Lesson 6 - Learning & Optimization Flashcards, the second half of it"}


def bracket_db(tmp_path: Path) -> Path:
    files = []
    for deck_id, name in NAMES.items():
        path = tmp_path / f"{deck_id}.yaml"
        path.write_text(f"id: {deck_id}\nname: '{name}'\ncards:\n  - id: a\n    front: f\n    back: b\n",
                        encoding="utf-8")
        files.append(path)
    db = tmp_path / "flashdl.sqlite3"
    import_decks(db, *files)
    return db


async def test_home_lists_each_name_as_written_and_marks_a_cut_one(tmp_path: Path) -> None:
    app = build_app(bracket_db(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        table = pilot.app.screen.query_one("#decks", DataTable)
        screen_text = shown(table)
        for deck_id in ("wk3", "slash", "bold"):
            assert NAMES[deck_id] in screen_text, screen_text
        cut = next(line for line in screen_text.splitlines() if "Lesson 6" in line)
        width = table.columns[next(key for key in table.columns if key.value == "deck")].width
        assert NAMES["long"][:width - 1] + "…" in cut, cut  # cut, and marked as cut
        assert NAMES["long"] not in screen_text


async def test_card_screen_title_shows_the_name_as_written(tmp_path: Path) -> None:
    app = build_app(bracket_db(tmp_path))
    async with app.run_test(size=(120, 24)) as pilot:
        await decks_listed(pilot)
        for deck_id in ("slash", "wk3"):
            pilot.app.show_card(f"{deck_id}/a")
            await wait_for(pilot, lambda: bool(pilot.app.screen.query("#card-title"))
                           and "/a" in shown(pilot.app.screen.query_one("#card-title", Static)),
                           "the card's title")
            title = shown(pilot.app.screen.query_one("#card-title", Static))
            assert title.strip() == f"flashdl · {deck_id}/a · {NAMES[deck_id]}", title
            await pilot.press("q")
            await settle(pilot)
        assert pilot.app.return_code is None  # still running: no MarkupError


async def test_new_card_deck_list_shows_the_names_as_written(tmp_path: Path) -> None:
    app = build_app(bracket_db(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await decks_listed(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: bool(pilot.app.screen.query("#edit-deck"))
                       and len(pilot.app.screen.query_one("#edit-deck", Select)._options) > 1,
                       "the deck list of the new card")
        select = pilot.app.screen.query_one("#edit-deck", Select)
        select.expanded = True
        await settle(pilot)
        listed = shown(pilot.app.screen.query_one(SelectOverlay))
        for deck_id, name in NAMES.items():
            assert f"{name} ({deck_id})" in listed, listed
        assert pilot.app.return_code is None


async def test_card_history_shows_a_typed_answer_with_brackets_as_typed(matrix_db: Path) -> None:
    """The typed answer of the review history was read as markup: "[/]" crashed the card screen."""
    app = build_app(matrix_db, study="tui-matrix")
    async with app.run_test(size=SIZE) as pilot:
        await card_shown(pilot)
        pilot.app.screen.query_one("#answer", Input).insert_text_at_cursor("[/] [b]")
        await pilot.press("enter")
        await settle(pilot)
        assert grades(matrix_db, "tui-matrix/xcorr-4x4") == [1]  # recorded, as a wrong answer
        pilot.app.show_card("tui-matrix/xcorr-4x4")
        await wait_for(pilot, lambda: bool(pilot.app.screen.query("#history"))
                       and pilot.app.screen.query_one("#history", DataTable).row_count > 0
                       and "never" not in shown(pilot.app.screen.query_one("#history", DataTable)),
                       "the review history")
        history = shown(pilot.app.screen.query_one("#history", DataTable))
        assert "✘ [/] [b]" in history, history
        assert pilot.app.return_code is None


async def test_a_toast_shows_a_path_with_brackets_as_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Toasts were read as markup: "E" without $EDITOR named the deck file with its "[notes]"
    folder dropped (and a message quoting "[/]" crashed the app)."""
    from textual.widgets._toast import Toast

    folder = tmp_path / "[notes]"
    folder.mkdir()
    deck = folder / "d.yaml"
    deck.write_text("id: d\ncards:\n  - id: a\n    front: f\n    back: b\n", encoding="utf-8")
    db = tmp_path / "flashdl.sqlite3"
    import_decks(db, deck)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    app = build_app(db)
    async with app.run_test(size=(200, 30), notifications=True) as pilot:
        await decks_listed(pilot)
        pilot.app.show_card("d/a")
        await wait_for(pilot, lambda: bool(pilot.app.screen.query("#card-title"))
                       and "d/a" in shown(pilot.app.screen.query_one("#card-title", Static)),
                       "the card")
        await pilot.press("E")
        await settle(pilot)
        await wait_for(pilot, lambda: bool(pilot.app.screen.query(Toast)), "the toast")
        toast = shown(pilot.app.screen.query_one(Toast))
        # compared without the toast's edge and line breaks (the path folds where the width says)
        assert "".join(f"The deck file is {deck}".split()) in "".join(toast.replace("▌", "").split()), toast
        pilot.app.screen.notify("Not re-imported: d.yaml:6:5: unknown key '[/]' in card")
        await settle(pilot)
        assert pilot.app.return_code is None
        pilot.app.clear_notifications()
        await pilot.press("ctrl+c")  # Textual's own hint keeps its markup: "[b]ctrl+q[/b]" in bold
        await wait_for(pilot, lambda: "quit" in "".join(shown(t) for t in pilot.app.screen.query(Toast)),
                       "ctrl+c's hint")
        hint = "".join(shown(t) for t in pilot.app.screen.query(Toast))
        assert "Press ctrl+q to quit" in hint and "[b]" not in hint, hint


async def test_a_search_error_quotes_the_query_as_typed(db_path: Path) -> None:
    """Browse and custom study showed a bad search's error as markup: "prop:[/]" crashed the app
    and "is:[b]x" was quoted as "is:x"."""
    from flashdl.tui.screens.browse import BrowseScreen
    from flashdl.tui.screens.custom_study import CustomStudyScreen

    app = build_app(db_path)
    async with app.run_test(size=(160, 24)) as pilot:
        await decks_listed(pilot)
        for query in ("is:[b]x", "prop:[/]"):
            await pilot.press("b")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, BrowseScreen), "browse")
            await pilot.press("slash")
            pilot.app.screen.query_one("#search-box", Input).value = query
            await pilot.press("enter")
            await wait_for(pilot, lambda: "unknown" in shown(pilot.app.screen.query_one("#browse-status", Static)),
                           "the search's error")
            assert f"unknown search term '{query}'" in shown(pilot.app.screen.query_one("#browse-status", Static))
            pilot.app.go_home()
            await decks_listed(pilot)
            await pilot.press("c")
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, CustomStudyScreen), "the form")
            form = pilot.app.screen
            form.query_one("#cs-kind-search", RadioButton).value = True
            form.query_one("#cs-search", Input).value = query
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert f"unknown search term '{query}'" in shown(form.query_one("#cs-status", Static))
            pilot.app.go_home()
            await decks_listed(pilot)
        assert pilot.app.return_code is None


async def test_practice_title_quotes_the_tag_as_typed(tmp_path: Path) -> None:
    """``flashdl practice --tag '[/]x'`` crashed the app on its title (and a tag with a markup tag
    in it lost it; a tag is any text without spaces or commas): the run starts under its title."""
    from flashdl.services.practice import PracticeOptions
    from flashdl.tui.screens.practice import PracticeScreen

    deck = tmp_path / "tagged.yaml"
    deck.write_text("id: tagged\ncards:\n  - id: a\n    front: Output size?\n    back: '5'\n"
                    "    tags: ['[/]x']\n    engine:\n      family: conv2d_output_size\n"
                    "      params: {input: [9, 9], kernel: [3, 3], padding: 1, stride: 2}\n")
    db_path = tmp_path / "tagged.sqlite3"
    import_decks(db_path, deck)
    app = build_app(db_path, practice=PracticeOptions(tag="[/]x"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PracticeScreen)
                       and pilot.app.screen.practice_run is not None, "the practice run")
        title = shown(pilot.app.screen.query_one("#practice-title", Static)).strip()
        assert title == "flashdl · practice · all decks · tag [/]x", title
        assert pilot.app.return_code is None


async def test_custom_study_title_quotes_the_search_as_typed(tmp_path: Path) -> None:
    """``flashdl study --search 'x[/]' --cram`` crashed the app on the study screen's title, and
    ``--search 'h[t]'`` was titled "cram: h"."""
    from flashdl.services.custom_study import CustomStudy
    from flashdl.tui.screens.study import StudyScreen

    deck = tmp_path / "rnn.yaml"
    deck.write_text("id: rnn\nmarkup: plain\ncards:\n  - id: a\n    front: 'h[t] = tanh(W h[t-1])'\n"
                    "    back: b\n  - id: b\n    front: 'what is x[/] in numpy?'\n    back: b\n",
                    encoding="utf-8")
    db_path = tmp_path / "flashdl.sqlite3"
    import_decks(db_path, deck)
    for word in ("h[t]", "x[/]"):
        app = build_app(db_path, study_all=True, custom=CustomStudy(search=True, words=(word,), cram=True))
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(pilot.app.screen, StudyScreen)
                           and bool(pilot.app.screen.query("#study-title")), "the study screen")
            await card_shown(pilot)
            title = shown(pilot.app.screen.query_one("#study-title", Static)).strip()
            assert title == f"flashdl · studying all decks · cram: {word}", title
            assert pilot.app.return_code is None
