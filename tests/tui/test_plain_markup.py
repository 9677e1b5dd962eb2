"""The study screen shows a ``markup: plain`` card exactly as written (issue 11 §2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from tui_helpers import build_app, card_shown, import_decks, settle, shown

from flashdl.tui.screens.study import StudyScreen
from flashdl.tui.widgets.card_face import CardFace

PLAIN_DECK = """\
format: flashdl-deck/1
id: src
name: From a source
markup: plain
cards:
- id: dot
  front: 'What is $-\\log{x_y}$ for [1, 2]·[1, 0]?'
  back: |
    (1*1) + (2*0) = 1
    - # channels
    *stays*
  errata:
  - field: back
    note: Checked by *hand*.
"""


def _text_lines(face: CardFace) -> list[str]:
    """The lines a card face shows, without its border (the "Answer" title line)."""
    region = Region(0, 0, face.outer_size.width, face.outer_size.height)  # the border included
    drawn = [strip.text for strip in face.render_lines(region)]
    lines = [line.strip(" ┃│") for line in drawn]
    return [line for line in lines if line and not set(line) <= set("━─Answer ")]


@pytest.fixture
def plain_db(tmp_path: Path) -> Path:
    deck = tmp_path / "src.yaml"
    deck.write_text(PLAIN_DECK, encoding="utf-8")
    path = tmp_path / "flashdl.sqlite3"
    import_decks(path, deck)
    return path


async def test_a_plain_back_keeps_every_character_and_line(plain_db: Path) -> None:
    app = build_app(plain_db, study="src")
    async with app.run_test(size=(80, 24)) as pilot:
        await card_shown(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, StudyScreen)
        assert shown(screen.query_one("#front", CardFace)).strip() == "What is -log x_y for [1, 2]·[1, 0]?"
        await pilot.press("space")
        await settle(pilot)
        back = _text_lines(screen.query_one("#back", CardFace))
        assert back[:3] == ["(1*1) + (2*0) = 1", "- # channels", "*stays*"]
        assert "✎ Corrected: Checked by *hand*." in back


async def test_card_face_uses_the_shared_renderer(plain_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The TUI draws what ``render_side`` returns: one renderer for both front ends."""
    from flashdl.presentation.card_text import ShownSide
    from flashdl.tui.widgets import card_face

    calls: list[tuple[str, str]] = []

    def spy(text: str, *, markup: str = "markdown", errata: object = (), side: str = "back") -> ShownSide:
        calls.append((side, markup))
        return ShownSide(f"rendered {side}", markdown=False)

    monkeypatch.setattr(card_face, "render_side", spy)
    app = build_app(plain_db, study="src")
    async with app.run_test(size=(80, 24)) as pilot:
        await card_shown(pilot)
        await pilot.press("space")
        await settle(pilot)
        screen = pilot.app.screen
        assert _text_lines(screen.query_one("#back", CardFace)) == ["rendered back"]
    assert calls == [("front", "plain"), ("back", "plain")]
