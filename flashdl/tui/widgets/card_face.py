"""One side of a card: Markdown with its LaTeX turned into Unicode, or plain text.

A ``Static`` holding Rich's Markdown renders in a few milliseconds, several
times faster than Textual's block-per-widget ``Markdown`` (measured: ~15 ms
against ~90 ms per card on the 2-core dev machine), and a study session
redraws a card at every key. Rich builds a new Markdown parser for every
document, which cost more than the parse itself; ``card_markdown`` shares
one. ``rich.markdown`` (with markdown-it and Pygments) takes ~0.1-0.3 s to
import, so it is imported by the study screen's worker thread
(``warm_up_rendering``), never before the first frame. Engine prompts and
solutions are plain text laid out in columns (matrices), shown as they are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rich.text import Text
from textual.widgets import Static

from flashdl.presentation.latex_text import render_math, warm_up


@lru_cache(maxsize=1)
def _markdown_class() -> type[Any]:
    from markdown_it import MarkdownIt
    from rich.markdown import Markdown

    parser = MarkdownIt().enable("strikethrough").enable("table")  # as rich.markdown builds it

    class CardMarkdown(Markdown):
        """Rich's ``Markdown``, parsed by one shared parser."""

        def __init__(self, markup: str, code_theme: str = "monokai") -> None:
            self.markup = markup
            self.parsed = parser.parse(markup)
            self.code_theme = code_theme
            self.justify = None
            self.style = "none"
            self.hyperlinks = False
            self.inline_code_lexer = None
            self.inline_code_theme = code_theme

    return CardMarkdown


def card_markdown(markup: str, code_theme: str = "monokai") -> Any:
    """A Rich renderable of ``markup`` (Markdown, math already converted)."""
    return _markdown_class()(markup, code_theme)


class CardFace(Static):
    """A card side; ``show_markdown`` for deck text, ``show_plain`` for engine text."""

    DEFAULT_CSS = """
    CardFace {
        width: 1fr;
        height: auto;
        padding: 0 1;
    }
    """

    def show_markdown(self, text: str) -> None:
        code_theme = "monokai" if self.app.current_theme.dark else "default"
        self.update(card_markdown(render_math(text), code_theme=code_theme))

    def show_plain(self, text: str) -> None:
        self.update(Text(text))


def warm_up_rendering() -> Any:
    """Import and build the LaTeX converter and Markdown parser ahead of the first card (from a worker)."""
    warm_up()
    return card_markdown(render_math("*warm* $x^2$ `up`")).parsed
