"""Pictures and sounds as lines of text (the line mode, ``show`` and the browse list)."""

from __future__ import annotations

from flashdl.presentation.card_media import media_lines
from flashdl.presentation.latex_text import plain_text


def test_pictures_and_sounds_become_lines_of_their_own() -> None:
    text = "Which? ![a red dot](red.png) and [sound:say it.mp3] then $x^2$"
    assert media_lines(text) == "Which?\n\n[image: red.png]\n\nand\n\n[sound: say it.mp3]\n\nthen $x^2$"
    assert media_lines(media_lines(text)) == media_lines(text)


def test_the_browse_list_shows_the_line_not_the_markdown() -> None:
    assert plain_text("What is this? ![](conv.png)") == "What is this? [image: conv.png]"
