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


def test_dollars_flashdl_shows_as_dollars_reach_anki_as_dollars() -> None:
    """A closing ``$`` before a digit closes no formula (flashdl shows "from $5-$10 a month" as
    written); the export made it MathJax, so Anki showed "5-" typeset and both dollars lost."""
    from flashdl.formats.html_markdown import markdown_to_html, markdown_to_html_many

    for text in ("from $5-$10 a month", "price $5/$6", "tip: $1.$2"):
        assert plain_to_html(text) == text
        assert markdown_to_html(text) == text
        assert markdown_to_html_many([text, "$x$"]) == [text, "\\(x\\)"]
    # and a formula holding an escaped dollar is one formula, as flashdl shows it
    assert plain_to_html("$a \\$ b$ then") == "\\(a \\$ b\\) then"
    # an escaped dollar opens no formula, not even a display one after it (hypothesis found
    # `\$$5$$`: flashdl shows "$$5$$" as text; the export sent Anki a backslash and a formula)
    for text in ("\\$$5$$", "a \\$$x$$ b"):
        assert plain_to_html(text) == text.replace("\\$", "$")
        assert markdown_to_html(text) == text


@given(st.text(alphabet="$\\ a5-x\n", max_size=24))
def test_anki_gets_as_math_exactly_what_flashdl_shows_as_math(text: str) -> None:
    """The formulas of a field are the spans the study screen renders (``card_text``'s rule)."""
    import re

    from flashdl.formats.html_markdown import markdown_to_html
    from flashdl.presentation.card_text import _PLAIN_MATH

    shown = [(m.group("display"), m.group("inline")) for m in _PLAIN_MATH.finditer(text)
             if m.group("display") is not None or m.group("inline") is not None]
    exported = re.findall(r"\\\[(.*?)\\\]|\\\((.*?)\\\)", plain_to_html(text), re.DOTALL)
    assert [(d or None, i or None) for d, i in exported] == [(d, i) for d, i in shown]
    exported_md = re.findall(r"\\\[(.*?)\\\]|\\\((.*?)\\\)", markdown_to_html(text).replace("<br>", "\n"),
                             re.DOTALL)
    assert exported_md == exported
