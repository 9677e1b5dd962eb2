"""Anki fields of ``markup: plain`` cards: every character shows in Anki as written."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from flashdl.formats.html_markdown import plain_to_html


def _as_anki_shows(field: str) -> str:
    """What a browser shows of a field: tags are only ``<br>`` here, entities decoded."""
    return html.unescape(field.replace("<br>", "\n").replace("&nbsp;", " "))


@given(st.text(alphabet=st.characters(blacklist_characters="$\x00\r", blacklist_categories=("Cs",))))
def test_plain_text_survives_as_html(text: str) -> None:
    field = plain_to_html(text)
    assert _as_anki_shows(field) == text
    assert "<" not in field.replace("<br>", "")  # no markup of its own
    assert "  " not in field and "\n" not in field and not field.startswith(" ")  # HTML would fold


def test_plain_text_with_math_and_markdown_characters() -> None:
    text = "(1*1) + (2*0) <b>x</b> & **y**\n- # $x_1 < 2$ costs \\$5\n  indented"
    assert plain_to_html(text) == (
        "(1*1) + (2*0) &lt;b&gt;x&lt;/b&gt; &amp; **y**<br>- # \\(x_1 &lt; 2\\) costs $5<br>"
        "&nbsp;&nbsp;indented")
