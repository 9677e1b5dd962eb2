"""The card editor (``n``, ``e``, ``T``): what is saved lands in the deck's YAML file and the database.

Every test works on a copy of the sample deck in a temp folder (the
fixture's own file must never change) and reads the results back from the
file (``load_deck_file``) and from the store (``details``), not from the UI.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static, TextArea
from tui_helpers import (
    SAMPLE_DECK,
    SIZE,
    build_app,
    card_shown,
    decks_listed,
    details,
    grades,
    import_decks,
    settle,
    shown,
    wait_for,
)

from flashdl.deck.files import load_deck_file
from flashdl.deck.model import Card
from flashdl.tui.screens.browse import BrowseScreen
from flashdl.tui.screens.card import CardScreen
from flashdl.tui.screens.edit import CardEditScreen, TagsScreen, parse_tags
from flashdl.tui.screens.study import Step, StudyScreen
from flashdl.tui.widgets.grade_bar import GradeBar

# The sample deck's text with a comment the editor must keep.
DECK_TEXT = SAMPLE_DECK.read_text().replace("cards:\n", "cards:  # my comment\n", 1)


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "sample.yaml"
    path.write_text(DECK_TEXT)
    import_decks(tmp_path / "edit.sqlite3", path)
    return path


@pytest.fixture
def db(deck: Path) -> Path:
    return deck.parent / "edit.sqlite3"


async def editor_open(pilot: Pilot[Any]) -> CardEditScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CardEditScreen), "the card editor")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CardEditScreen)
    return screen


def fill(screen: CardEditScreen, front: str | None = None, back: str | None = None,
         tags: str | None = None) -> None:
    if front is not None:
        screen.query_one("#edit-front", TextArea).text = front
    if back is not None:
        screen.query_one("#edit-back", TextArea).text = back
    if tags is not None:
        screen.query_one("#edit-tags", Input).value = tags


def untouched(deck: Path, *but: str) -> None:
    """Every card but ``but`` is as in the original file."""
    original = {card.id: card for card in load_deck_file(SAMPLE_DECK).cards}
    now = {card.id: card for card in load_deck_file(deck).cards}
    assert {k: v for k, v in now.items() if k not in but and k in original} == {
        k: v for k, v in original.items() if k not in but}


async def test_n_on_home_adds_a_card_to_the_selected_deck(deck: Path, db: Path) -> None:
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("n")
        screen = await editor_open(pilot)
        await wait_for(pilot, lambda: screen.query_one("#edit-deck", Select).value == "tui-sample", "deck")
        await pilot.press(*"What is $\\alpha$?")
        fill(screen, back="The learning rate.\n\n- often 1e-3", tags="optim  lr,optim")
        await settle(pilot)
        assert "What is α?" in shown(screen.query_one("#preview-front"))  # live, LaTeX rendered
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, CardEditScreen), "the save")
    added = load_deck_file(deck).cards[-1]
    assert added == Card(id="card-6", front="What is $\\alpha$?", back="The learning rate.\n\n- often 1e-3",
                         tags=("optim", "lr"))
    assert deck.read_text().startswith(DECK_TEXT)  # appended, the comment kept
    stored = details(db, "tui-sample/card-6")
    # the card's view lists its deck's tag too (DESIGN §2: deck tags apply to every card)
    assert (stored.front, stored.back, stored.tags) == (added.front, added.back, (*added.tags, "tui"))


async def test_the_new_card_hint_names_the_decks_markup(deck: Path, db: Path) -> None:
    """On a ``markup: plain`` deck (every bundled one) the empty front said "Markdown"."""
    deck.write_text(DECK_TEXT.replace("cards:", "markup: plain\ncards:", 1))
    import_decks(db, deck)
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        await pilot.press("n")
        screen = await editor_open(pilot)
        front = screen.query_one("#edit-front", TextArea)
        await wait_for(pilot, lambda: "plain text" in str(front.placeholder), "the plain deck's hint")
        assert "Markdown" not in str(front.placeholder)


async def test_e_in_study_edits_the_card_shown_and_keeps_its_history(deck: Path, db: Path) -> None:
    app = build_app(db, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        await card_shown(pilot)
        study = app.screen
        assert isinstance(study, StudyScreen) and study.card is not None
        first = study.card.card
        await pilot.press("space", "1")  # graded 1: comes back later today, history of one review
        await settle(pilot)
        while study.card is not None and study.card.card != first:  # grade the rest until it is back
            await pilot.press("space" if study.step is Step.FRONT else "5")
            await settle(pilot)
            if study.step is Step.TYPING:
                await pilot.press("enter", "enter")  # give up on a computed card
                await settle(pilot)
        assert study.card is not None and study.card.card == first
        await pilot.press("space")
        assert study.step is Step.BACK
        await pilot.press("e")
        editor = await editor_open(pilot)
        assert editor.query_one("#edit-front", TextArea).text == study.card.front  # prefilled
        fill(editor, front="Output width of a convolution?", tags="conv formula")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is study, "back in the study session")
        await settle(pilot)
        assert study.card.front == "Output width of a convolution?" and study.step is Step.BACK
        assert "Output width of a convolution?" in shown(study.query_one("#front"))
        assert "saved tui-sample/size" in shown(study.query_one("#study-title"))
        assert not app.screen.query("Toast")  # the grade legend stays clear
        assert shown(study.query_one(GradeBar)).strip()
        await pilot.press("4")  # grading still works after the edit
        await settle(pilot)
    card = load_deck_file(deck).card("size")
    assert (card.front, card.tags) == ("Output width of a convolution?", ("conv", "formula"))
    untouched(deck, "size")
    assert "# my comment" in deck.read_text()
    assert grades(db, "tui-sample/size") == [1, 4]
    assert details(db, "tui-sample/size").front == "Output width of a convolution?"


async def test_e_in_browse_keeps_the_cursor_on_the_edited_row(deck: Path, db: Path) -> None:
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.browse()
        await settle(pilot)
        browse = app.screen
        assert isinstance(browse, BrowseScreen)
        table = browse.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count == 5, "the rows")
        await pilot.press("down", "down")
        row_card = str(table.get_row_at(2)[0])
        await pilot.press("e")
        editor = await editor_open(pilot)
        fill(editor, back="A new back.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is browse, "back in browse")
        await settle(pilot)
        assert table.cursor_row == 2 and str(table.get_row_at(2)[0]) == row_card
        assert "A new back." in shown(browse.query_one("#preview", Static))
    slug = row_card.split("/")[1]
    assert load_deck_file(deck).card(slug).back == "A new back."
    assert details(db, row_card).back == "A new back."
    untouched(deck, slug)


async def test_shift_t_edits_tags_from_browse_and_study(deck: Path, db: Path) -> None:
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.browse()
        await settle(pilot)
        table = app.screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count == 5, "the rows")
        card = str(table.get_row_at(0)[0])
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, TagsScreen), "the tags editor")
        box = app.screen.query_one("#tags-input", Input)
        # the card's own tags: the deck's ("tui") apply to it but live in the deck's header
        assert parse_tags(box.value) == [tag for tag in details(db, card).tags if tag != "tui"]
        box.value = box.value + " added"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen), "back in browse")
        await settle(pilot)
    assert details(db, card).tags[-2:] == ("added", "tui")
    assert load_deck_file(deck).card(card.split("/")[1]).tags[-1] == "added"

    app = build_app(db, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        await card_shown(pilot)
        study = app.screen
        assert isinstance(study, StudyScreen) and study.card is not None
        shown_card = study.card.card
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, TagsScreen), "the tags editor")
        app.screen.query_one("#tags-input", Input).value = ""  # every tag removed
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is study, "back in study")
    assert details(db, shown_card).tags == ("tui",)  # its own all gone; the deck's still applies
    assert load_deck_file(deck).card(shown_card.split("/")[1]).tags == ()


async def test_escape_cancels_and_a_refused_save_keeps_the_editor_open(deck: Path, db: Path) -> None:
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.push_screen(CardScreen(details(db, "tui-sample/relu").id))
        await settle(pilot)
        await pilot.press("e")
        editor = await editor_open(pilot)
        fill(editor, front="   ")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Not saved" in shown(editor.query_one("#edit-status")), "the refusal")
        assert app.screen is editor and "non-empty front and back" in shown(editor.query_one("#edit-status"))
        fill(editor, front="Changed but cancelled")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CardScreen)
    assert deck.read_text() == DECK_TEXT
    assert details(db, "tui-sample/relu").front == "What does `ReLU(x)` compute?"


async def test_shift_e_keeps_the_whole_file_in_editor_flow(deck: Path, db: Path, monkeypatch: Any) -> None:
    editor = deck.parent / "editor.py"
    editor.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text().replace('elementwise', 'element by element'))\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    app = build_app(db, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "suspend", nullcontext)  # a test driver cannot suspend
        await card_shown(pilot)
        await pilot.press("E")
        await settle(pilot)
        await wait_for(pilot, lambda: "Re-read the deck" in shown(app.screen.query_one("#study-title")),
                       "the re-read")
    assert details(db, "tui-sample/relu").back == "$\\max(0, x)$, element by element."


async def test_n_in_browse_adds_to_the_highlighted_cards_deck(deck: Path, db: Path) -> None:
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.browse()
        await settle(pilot)
        table = app.screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count == 5, "the rows")
        await pilot.press("n")
        editor = await editor_open(pilot)
        await wait_for(pilot, lambda: editor.query_one("#edit-deck", Select).value == "tui-sample", "deck")
        fill(editor, front="Adam's default beta1?", back="0.9")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen), "back in browse")
        await wait_for(pilot, lambda: table.row_count == 6, "the new row")
    assert load_deck_file(deck).cards[-1] == Card(id="card-6", front="Adam's default beta1?", back="0.9")
    assert details(db, "tui-sample/card-6").back == "0.9"


async def test_n_in_browse_with_a_search_half_typed_adds_to_the_highlighted_cards_deck(
        deck: Path, db: Path) -> None:
    """``n`` read the deck from the search box, and a search not yet a search (``is:d``) raised
    out of the key's action: the app ended with a traceback. Now the new card goes to the
    highlighted card's deck, as with no ``deck:`` term."""
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.browse()
        await settle(pilot)
        table = app.screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count == 5, "the rows")
        app.screen.query_one("#search-box", Input).value = "is:d"
        await settle(pilot)
        await pilot.press("n")
        editor = await editor_open(pilot)
        await wait_for(pilot, lambda: editor.query_one("#edit-deck", Select).value == "tui-sample", "deck")
        fill(editor, front="Adam's default beta2?", back="0.999")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen), "back in browse")
    assert load_deck_file(deck).cards[-1] == Card(id="card-6", front="Adam's default beta2?", back="0.999")
    assert details(db, "tui-sample/card-6").back == "0.999"


