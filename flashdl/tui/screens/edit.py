"""Adding or editing one card: front and back in text areas, tags, and a live preview.

``CardEditScreen(card=None, deck=...)`` adds a card (``n``: a deck to choose,
empty fields); ``CardEditScreen(card=EditableCard)`` edits that card (``e``),
prefilled. The preview is drawn by ``CardFace.show_side``, the renderer the
study screen uses, with the deck's (or card's) markup. ``ctrl+s`` saves
through the collection (``add_card``/``edit_card``: the deck's YAML file is
written first, then the store follows, history kept) in a worker thread; a
refusal (empty text, bundled deck, ...) is shown in the status line and the
screen stays. ``escape`` leaves without saving. ``on_saved(DECK/CARD)`` is
called after a save, once this screen is gone.

``TagsScreen(card)`` (``T``) edits only the tags: one line, words separated
by spaces; enter saves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static, TextArea

from flashdl.deck.model import MARKUP_MARKDOWN, MARKUP_PLAIN
from flashdl.errors import FlashdlError
from flashdl.tui.screens import FlashdlScreen
from flashdl.tui.widgets.card_face import CardFace, warm_up_rendering
from flashdl.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from flashdl.services.edit_card import EditableCard
    from flashdl.tui.collection import Collection

Saved = Callable[[str], None]
TAGS_HINT = "tags, separated by spaces (e.g. cnn pooling)"


def parse_tags(text: str) -> list[str]:
    """Tags as typed: words split at spaces or commas, each kept once, in order."""
    return list(dict.fromkeys(word for word in re.split(r"[\s,]+", text) if word))


class CardEditScreen(FlashdlScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="save", priority=True,
                tooltip="Write the card to its deck file (history kept)"),
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Leave without saving"),
    ]

    def __init__(self, card: EditableCard | None = None, *, deck: str | None = None,
                 on_saved: Saved | None = None) -> None:
        super().__init__()
        self.card = card
        self.deck = card.deck if card is not None else deck
        self.markup = card.markup if card is not None else MARKUP_MARKDOWN
        self._on_saved = on_saved
        self._saving = False

    def compose(self) -> ComposeResult:
        card = self.card
        title = "flashdl · new card" if card is None else f"flashdl · edit {card.deck}/{card.card}"
        yield Static(title, classes="title", id="edit-title")
        if card is None:
            yield Select[str]([], prompt="Deck", allow_blank=True, compact=True, id="edit-deck")
        with Horizontal(id="edit-body"):
            with Vertical(id="edit-fields"):
                yield TextArea(card.front if card else "", id="edit-front", soft_wrap=True,
                               placeholder=_front_hint(self.markup))
                yield TextArea(card.back if card else "", id="edit-back", soft_wrap=True,
                               placeholder="Back: the answer")
                with Horizontal(id="edit-tags-line"):
                    yield Static("Tags", id="edit-tags-label")
                    yield Input(" ".join(card.tags) if card else "", placeholder=TAGS_HINT, id="edit-tags",
                                compact=True, select_on_focus=False)
            with VerticalScroll(id="edit-preview"):
                yield CardFace(id="preview-front")
                yield CardFace(id="preview-back")
                yield Static("", id="preview-tags", classes="status")
        yield Static("ctrl+s: save · esc: cancel · tab: next field", id="edit-status", classes="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#edit-front").border_title = "Front"
        self.query_one("#edit-back").border_title = "Back"
        self.query_one("#edit-preview").border_title = "Preview"
        self.query_one("#preview-back").border_title = "Back"
        for area in self.query(TextArea):
            area.move_cursor(area.document.end)  # typing goes on from the end of the text
        self.query_one("#edit-front", TextArea).focus()
        self._load()

    @work(thread=True, exclusive=True, group="edit-load")
    def _load(self) -> None:
        """Deck names (for a new card) and the deck's markup, off the UI thread."""
        collection = self.collection
        try:
            collection.open()
            decks = [(summary.name, summary.id) for summary in collection.decks()] if self.card is None else []
            markup = collection.deck_markup(self.deck) if self.card is None and self.deck else self.markup
            warm_up_rendering()
        except FlashdlError as error:
            self.app.call_from_thread(self._status, str(error), True)
            return
        self.app.call_from_thread(self._loaded, decks, markup)

    def _loaded(self, decks: list[tuple[str, str]], markup: str) -> None:
        self.markup = markup
        self.query_one("#edit-front", TextArea).placeholder = _front_hint(markup)
        if self.card is None:
            select = self.query_one("#edit-deck", Select)
            # Text, not str: a str prompt is read as markup ("Notes [/] misc" crashed the app)
            select.set_options([(Text(f"{name} ({deck_id})"), deck_id) for name, deck_id in decks])
            known = [deck_id for _, deck_id in decks]
            if self.deck in known or (known and self.deck is None):
                select.value = self.deck if self.deck in known else known[0]
        self._render_preview()

    # ----------------------------------------------------------------- preview

    @on(TextArea.Changed)
    @on(Input.Changed, "#edit-tags")
    def _changed(self) -> None:
        self._render_preview()

    @on(Select.Changed, "#edit-deck")
    def _deck_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.deck:
            self.deck = event.value
            self._load()

    def _render_preview(self) -> None:
        front, back, tags = self._fields()
        self.query_one("#preview-front", CardFace).show_side(front or "(empty front)", markup=self.markup,
                                                              side="front")
        self.query_one("#preview-back", CardFace).show_side(back or "(empty back)", markup=self.markup)
        self.query_one("#preview-tags", Static).update(Text("Tags  " + ", ".join(tags)) if tags else "")

    def _fields(self) -> tuple[str, str, list[str]]:
        return (self.query_one("#edit-front", TextArea).text, self.query_one("#edit-back", TextArea).text,
                parse_tags(self.query_one("#edit-tags", Input).value))

    def _status(self, message: str, error: bool = False) -> None:
        status = self.query_one("#edit-status", Static)
        status.update(Text(message, style="bold red" if error else ""))

    # ------------------------------------------------------------------ saving

    def action_save(self) -> None:
        if self._saving:
            return
        if self.deck is None:
            self._status("Choose a deck first.", True)
            return
        self._saving = True
        self._status("Saving…")
        self._save(self.deck, *self._fields())

    @work(thread=True, exclusive=True, group="edit-save")
    def _save(self, deck: str, front: str, back: str, tags: list[str]) -> None:
        try:
            if self.card is None:
                saved = self.collection.add_card(deck, front, back, tags)
            else:
                saved = self.collection.edit_card(deck, self.card.card, front, back, tags)
        except FlashdlError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._saved, saved)

    def _failed(self, message: str) -> None:
        self._saving = False
        self._status(f"Not saved: {message}", True)

    def _saved(self, card: str) -> None:
        self.app.pop_screen()
        if self._on_saved is not None:
            self._on_saved(card)

    def action_cancel(self) -> None:
        if not self._saving:
            self.app.pop_screen()


