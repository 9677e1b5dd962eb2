"""Pictures on cards in the TUI: drawn by textual-image (half blocks here), else the "[image: NAME]" line.

The reference is the picture itself: a red PNG made with Pillow must come out
as half-block cells coloured pure red; a missing file as the line the line mode prints.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from textual.geometry import Region
from tui_helpers import build_app, card_shown, import_decks, settle, shown

from flashdl.tui.widgets.card_face import CardFace

DECK = """\
format: flashdl-deck/1
id: pics
name: Pictures
cards:
- id: red
  front: 'What colour is this? ![](red.png)'
  back: 'Red. ![](gone.png) [sound:say.mp3]'
"""


@pytest.fixture
def pictures_db(tmp_path: Path) -> Path:
    deck = tmp_path / "pics.yaml"
    deck.write_text(DECK, encoding="utf-8")
    path = tmp_path / "data" / "flashdl.sqlite3"
    path.parent.mkdir()
    import_decks(path, deck)
    (path.parent / "media").mkdir()
    Image.new("RGB", (64, 32), (255, 0, 0)).save(path.parent / "media" / "red.png")
    return path


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    """textual-image imported as ``card_images.prepare`` would, with no terminal to ask."""
    monkeypatch.setattr(sys, "__stdout__", io.StringIO())
    monkeypatch.delitem(sys.modules, "textual_image.renderable", raising=False)
    import textual_image.renderable  # noqa: F401


@pytest.fixture
def not_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "textual_image.renderable", raising=False)


def _red_cells(face: CardFace) -> int:
    region = Region(0, 0, face.size.width, face.size.height)
    count = 0
    for strip in face.render_lines(region):
        for segment in strip:
            colour = segment.style.color if segment.style else None
            if segment.text.strip() and colour is not None and colour.triplet is not None \
                    and tuple(colour.triplet) == (255, 0, 0):
                count += len(segment.text)
    return count


async def test_a_picture_is_drawn_in_half_blocks(pictures_db: Path, drawn: None) -> None:
    app = build_app(pictures_db, study="pics")
    async with app.run_test(size=(80, 24)) as pilot:
        await card_shown(pilot)
        front = pilot.app.screen.query_one("#front", CardFace)
        assert "What colour is this?" in shown(front) and "[image" not in shown(front)
        assert _red_cells(front) >= 8  # 64 px wide: 8 cells of red half blocks
        await pilot.press("space")
        await settle(pilot)
        face = pilot.app.screen.query_one("#back", CardFace)
        region = Region(0, 0, face.outer_size.width, face.outer_size.height)  # its border included
        back = "\n".join(strip.text for strip in face.render_lines(region))
        assert "[image missing: gone.png]" in back and "[sound: say.mp3]" in back


async def test_without_textual_image_the_line_is_shown(pictures_db: Path, not_drawn: None) -> None:
    app = build_app(pictures_db, study="pics")
    async with app.run_test(size=(80, 24)) as pilot:
        await card_shown(pilot)
        front = pilot.app.screen.query_one("#front", CardFace)
        assert "[image: red.png]" in shown(front) and _red_cells(front) == 0


def test_picture_snapshot(snap_compare: Any, pictures_db: Path, drawn: None) -> None:
    async def reveal(pilot: Any) -> None:
        await card_shown(pilot)
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(build_app(pictures_db, study="pics"), terminal_size=(80, 24), run_before=reveal)


async def test_browse_lists_the_picture_line(pictures_db: Path, not_drawn: None) -> None:
    from rich.text import Text
    from textual.widgets import DataTable
    from tui_helpers import decks_listed, wait_for

    app = build_app(pictures_db)
    async with app.run_test(size=(100, 24)) as pilot:
        await decks_listed(pilot)
        await pilot.press("b")
        await wait_for(pilot, lambda: bool(pilot.app.screen.query("DataTable"))
                       and pilot.app.screen.query_one(DataTable).row_count > 0, "the card list")
        cell = pilot.app.screen.query_one(DataTable).get_row_at(0)[-1]
        drawn = cell.plain if isinstance(cell, Text) else Text.from_markup(cell).plain
        assert drawn == "What colour is this? [image: red.png]"
        # the preview checks the pictures as the study screen does (it said "[image: gone.png]")
        preview = str(pilot.app.screen.query_one("#preview").render())
        assert "[image missing: gone.png]" in preview and "[image: red.png]" in preview