@pytest.mark.parametrize("removed", ["size", "relu"])
async def test_a_card_removed_from_the_file_with_shift_e_leaves_the_session(
        deck: Path, db: Path, monkeypatch: Any, removed: str) -> None:
    """``E`` while studying, deleting a card from the file (the one on screen, or the next one):
    the re-read retires it, yet the session went on showing it and its grade was refused ("Not
    recorded: ... retired"). Now it is never shown again and nothing is refused."""
    editor = deck.parent / "editor.py"
    editor.write_text("import sys, pathlib, yaml\np = pathlib.Path(sys.argv[1])\n"
                      "d = yaml.safe_load(p.read_text())\n"
                      f"d['cards'] = [c for c in d['cards'] if c['id'] != {removed!r}]\n"
                      "p.write_text(yaml.safe_dump(d, sort_keys=False))\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    app = build_app(db, study="tui-sample")
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "suspend", nullcontext)  # a test driver cannot suspend
        await card_shown(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.card.card == "tui-sample/size"
        await pilot.press("E")
        await wait_for(pilot, lambda: "Re-read the deck" in shown(screen.query_one("#study-title")), "the re-read")
        seen = [screen.card.card]
        for _ in range(2):  # the plain cards left: grade each 5
            await pilot.press("space", "5")
            await pilot.pause()
            seen.append(screen.card.card)
        toasts = [n.message for n in app._notifications]
    plain = [c for c in ("tui-sample/size", "tui-sample/relu", "tui-sample/xavier") if not c.endswith(removed)]
    assert seen == [*plain, "tui-sample/params"] and not any("Not recorded" in t for t in toasts)
    assert details(db, f"tui-sample/{removed}").retired and details(db, f"tui-sample/{removed}").history == ()
    assert [details(db, c).history[0].grade for c in plain] == [5, 5]
