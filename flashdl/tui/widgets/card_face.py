"""One side of a card: Markdown with its LaTeX turned into Unicode, or plain text.

A ``Static`` holding Rich's Markdown renders in a few milliseconds, several
times faster than Textual's block-per-widget ``Markdown`` (measured: ~15 ms
against ~90 ms per card on the 2-core dev machine), and a study session
redraws a card at every key. Rich builds a new Markdown parser for every
document, which cost more than the parse itself; ``card_markdown`` shares
one. ``rich.markdown`` (with markdown-it and Pygments) takes ~0.1-0.3 s to
import, so it is imported by the study screen's worker thread
(``warm_up_rendering``), never before the first frame. Engine prompts and
solutions are plain text laid out in columns (matrices), shown as they are, and so is the text
of a ``markup: plain`` deck.

Pictures (``![](x.png)``, from imported Anki cards) are drawn by ``textual-image``
between the Markdown pieces when ``card_images`` has made it ready before the
app started (it asks the terminal which protocol it speaks: Kitty's, or half
blocks; Sixel needs a widget of its own, so a Static draws half blocks there).
Otherwise, or for a file that is missing or not a picture, the side shows the
``[image: NAME]`` line the line mode prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from flashdl.deck.model import MARKUP_MARKDOWN
from flashdl.presentation.card_media import OK, has_media, split_pictures
from flashdl.presentation.card_text import engine_text, render_side
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
    """A card side (``show_side``) or an engine text (``show_plain``).

    What is shown comes from ``flashdl.presentation.card_text``, the renderer
    the line mode and ``flashdl show`` use too: Markdown is drawn by Rich,
    plain text (``markup: plain`` decks, engine text) as a ``Text``, every
    character as written.
    """

    DEFAULT_CSS = """
    CardFace {
        width: 1fr;
        height: auto;
        padding: 0 1;
    }
    """

    def show_side(self, text: str, *, markup: str = MARKUP_MARKDOWN, errata: Iterable[Any] = (),
                  side: str = "back") -> None:
        """One side of a card with the notes of its corrections, as the deck's markup says."""
        from flashdl.tui.widgets.card_images import media_dir_of, picture_renderable

        media_dir = media_dir_of(self.app) if has_media(text) else None
        if media_dir is None:
            self.update(self._side(text, markup, errata, side))
            return
        errata = tuple(errata)
        pieces = split_pictures(text, media_dir)
        parts: list[RenderableType] = []
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            if isinstance(piece, str):
                parts.append(self._side(piece, markup, errata if last else (), side))
                continue
            drawn = picture_renderable(piece.path, self.size.width) if piece.status == OK else None
            parts.append(drawn if drawn is not None else Text(piece.line, style="italic"))
            if last and errata:
                parts.append(self._side("", markup, errata, side))
        self.update(Group(*parts))

    def _side(self, text: str, markup: str, errata: Iterable[Any], side: str) -> RenderableType:
        shown = render_side(text, markup=markup, errata=errata, side=side)
        if shown.markdown:
            code_theme = "monokai" if self.app.current_theme.dark else "default"
            return card_markdown(shown.text, code_theme=code_theme)
        return Text(shown.text)

    def show_markdown(self, text: str) -> None:
        """Markdown text (math converted here); errata already appended by the caller."""
        self.show_side(text, markup=MARKUP_MARKDOWN)

    def show_plain(self, text: str) -> None:
        """An engine prompt or worked solution."""
        self.update(Text(engine_text(text)))


def warm_up_rendering() -> Any:
    """Import and build the LaTeX converter and Markdown parser ahead of the first card (from a worker)."""
    warm_up()
    return card_markdown(render_math("*warm* $x^2$ `up`")).parsed
