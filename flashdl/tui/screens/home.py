"""The home screen: every deck with its new / learning / due / total counts and today's progress.

Drawn at once with an empty table; a worker thread opens the database (and
imports the bundled decks into an empty one), then fills the table. The
counts are reloaded whenever the screen comes back (after a session).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from flashdl.errors import FlashdlError
from flashdl.tui.messages import (
    BrowseRequested,
    CustomStudyRequested,
    Failed,
    OptionsRequested,
    PracticeRequested,
    CardEditRequested,
    StatsRequested,
    StudyRequested,
)
from flashdl.tui.screens import FlashdlScreen
from flashdl.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from flashdl.presentation.view_models import DeckLine
    from flashdl.services.deck_list import DeckSummary

COLUMNS = (("Deck", "deck"), ("New", "new"), ("Learn", "learning"), ("Due", "due"),
           ("Total", "total"), ("Today", "today"))
DECK_NAME_WIDTH = (10, 46)  # the deck column's narrowest and widest


class HomeScreen(FlashdlScreen):
    # Styled by app.tcss: see FlashdlApp.get_default_screen.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "study_selected", "Study", id="study",
                tooltip="Study the selected deck's due and new cards"),
        Binding("a", "study_all", "Study all", id="study_all", tooltip="Study every deck's cards"),
        Binding("slash,b", "browse", "Browse", key_display="b", id="browse",
                tooltip="Search cards by text, deck and tag"),
        Binding("p", "practice", "Practice", id="practice",
                tooltip="Fresh variants of the selected deck's computed cards, weakest family first "
                "(outside the schedule)"),
        Binding("t", "stats", "Stats", id="stats", tooltip="Progress statistics"),
        Binding("c", "custom_study", "Custom study", show=False, id="custom_study",
                tooltip="Review ahead, extra new cards, or the cards a search finds (+ cram)"),
        Binding("n", "new_card", "New card", show=False, id="new_card",
                tooltip="Add a card to the selected deck (front, back, tags, live preview)"),
        Binding("o", "options", "Options", show=False, id="options",
                tooltip="The selected deck's options: limits, order, leeches, scheduler"),
        Binding("O", "default_options", "Default options", show=False, id="default_options",
                tooltip="The collection's default options, for decks without their own"),
        Binding("r", "refresh", "Refresh", show=False, id="refresh", tooltip="Reload the counts"),
        Binding("j", "cursor_down", "Next deck", show=False),
        Binding("k", "cursor_up", "Previous deck", show=False),
        Binding("q", "app.quit", "Quit", id="quit_home"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._lines: list[DeckLine] = []
        self._room = 0  # the width the columns were fitted to
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield Static("flashdl · decks", classes="title", id="home-title")
        yield Static("Opening the collection…", id="banner", classes="status")
        table = DeckTable(cursor_type="row", zebra_stripes=True, id="decks")
        _add_columns(table, [])
        yield table
        yield Static("", id="hint", classes="status")
        yield KeysFooter(keys_at_once=True)  # keys dimmed until the decks load: final when composed

    def on_mount(self) -> None:
        self.call_after_refresh(self.load)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed:
            # The first resume follows the mount, whose styles are fresh: skip Textual's
            # recomputing every widget's styles once more (2-3 % of the start-up's work).
            # Runs before Screen's own handler (Textual dispatches subclass first).
            self._resumed = True
            event.refresh_styles = False
        if self._lines or self.collection.is_open:
            self.load()

    @work(thread=True, exclusive=True, group="home-load")
    def load(self) -> None:
        collection = self.collection
        # The view-models are needed once there is data: imported here, off the first frame.
        import flashdl.presentation.view_models  # noqa: F401

        try:
            collection.open()
            summaries = collection.decks()
        except FlashdlError as error:
            self.post_message(Failed(error))
            return
        self.app.call_from_thread(self._show, summaries)
        _warm_up_study()

    def _show(self, summaries: list[DeckSummary]) -> None:
        from flashdl.presentation.view_models import deck_line, plural, today_banner

        selected = self.selected_deck()
        self._lines = [deck_line(summary) for summary in summaries]
        self._fill(selected)
        self.query_one("#banner", Static).update(today_banner(summaries))
        imported = self.collection.imported
        if not self._lines:
            hint = "No decks yet. Import some: flashdl import PATH (or flashdl import --bundled)."
        elif imported is not None and imported.added:
            hint = f"Imported the bundled decks: {plural(imported.added, 'card')}. enter: study"
        else:
            hint = "enter: study the selected deck · a: all decks · p: practise · b: browse"
        self.query_one("#hint", Static).update(hint)
        self.refresh_bindings()
        conflicts, self.collection.bundled_conflicts = self.collection.bundled_conflicts, ()
        if conflicts:  # a new release merged into the user's copies of the bundled decks (shown once)
            more = f"\n… and {len(conflicts) - 3} more" if len(conflicts) > 3 else ""
            self.notify("\n".join(conflicts[:3]) + more, title="Bundled decks: a new release",
                        severity="warning", timeout=15)

    def _fill(self, selected: str | None, room: int = 0) -> None:
        """The rows, the deck column fitted to ``room`` (default: the table's width); the cursor
        stays on ``selected``."""
        table = self.query_one("#decks", DataTable)
        self._room = room or table.size.width or self.app.size.width
        table.clear(columns=True)
        _add_columns(table, self._lines, room=self._room)
        for line in self._lines:
            table.add_row(
                _name(line.name),
                *(_count(value) for value in (line.new, line.learning, line.due, line.total)),
                line.today,
                key=line.id,
            )
        if selected is not None and selected in {line.id for line in self._lines}:
            table.move_cursor(row=table.get_row_index(selected))

    def on_resize(self, event: events.Resize) -> None:
        """Columns fitted anew: fitted once to the width at start, a terminal narrowed from 80
        to 60 columns hid the Due and Total counts off the right edge, and one widened kept the
        names cut."""
        if self._lines and event.size.width != self._room:
            self._fill(self.selected_deck(), event.size.width)

    def selected_deck(self) -> str | None:
        table = self.query_one("#decks", DataTable)
        if not self._lines or table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return None if row_key.value is None else str(row_key.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("study_selected", "study_all", "browse", "practice", "options",
                      "custom_study") and not self._lines:
            return None  # shown dimmed until the decks are loaded
        return True

    @on(DataTable.RowSelected, "#decks")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study_selected()

    def action_study_selected(self) -> None:
        deck = self.selected_deck()
        if deck is not None:
            self.post_message(StudyRequested(deck))

    def action_study_all(self) -> None:
        if self._lines:
            self.post_message(StudyRequested(None))

    def action_practice(self) -> None:
        from flashdl.services.practice import PracticeOptions

        deck = self.selected_deck()
        if deck is not None:
            self.post_message(PracticeRequested(PracticeOptions(deck=deck)))

    def action_custom_study(self) -> None:
        if self._lines:
            self.post_message(CustomStudyRequested(self.selected_deck()))

    def action_browse(self) -> None:
        self.post_message(BrowseRequested())

    def action_stats(self) -> None:
        self.post_message(StatsRequested(self.selected_deck()))

    def action_options(self) -> None:
        deck = self.selected_deck()
        if deck is not None:
            self.post_message(OptionsRequested(deck))

    def action_default_options(self) -> None:
        self.post_message(OptionsRequested(None))

    def action_new_card(self) -> None:
        if self._lines:
            self.post_message(CardEditRequested(None, deck=self.selected_deck(),
                                                on_saved=lambda card: self.notify(f"Added {card}.")))

    def action_refresh(self) -> None:
        self.load()

    def action_cursor_down(self) -> None:
        self.query_one("#decks", DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#decks", DataTable).action_cursor_up()


class DeckTable(DataTable[Any]):
    """The deck table; its ``enter`` is shown in the footer as Study."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Study", tooltip="Study the selected deck"),
    ]


