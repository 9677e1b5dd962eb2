"""One card in full: its text, scheduling (due, interval, ease, reviews), review history, deck file.

``e`` edits this card (the card editor, ``screens/edit.py``), ``T`` its tags;
``E`` opens the whole deck file in ``$EDITOR`` (``flashdl.tui.external_editor``).
Either way the deck file is written and re-read into the store, so an edit
keeps the card's id and its history (DESIGN §2). A bundled deck is edited in the
user's copy (``bundled_copies.deck_file_for_edit``), never inside the installed package.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from flashdl.errors import FlashdlError
from flashdl.presentation.view_models import history_row, scheduling_lines
from flashdl.tui.external_editor import edit_deck, edit_deck_file, editor_command
from flashdl.tui.messages import CardEditRequested, TagsRequested
from flashdl.tui.screens import FlashdlScreen
from flashdl.tui.widgets.card_face import CardFace, warm_up_rendering
from flashdl.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from collections.abc import Callable

    from flashdl.scheduler.due_spec import DueSpec
    from flashdl.services.manual_schedule import ManualResult
    from flashdl.services.views import CardDetails

HISTORY_COLUMNS = ("When", "Grade", "Kind", "Interval", "Ease", "Typed answer")


class CardScreen(FlashdlScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="edit", tooltip="Edit this card's front, back and tags"),
        Binding("E", "edit_file", "Edit deck file", show=False, id="edit_file",
                tooltip="Open the whole deck file in $EDITOR"),
        Binding("T", "edit_tags", "Tags", show=False, id="edit_tags", tooltip="Add or remove this card's tags"),
        Binding("s", "toggle_suspend", "Suspend/unsuspend", id="toggle_suspend"),
        Binding("F", "forget", "Forget", show=False, id="forget",
                tooltip="Make the card new again (Anki's Forget); asks first"),
        Binding("D", "set_due", "Set due date", show=False, id="set_due",
                tooltip="Make the card due in N days (0 today, 1-7 a range, 7! sets the interval too)"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
        Binding("q,escape", "back", "Back", key_display="q", id="back"),
    ]

    def __init__(self, card_id: int) -> None:
        super().__init__()
        self.card_id = card_id
        self.details: CardDetails | None = None
        self.deck_path: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("flashdl · card", classes="title", id="card-title")
        with VerticalScroll(id="card-body"):
            yield Static("Loading…", id="card-file", classes="status")
            yield Static(id="card-scheduling")
            yield CardFace(id="card-front")
            yield CardFace(id="card-back")
            yield Static("Review history", classes="section")
            table: DataTable[Any] = DataTable(cursor_type="row", id="history", show_cursor=False)
            for label in HISTORY_COLUMNS:
                table.add_column(label)
            yield table
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#card-front").border_title = "Front"
        self.query_one("#card-back").border_title = "Back"
        self._load()

    @work(thread=True, exclusive=True, group="card")
    def _load(self) -> None:
        collection = self.collection
        try:
            details = collection.card_details(self.card_id)
            path = next((d.path for d in collection.decks() if d.id == details.deck), None)
            today = collection.today()
            warm_up_rendering()  # Markdown's first import, here rather than on the UI thread
        except FlashdlError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, details, path, today)

    def _show(self, details: CardDetails, path: str | None, today: date) -> None:
        self.details, self.deck_path = details, path
        self.query_one("#card-title", Static).update(Text(f"flashdl · {details.card} · {details.deck_name}"))
        if path is None:
            where = "Deck file: unknown (imported from another format)"
        else:
            where = f"Deck file: {path}" + ("  (E: edit in $EDITOR)" if editor_command() else "")
        self.query_one("#card-file", Static).update(Text(where))
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for label, value in scheduling_lines(details, today):
            table.add_row(label, value)
        if details.tags:
            table.add_row("Tags", Text(", ".join(details.tags)))
        self.query_one("#card-scheduling", Static).update(table)
        self.query_one("#card-front", CardFace).show_side(
            details.front, markup=details.markup, errata=details.errata, side="front")
        self.query_one("#card-back", CardFace).show_side(
            details.back, markup=details.markup, errata=details.errata, side="back")
        history = self.query_one("#history", DataTable)
        history.clear()
        for entry in reversed(details.history):  # newest first
            # Text, not str: a str cell is read as markup (a typed answer "[/]" crashed the app)
            history.add_row(*map(Text, history_row(entry)))
        if not details.history:
            history.add_row("never reviewed", "", "", "", "", "")

    def action_edit(self) -> None:
        self.post_message(CardEditRequested(self.card_id, on_saved=self._edited))

    def action_edit_tags(self) -> None:
        self.post_message(TagsRequested(self.card_id, on_saved=self._edited))

    def _edited(self, card: str) -> None:
        self.notify(f"Saved {card} to its deck file.")
        self._load()

    def action_edit_file(self) -> None:
        if self.details is None or self.deck_path is None:
            edit_deck_file(self, self.collection, None)  # says the deck has no file
            return
        edit_deck(self, self.collection, self.details.deck, after=self._load)

    def action_toggle_suspend(self) -> None:
        if self.details is None:
            return
        suspended = not self.details.suspended
        self.collection.set_suspended(self.card_id, suspended)
        self.notify(f"{'Suspended' if suspended else 'Unsuspended'} {self.details.card}.")
        self._load()

    def action_forget(self) -> None:
        from flashdl.tui.screens.reschedule import ForgetScreen

        if self.details is None:
            return
        card = self.details.card

        def answered(forget: bool | None) -> None:
            if forget:
                self._reschedule(lambda: self.collection.forget(self.card_id), f"Forgot {card}: new again.")

        self.app.push_screen(ForgetScreen(card), answered)

    def action_set_due(self) -> None:
        from flashdl.tui.screens.reschedule import DueDateScreen

        if self.details is None:
            return

        def answered(spec: DueSpec | None) -> None:
            if spec is not None:
                self._reschedule(lambda: self.collection.set_due(self.card_id, spec), None)

        self.app.push_screen(DueDateScreen(self.details.card), answered)

    def _reschedule(self, change: Callable[[], ManualResult], message: str | None) -> None:
        try:
            result = change()
        except FlashdlError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(message or f"{result.card} due {result.due.isoformat() if result.due else 'new'}.")
        self._load()

    def action_scroll(self, lines: int) -> None:
        body = self.query_one("#card-body", VerticalScroll)
        body.scroll_relative(y=lines, animate=False, immediate=True)

    def action_back(self) -> None:
        self.app.pop_screen()
