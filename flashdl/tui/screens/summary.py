"""The end of a study session: cards, accuracy, time, and what is due tomorrow."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from flashdl.errors import FlashdlError
from flashdl.presentation.view_models import SessionTally, session_summary, summary_heading
from flashdl.tui.messages import BrowseRequested, HomeRequested, StatsRequested
from flashdl.tui.screens import FlashdlScreen
from flashdl.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from flashdl.services.views import QueueCounts


class SummaryScreen(FlashdlScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "home", "Decks", key_display="enter", id="home",
                tooltip="Back to the deck list"),
        Binding("b", "browse", "Browse", id="browse"),
        Binding("t", "stats", "Stats", id="stats", tooltip="Progress statistics"),
        Binding("q", "app.quit", "Quit", id="quit_summary"),
    ]

    def __init__(self, tally: SessionTally, deck: str | None, left: QueueCounts | None = None,
                 *, cram: bool = False) -> None:
        super().__init__()
        self.tally = tally
        self.deck = deck
        self.left = left
        self.cram = cram
        self.due_tomorrow: int | None = None

    def compose(self) -> ComposeResult:
        yield Static("flashdl · session done", classes="title")
        with Vertical(id="summary-box"):
            yield Static(summary_heading(self.tally, self.left), id="summary-heading")
            yield Static(id="summary-lines")
            saved = ("Cram: no schedule changed and no review was logged" if self.cram
                     else "Every grade is saved")
            yield Static(f"{saved}. enter: back to the decks · q: quit",
                         id="summary-hint", classes="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._render_lines()
        self._load_due()

    @work(thread=True, exclusive=True, group="summary")
    def _load_due(self) -> None:
        try:
            due = self.collection.due_tomorrow(self.deck)
        except FlashdlError:
            return
        self.app.call_from_thread(self._set_due, due)

    def _set_due(self, due: int) -> None:
        self.due_tomorrow = due
        self._render_lines()

    def _render_lines(self) -> None:
        summary = session_summary(self.tally, due_tomorrow=self.due_tomorrow)
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", justify="right")
        table.add_column()
        for label, value in summary.lines:
            table.add_row(label, value)
        if self.due_tomorrow is None:
            table.add_row("Due tomorrow", "…")
        self.query_one("#summary-lines", Static).update(table)

    def action_home(self) -> None:
        self.post_message(HomeRequested())

    def action_browse(self) -> None:
        self.post_message(BrowseRequested())

    def action_stats(self) -> None:
        self.post_message(StatsRequested(self.deck))
