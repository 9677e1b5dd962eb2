"""A card side as both front ends show it: the one renderer of card and engine text.

A deck says how its text is meant (``markup:`` in the deck file, per deck or
per card, ``flashdl.deck.model.MARKUPS``):

- ``markdown`` (the default): Markdown with ``$...$`` LaTeX. The math is
  turned into Unicode and escaped (``render_math``); the terminal UI renders
  the Markdown, the line mode prints it.
- ``plain``: text from a source document, shown character for character
  with its line breaks. Only ``$...$`` and ``$$...$$`` LaTeX is rendered (to
  Unicode, in place) and ``\\$`` is a dollar; ``(1*1) + (2*0)``,
  ``- # channels`` and single line breaks stay exactly as written.

Engine prompts and worked solutions are plain text (``engine_text``).
Pure functions, no Textual: the TUI's ``CardFace`` and ``flashdl study
--plain`` and ``flashdl show`` all call ``render_side``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flashdl.deck.model import CORRECTION_MARK, MARKUP_MARKDOWN, MARKUP_PLAIN
from flashdl.presentation.card_media import has_media, media_lines
from flashdl.presentation.card_rows import errata_notes, with_errata
from flashdl.presentation.latex_text import latex_to_unicode, render_math

# $$display$$ first, then $inline$ (the Markdown path's rules: no space just inside the
# dollars, no digit right after the closing one, so "costs $5 and $6" stays text).
_PLAIN_MATH = re.compile(
    r"\$\$(?P<display>.+?)\$\$"
    r"|(?<![\\$])\$(?=\S)(?P<inline>(?:\\\$|[^$\n])+?)(?<=\S)(?<!\\)\$(?!\d)"
    r"|\\\$",
    re.DOTALL,
)


@dataclass(frozen=True)
class ShownSide:
    """What a front end shows for one side: ``text``, Markdown to render when ``markdown``."""

    text: str
    markdown: bool


def render_plain(text: str) -> str:
    """Plain card text: its ``$...$`` LaTeX as Unicode, every other character as written."""
    if "$" not in text:
        return text

    def convert(found: re.Match[str]) -> str:
        latex = found.group("display") or found.group("inline")
        return "$" if latex is None else latex_to_unicode(latex)

    return _PLAIN_MATH.sub(convert, text)


def render_side(text: str, *, markup: str = MARKUP_MARKDOWN, errata: Iterable[Any] = (),
                side: str = "back", media_dir: Path | None = None, media_as_lines: bool = True,
                rendered: bool = True) -> ShownSide:
    """One side of a card (with the notes of its corrections) as the study screen shows it.

    Pictures and sounds become lines (``card_media``; looked up in ``media_dir`` when
    given) unless ``media_as_lines`` is off: the TUI then draws the pictures itself.
    ``rendered=False``: Markdown printed as it is (line mode, ``show``), so its math is not
    escaped for a Markdown renderer (``σ(z)_i``, not ``σ(z)\\_i``).
    """
    if media_as_lines and has_media(text):
        text = media_lines(text, media_dir)
    errata = tuple(errata)
    if markup == MARKUP_PLAIN:
        shown = render_plain(text).rstrip()
        notes = [CORRECTION_MARK + render_plain(note).strip() for note in errata_notes(errata, side)]
        return ShownSide("\n\n".join([shown, *notes]) if notes else shown, markdown=False)
    return ShownSide(render_math(with_errata(text, errata, side), escape=rendered).strip(), markdown=True)


def render_text(text: str, markup: str = MARKUP_MARKDOWN, *, rendered: bool = True) -> str:
    """A piece of card text alone (an erratum's note or original), without correction notes."""
    return render_side(text, markup=markup, rendered=rendered).text


def engine_text(text: str) -> str:
    """An engine prompt or worked solution: plain text, matrices aligned in columns."""
    return render_plain(text).rstrip()
