"""Browse at 80 columns: a long card id is cut in the table (the whole id in the preview), so the
Front column stays readable; at 120 columns ids are whole. Rows are keyed by the whole id."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import DataTable, Static
from tui_helpers import build_app, decks_listed, settle, shown, wait_for

from flashdl.tui.screens.browse import BrowseScreen, shortened
from flashdl.tui.screens.card import CardScreen

LONG = "dl-exercises/conv-transpose2d-output-size"  # 41 characters, the longest bundled id


@given(st.text(alphabet="abcdefghij-/0123", min_size=1, max_size=60), st.integers(4, 60))
def test_a_cut_id_fits_and_keeps_both_ends(card: str, width: int) -> None:
    cut = shortened(card, width)
    if len(card) <= width:
        assert cut == card
    else:
        assert len(cut) == width and cut.count("…") == 1
        head, tail = cut.split("…")
        assert card.startswith(head) and card.endswith(tail) and len(tail) >= len(head)


async def test_at_80_columns_the_front_is_readable_and_the_preview_has_the_whole_id(tmp_path: Path) -> None:
    app = build_app(tmp_path / "bundled.sqlite3", import_bundled=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await decks_listed(pilot)
        await pilot.app.push_screen(BrowseScreen("deck:dl-exercises"))
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count > 10, "the rows")
        await pilot.pause(0.5)  # past the search box's own search of its initial text
        await settle(pilot)
        widths = {str(column.key.value): column.get_render_width(table) for column in table.columns.values()}
        # What the Front column has on screen (it runs on, clipped), scrollbar aside:
        front = 80 - 2 - sum(width for key, width in widths.items() if key != "front")
        assert front >= 25, widths  # was 11 with the Card column 41 + padding wide
        keys = [str(row.key.value) for row in table.ordered_rows]
        row = keys.index(LONG)
        cell = str(table.get_row_at(row)[0])
        assert cell != LONG and len(cell) <= 20 and cell.endswith("output-size")
        table.move_cursor(row=row)
        await wait_for(pilot, lambda: f"Card  {LONG}" in shown(screen.query_one("#preview", Static)),
                       "the whole id in the preview")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, CardScreen), "the card screen")
        assert LONG in shown(pilot.app.screen.query_one(".title", Static))


async def test_at_120_columns_ids_are_whole(tmp_path: Path) -> None:
    app = build_app(tmp_path / "bundled.sqlite3", import_bundled=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await decks_listed(pilot)
        await pilot.app.push_screen(BrowseScreen("deck:dl-exercises"))
        await settle(pilot)
        table = pilot.app.screen.query_one("#hits", DataTable)
        await wait_for(pilot, lambda: table.row_count > 10, "the rows")
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            str(row.key.value) for row in table.ordered_rows]
        assert LONG in [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert "Card  " not in shown(pilot.app.screen.query_one("#preview", Static))
