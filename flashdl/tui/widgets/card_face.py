"""One side of a card: Markdown with its LaTeX turned into Unicode, or plain text.

A ``Static`` holding Rich's Markdown renders in a few milliseconds, several
times faster than Textual's block-per-widget ``Markdown`` (measured: ~15 ms
against ~90 ms per card on the 2-core dev machine), and a study session
redraws a card at every key. Engine prompts and solutions are plain text
laid out in columns (matrices), so they are shown as they are.
"""

from __future__ import annotations

from rich.markdown import Markdown
from rich.text import Text
from textual.widgets import Static

from flashdl.tui.latex_text import render_math


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
        self.update(Markdown(render_math(text), code_theme=code_theme, hyperlinks=False))

    def show_plain(self, text: str) -> None:
        self.update(Text(text))
