"""Browse's search box with Anki's tag hierarchy and the syntax flashdl lacks, checked against the
database: the rows are the cards a plain SQL recount of the tags finds, and a suspend from them
lands on the card shown."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from tui_helpers import SIZE, build_app, import_decks, settle, shown

from flashdl.tui.screens.browse import BrowseScreen

DECK = """\
id: tg
cards:
  - {id: a, front: "conv one", back: "x", tags: ["DL::cnn"]}
  - {id: b, front: "conv two", back: "x", tags: [dl]}
  - {id: c, front: "conv three", back: "x", tags: [dlx]}
  - {id: d, front: "conv four", back: "x", tags: ["ml::dl"]}
  - {id: e, front: "conv five", back: "x"}
"""


def tagged(db: Path, tag: str) -> list[str]:
    """Cards with ``tag`` or a child of it (``tag::…``), any case: Anki's ``tag:`` by plain SQL."""
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute(
            "SELECT 'tg/' || c.slug FROM card AS c WHERE EXISTS (SELECT 1 FROM json_each(c.tags) AS t "
            "WHERE lower(t.value) = lower(?1) OR lower(t.value) LIKE lower(?1) || '::%') ORDER BY c.position",
            (tag,))]


async def _search(pilot: Pilot[Any], screen: BrowseScreen, text: str) -> None:
    screen.query_one("#search-box", Input).value = text
    await pilot.pause(0.3)
    await settle(pilot)


async def test_tag_finds_its_children_and_minus_says_it_is_not_supported(tmp_path: Path) -> None:
    deck = tmp_path / "tg.yaml"
    deck.write_text(DECK, encoding="utf-8")
    db = tmp_path / "flashdl.sqlite3"
    import_decks(db, deck)
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#hits", DataTable)
        await _search(pilot, screen, "conv tag:dl")
        rows = [str(table.coordinate_to_cell_key((i, 0))[0].value) for i in range(table.row_count)]
        assert rows == tagged(db, "dl") == ["tg/a", "tg/b"]  # not dlx, not ml::dl
        await pilot.press("down", "s")  # suspend the second row
        await settle(pilot)
        await _search(pilot, screen, "conv -tag:dl")  # Anki's "not": found nothing, silently
        assert "no or, - (not)" in shown(screen.query_one("#browse-status", Static))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT slug FROM card WHERE suspended = 1").fetchall() == [("b",)]


async def test_a_pasted_page_of_text_is_an_error_on_the_status_line(tmp_path: Path) -> None:
    """1,001 words made SQLite refuse the query (expression depth): the worker's OperationalError
    ended the app with a traceback. Now the status line says the search is too long and browse
    goes on: the next search lists the cards, and a suspend from it is saved."""
    deck = tmp_path / "tg.yaml"
    deck.write_text(DECK, encoding="utf-8")
    db = tmp_path / "flashdl.sqlite3"
    import_decks(db, deck)
    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        await _search(pilot, screen, " ".join(["conv"] * 1001))
        assert "search too long: 1,001 terms" in shown(screen.query_one("#browse-status", Static))
        await _search(pilot, screen, "five")
        assert app.screen is screen and screen.query_one("#hits", DataTable).row_count == 1
        await pilot.press("s")
        await settle(pilot)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT slug FROM card WHERE suspended = 1").fetchall() == [("e",)]


async def test_a_card_deep_in_the_list_keeps_the_cursor_after_s_l_and_o(tmp_path: Path) -> None:
    """Rows come 200 at a time. `s` on the 450th card searched again for the first 200 only: the
    card's row was gone and the cursor went to the first card, so a second `s` suspended
    `big/0001` instead of taking the suspension back. Now the rows loaded are loaded again and
    the cursor stays on its card through `s`, `l` and `o`; the database has each change."""
    cards = "".join(f'  - {{id: "{i:04d}", front: "card {i}", back: "x"}}\n' for i in range(1, 501))
    deck = tmp_path / "big.yaml"
    deck.write_text(f"id: big\ncards:\n{cards}", encoding="utf-8")
    db = tmp_path / "flashdl.sqlite3"
    import_decks(db, deck)

    def flags() -> list[tuple[str, int, int]]:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT slug, suspended, leech FROM card WHERE suspended OR leech").fetchall()

    app = build_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.browse()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#hits", DataTable)
        while table.row_count < 500:  # to the end, a page at a time
            await pilot.press("ctrl+end")
            await settle(pilot)
        table.move_cursor(row=449)

        def current() -> str:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate)[0].value)

        assert current() == "big/0450"
        await pilot.press("s")
        await settle(pilot)
        assert current() == "big/0450" and flags() == [("0450", 1, 0)]
        await pilot.press("l")
        await settle(pilot)
        assert current() == "big/0450" and flags() == [("0450", 1, 1)]
        await pilot.press("o")  # by due: the same cards (all new) in the same order
        await settle(pilot)
        assert current() == "big/0450" and table.row_count == 500
        await pilot.press("s")
        await settle(pilot)
        assert current() == "big/0450"
    assert flags() == [("0450", 0, 1)]
