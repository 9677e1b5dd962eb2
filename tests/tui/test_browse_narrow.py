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


@given(st.from_regex(r"[a-z0-9][a-z0-9-]{0,25}", fullmatch=True),
       st.from_regex(r"[a-z0-9][a-z0-9.-]{0,40}", fullmatch=True), st.integers(8, 60))
def test_a_cut_id_fits_and_keeps_the_cards_own_id_first(deck: str, own: str, width: int) -> None:
    """The deck's name is cut before the card's own id, which stays whole when it fits; an own
    id too long alone keeps its start and its end."""
    card = f"{deck}/{own}"
    cut = shortened(card, width)
    if len(card) <= width:
        assert cut == card
        return
    assert len(cut) == width
    if len(own) + 2 <= width:
        head, _, kept = cut.rpartition("…/")
        assert kept == own and deck.startswith(head)
    else:
        assert cut.startswith("…/")
        start, end = cut[2:].split("…")
        assert own.startswith(start) and own.endswith(end) and len(start) >= len(end)


def test_at_80_columns_the_bundled_ids_of_a_deck_stay_apart() -> None:
    """`dl-exe…d-output-size` was both conv2d-output-size and conv-transpose2d-output-size."""
    import yaml

    from flashdl.tui.screens.browse import card_width

    width = card_width(80)
    assert width is not None
    for path in (Path(__file__).resolve().parents[2] / "cards").glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        ids = [f"{data['id']}/{card['id']}" for card in data["cards"]]
        cells = [shortened(card, width) for card in ids]
        assert len(set(cells)) == len(ids), path.name


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
        assert cell != LONG and len(cell) <= 20 and cell.endswith("put-size") and cell.startswith("…/conv-tran")
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
