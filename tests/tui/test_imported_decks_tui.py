"""The TUI's editors on a deck imported from CSV: the edit lands in the deck's YAML copy beside the
database and in the store; the CSV the user imported is never written.

Found by a QA walkthrough: ``e`` then ctrl+s said ``Not saved: quiz.csv:1:1: a deck file must be a
mapping ...`` (the deck's file in the database was the CSV, relative to where it was imported).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input
from tui_helpers import NOW, SIZE, build_app, decks_listed, details, settle, wait_for

from flashdl.deck.files import load_deck_file
from flashdl.services.exchange.imports import apply_import, load_text
from flashdl.store import open_store
from flashdl.tui.screens.browse import BrowseScreen
from flashdl.tui.screens.edit import TagsScreen

CSV = b'What is ReLU?,"max(0, x)"\r\nSigmoid range,"(0, 1)"\r\n'
ROWS = {"What is ReLU?": "max(0, x)", "Sigmoid range": "(0, 1)"}  # the CSV's cards, as written above


@pytest.mark.parametrize("legacy", [False, True], ids=["imported-now", "database-from-before-copies"])
async def test_e_and_T_on_a_csv_deck_edit_its_yaml_copy_never_the_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, legacy: bool
) -> None:
    (tmp_path / "quiz.csv").write_bytes(CSV)
    db = tmp_path / "h.sqlite3"
    monkeypatch.chdir(tmp_path)
    with open_store(db) as store:  # imported by a relative name, as `flashdl import quiz.csv` does
        apply_import(store, load_text([Path("quiz.csv")], None, ","), NOW)
    copies = Path(f"{db}.decks")
    assert not copies.exists()  # made by the first edit
    if legacy:  # as an older flashdl left it: the CSV, relative to where it was imported
        shutil.rmtree(copies, ignore_errors=True)
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE deck SET path = 'quiz.csv' WHERE slug = 'quiz'")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # run from another folder: 'quiz.csv' names nothing here

    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await decks_listed(pilot)
        app.browse()
        await settle(pilot)
        browse = app.screen
        assert isinstance(browse, BrowseScreen)
        table = browse.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count == 2, "the rows")
        card = str(table.get_row_at(0)[0])
        await pilot.press("e")
        from test_card_editor import editor_open, fill

        editor = await editor_open(pilot)
        fill(editor, back="A new back.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is browse, "back in browse")
        await settle(pilot)
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, TagsScreen), "the tags editor")
        app.screen.query_one("#tags-input", Input).value = "mine"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is browse, "back in browse")
        await settle(pilot)
        assert not [n.message for n in app._notifications if "Not saved" in n.message]

    assert (tmp_path / "quiz.csv").read_bytes() == CSV  # byte for byte: never written
    copy = load_deck_file(copies / "quiz.yaml")
    slug = card.split("/")[1]
    edited = copy.card(slug)
    assert (edited.back, edited.tags) == ("A new back.", ("mine",))
    assert {c.front: c.back for c in copy.cards if c.id != slug} == {
        front: back for front, back in ROWS.items() if front != edited.front}
    assert edited.front in ROWS
    stored = details(db, card)
    assert (stored.front, stored.back, tuple(stored.tags)) == (edited.front, "A new back.", ("mine",))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT path FROM deck WHERE slug = 'quiz'").fetchone()[0] == str(
            (copies / "quiz.yaml").resolve())