class TagsScreen(ModalScreen[None]):
    """The tags of one card, on one line (``T``); enter saves, escape leaves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, card: EditableCard, collection: Collection, on_saved: Saved | None = None) -> None:
        super().__init__()
        self.card = card
        self.collection = collection
        self._on_saved = on_saved

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-box"):
            yield Static(f"Tags of {self.card.deck}/{self.card.card} · enter saves · esc cancels",
                         id="tags-title")
            yield Input(" ".join(self.card.tags), placeholder=TAGS_HINT, id="tags-input", select_on_focus=False)
            yield Static("Add a word to add a tag, delete it to remove it.", id="tags-status",
                         classes="status")

    def on_mount(self) -> None:
        self.query_one("#tags-input", Input).focus()

    @on(Input.Submitted, "#tags-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save(parse_tags(event.value))

    @work(thread=True, exclusive=True, group="tags-save")
    def _save(self, tags: list[str]) -> None:
        try:
            saved = self.collection.edit_card(self.card.deck, self.card.card, None, None, tags)
        except FlashdlError as error:
            self.app.call_from_thread(
                self.query_one("#tags-status", Static).update, Text(f"Not saved: {error}", style="bold red"))
            return
        self.app.call_from_thread(self._saved, saved)

    def _saved(self, card: str) -> None:
        self.dismiss()
        if self._on_saved is not None:
            self._on_saved(card)

    def action_cancel(self) -> None:
        self.dismiss()


def _front_hint(markup: str) -> str:
    """The empty front's hint names how the deck's text is read (a plain deck is not Markdown)."""
    how = "plain text" if markup == MARKUP_PLAIN else "Markdown"
    return f"Front: the question ({how}, $...$ LaTeX)"