def _add_columns(table: DataTable[Any], lines: list[DeckLine], room: int = 0) -> None:
    """The columns, with widths fixed from the data (no re-measuring race, no jumping).

    Within ``room`` cells (the table's width, when known) a long deck name is cut rather than
    the counts: at 80 columns every figure stays whole.
    """
    low, high = DECK_NAME_WIDTH
    widths = {label: max(len(label), 5) for label, _ in COLUMNS[1:-1]}
    widths["Today"] = max([len("Today"), *(len(line.today) for line in lines)])
    others = sum(widths.values()) + 2 * table.cell_padding * len(COLUMNS) + 2  # + the scrollbar
    widest = min(high, room - others) if room else high
    widths["Deck"] = max(low, min(widest, max((len(line.name) for line in lines), default=low)))
    for label, key in COLUMNS:
        # Text, not str: DataTable reads a str label as markup, and the first markup read
        # imports Rich's emoji table (~3 ms before the first frame).
        heading = Text(label) if key in ("deck", "today") else Text(label, justify="right")
        table.add_column(heading, key=key, width=widths[label])


def _name(name: str) -> Text:
    """A deck's name as written (a str cell is read as Rich markup: "Quiz [week 3]" lost its
    "[week 3]" and "Notes [/] misc" crashed the app), cut with "…" where the column is narrower."""
    return Text(name, no_wrap=True, overflow="ellipsis")


def _count(value: int) -> Text:
    return Text(str(value), justify="right")


def _warm_up_study() -> None:
    """Import the study screen and build its Markdown and LaTeX renderers, once the counts
    are shown and off the UI thread: on first use they cost ~150 ms, which otherwise held
    back the first card of the first session."""
    import flashdl.tui.screens.study  # noqa: F401
    from flashdl.tui.widgets.card_face import warm_up_rendering

    warm_up_rendering()
