"""Browse: search cards (DESIGN §3 search terms); open one for its details.

The whole collection is browsable: rows come a page at a time, the next page
loading as the cursor nears the end, so the first rows appear fast.

Typing searches after a short pause, in a worker thread (the service's
search over a 100,000-card collection must not hold up a keypress); only the
latest search's results are shown.

``n`` adds a card, ``e`` edits the highlighted one and ``T`` its tags
(``screens/edit.py``), ``E`` opens its deck file in ``$EDITOR``; after a save
the rows are searched again and the cursor stays on the edited card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from flashdl.errors import FlashdlError
from flashdl.presentation.latex_text import plain_text
from flashdl.presentation.view_models import (
    SearchSyntaxError,
    card_flags,
    matches_tags,
    parse_search,
    plural,
)
from flashdl.tui.collection import SEARCH_LIMIT
from flashdl.tui.messages import CardEditRequested, CardRequested, TagsRequested
from flashdl.tui.screens import FlashdlScreen
from flashdl.tui.widgets.card_images import media_dir_of
from flashdl.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from flashdl.scheduler.due_spec import DueSpec
    from flashdl.services.manual_schedule import ManualResult
    from pathlib import Path

    from flashdl.services.views import SearchHit

SEARCH_HINT = "words · deck:ID · tag:NAME · is:due/new/suspended/leech · prop:ease<2"
SORT_ORDERS = ("deck", "due", "interval", "ease", "lapses", "reviews")  # `o` steps through them
SEARCH_DELAY = 0.15  # seconds of no typing before searching
FRONT_WIDTH = 200  # characters kept of a front in the table (the column clips to the screen)
# Below WIDE_SCREEN columns a card id is cut to a quarter of the width (the preview shows it whole):
# one 41-character id made the Card column so wide that 80 columns left the Front 9 characters.
WIDE_SCREEN = 120


def card_width(screen_width: int) -> int | None:
    """The Card column's cap at this screen width (None: ids whole)."""
    return None if screen_width >= WIDE_SCREEN else max(12, screen_width // 4)


def shortened(card: str, width: int | None) -> str:
    """``card`` within ``width`` cells. The deck's name is cut first (``dl-exe…/conv2d-forward``):
    the card's own id is what tells the rows of a deck apart, and cutting its middle made
    conv2d-forward and true-conv2d-forward one `dl-exe…onv2d-forward`. An own id too long even
    alone keeps its start and its end (``…/conv-tra…output-size``)."""
    if width is None or len(card) <= width:
        return card
    deck, slash, own = card.rpartition("/")
    if len(own) + 2 <= width:
        return f"{deck[:width - len(own) - 2]}…{slash}{own}" if slash else f"{card[:width - 1]}…"
    room = width - 3 if slash else width - 1   # "…/" before, "…" inside
    head = (room + 1) // 2
    return f"{'…/' if slash else ''}{own[:head]}…{own[len(own) - (room - head):]}"


class BrowseScreen(FlashdlScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_card", "Details", id="open_card", tooltip="Scheduling and history"),
        Binding("slash", "focus_search", "Search", key_display="/", id="search"),
        Binding("s", "toggle_suspend", "Suspend/unsuspend", id="toggle_suspend"),
        Binding("l", "toggle_leech", "Leech tag", id="toggle_leech",
                tooltip="Tag the card leech, or take the tag off (a leech you have fixed)"),
        Binding("o", "sort", "Sort", id="sort", tooltip="Sort by deck, due, interval, ease, lapses, reviews"),
        Binding("F", "forget", "Forget", show=False, id="forget",
                tooltip="Make the card new again (Anki's Forget); asks first"),
        Binding("D", "set_due", "Set due date", show=False, id="set_due",
                tooltip="Make the card due in N days (0 today, 1-7 a range, 7! sets the interval too)"),
        Binding("e", "edit_card", "Edit", id="edit_card", tooltip="Edit this card's front, back and tags"),
        Binding("n", "new_card", "New card", show=False, id="new_card",
                tooltip="Add a card (to this card's deck)"),
        Binding("T", "edit_tags", "Tags", show=False, id="edit_tags", tooltip="Add or remove this card's tags"),
        Binding("E", "edit_file", "Edit deck file", show=False, id="edit_file",
                tooltip="Open this card's deck file in $EDITOR"),
        Binding("escape", "escape", "Back", show=False),
        Binding("q", "back", "Back", id="back"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self._initial = query
        self._hits: dict[str, SearchHit] = {}
        self._timer: Timer | None = None
        self._order = SORT_ORDERS[0]
        self._loaded = 0  # rows asked for so far: the next page starts here
        self._more = False  # the last page was full, so more rows may follow
        self._keep: str | None = None  # DECK/CARD the cursor goes back to after the next search
        self._card_width: int | None = None  # the Card column's cap (``card_width``) of the rows shown
        self._media_dir: Path | None = None  # where the cards' pictures are checked

    def compose(self) -> ComposeResult:
        yield Static("flashdl · browse", classes="title")
        yield Input(self._initial, placeholder=SEARCH_HINT, id="search-box", compact=True)
        table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True, id="hits")
        table.add_column("Card", key="card")
        table.add_column("Due", key="due")
        table.add_column("Ivl", key="interval")
        table.add_column("Ease", key="ease")
        table.add_column("Flags", key="flags")
        table.add_column("Front", key="front")
        yield table
        yield Static("", id="preview")
        yield Static("", id="browse-status", classes="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        # The table has the keys: the box takes focus only on `/` or a click, so `q` means back.
        self.query_one("#hits", DataTable).focus()
        self._search(self._initial)

    def on_resize(self) -> None:
        if self._hits and card_width(self.size.width) != self._card_width:  # ids cut anew for the width
            self.on_screen_resume()

    def on_screen_resume(self) -> None:
        if self._hits:
            current = self._current()
            self._keep = self._keep or (current.card if current else None)  # the cursor stays on its card
            self._search_again()

    @on(Input.Changed, "#search-box")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, lambda: self._search(event.value))

    @on(Input.Submitted, "#search-box")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#hits", DataTable).focus()

    def _search_again(self) -> None:
        """The same search anew (a card changed, or the order), as many rows as were loaded: a
        card on the fourth page lost its row, and the cursor went to the first card, where the
        next `s` suspended another card."""
        self._search(self.query_one("#search-box", Input).value, 0, max(SEARCH_LIMIT, self._loaded))

    @work(thread=True, exclusive=True, group="search")
    def _search(self, text: str, offset: int = 0, limit: int = SEARCH_LIMIT) -> None:
        """Search, or with ``offset`` load the next page of the same search onto the table."""
        collection = self.collection
        try:
            query = parse_search(text)
            collection.open()
            hits = collection.search(
                query.text, deck=query.deck, states=query.states, props=query.props,
                limit=limit, offset=offset, order=self._order,
            )
            today = collection.today()  # a bury shows only while in effect
        except FlashdlError as error:
            self.app.call_from_thread(self._status, str(error))
            return
        full_page = len(hits) >= limit
        hits = [hit for hit in hits if matches_tags(hit.tags, query.tags)]
        width = card_width(self.size.width)
        self._media_dir = media_dir_of(self.app)  # pictures checked: "[image missing: NAME]"
        rows = [_row(hit, today, width, self._media_dir) for hit in hits]  # text work here, off the UI thread
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, hits, rows, offset, full_page, width, limit)

    def _status(self, message: str) -> None:
        self.query_one("#browse-status", Static).update(Text(message))  # an error quotes the query: not markup

    def _show(
        self, hits: list[SearchHit], rows: list[tuple[str, ...]], offset: int, full_page: bool,
        width: int | None = None, limit: int = SEARCH_LIMIT,
    ) -> None:
        table = self.query_one("#hits", DataTable)
        if offset == 0:
            table.clear()
            for column in table.columns.values():  # a new search sizes its columns anew (clear keeps widths)
                column.content_width = column.label.cell_len
            self._hits = {}
        self._card_width = width
        for hit, row in zip(hits, rows, strict=True):
            if hit.card not in self._hits:  # rows are keyed by card id (the cell may be cut short)
                table.add_row(*row, key=hit.card)
        self._hits.update((hit.card, hit) for hit in hits)
        self._loaded = offset + limit
        self._more = full_page
        first = 0
        if offset == 0 and self._keep is not None:
            first = next((i for i, hit in enumerate(hits) if hit.card == self._keep), 0)
            self._keep = None
            table.move_cursor(row=first, animate=False)
        shown = plural(table.row_count, "card")
        more = "+ (more load as you scroll)" if full_page else ""
        self._status(f"{shown}{more} by {self._order} · enter: details · /: search · o: sort · q: back")
        if offset == 0:
            self._preview(hits[first] if hits else None)
        self._load_more_if_near_end()  # a short page leaves the cursor near the end already

    def _load_more_if_near_end(self) -> None:
        """Fetch the next page when the cursor comes within a screenful of the last row."""
        table = self.query_one("#hits", DataTable)
        if self._more and table.cursor_row >= table.row_count - max(20, table.size.height):
            self._more = False  # one page at a time
            self._search(self.query_one("#search-box", Input).value, self._loaded)

    @on(DataTable.RowHighlighted, "#hits")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._preview(self._current())
        self._load_more_if_near_end()

    def _preview(self, hit: SearchHit | None) -> None:
        preview = self.query_one("#preview", Static)
        if hit is None:
            preview.update("")
            return
        text = Text()
        if shortened(hit.card, self._card_width) != hit.card:  # the whole id, cut short in the table
            text.append("Card  ", style="bold")
            text.append(hit.card + "\n")
        text.append("Front ", style="bold")
        text.append(plain_text(hit.front, width=300, markup=hit.markup, media_dir=self._media_dir))
        text.append("\nBack  ", style="bold")
        text.append(plain_text(hit.back, width=300, markup=hit.markup, media_dir=self._media_dir))
        if hit.tags:
            text.append("\nTags  ", style="bold")
            text.append(", ".join(hit.tags))
        preview.update(text)

    @on(DataTable.RowSelected, "#hits")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_card()

    def _current(self) -> SearchHit | None:
        table = self.query_one("#hits", DataTable)
        if table.row_count == 0:
            return None
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self._hits.get(str(row_key.value))

    def action_open_card(self) -> None:
        hit = self._current()
        if hit is not None:
            self.post_message(CardRequested(hit.id))

    def action_focus_search(self) -> None:
        self.query_one("#search-box", Input).focus()

    def action_toggle_suspend(self) -> None:
        hit = self._current()
        if hit is None:
            return
        self.collection.set_suspended(hit.id, not hit.suspended)
        self.notify(f"{'Unsuspended' if hit.suspended else 'Suspended'} {hit.card}.")
        self._research(hit)

    def action_edit_card(self) -> None:
        hit = self._current()
        if hit is not None:
            self.post_message(CardEditRequested(hit.id, on_saved=self._edited))

    def action_edit_tags(self) -> None:
        hit = self._current()
        if hit is not None:
            self.post_message(TagsRequested(hit.id, on_saved=self._edited))

    def action_new_card(self) -> None:
        hit = self._current()
        try:
            deck = parse_search(self.query_one("#search-box", Input).value).deck
        except SearchSyntaxError:  # a search still being typed (`is:d`) names no deck; it ended the app
            deck = None
        self.post_message(CardEditRequested(None, deck=deck or (hit.deck if hit else None),
                                            on_saved=self._edited))

    def action_edit_file(self) -> None:
        from flashdl.tui.external_editor import edit_deck

        hit = self._current()
        if hit is not None:
            self._keep = hit.card
            edit_deck(self, self.collection, hit.deck,
                           after=self._search_again)

    def _edited(self, card: str) -> None:
        self.notify(f"Saved {card} to its deck file.")
        self._keep = card
        self._search_again()

    def action_toggle_leech(self) -> None:
        hit = self._current()
        if hit is None:
            return
        self.collection.set_leech(hit.id, not hit.leech)
        self.notify(f"{'Took the leech tag off' if hit.leech else 'Tagged leech:'} {hit.card}.")
        self._research(hit)

    def action_forget(self) -> None:
        from flashdl.tui.screens.reschedule import ForgetScreen

        hit = self._current()
        if hit is None:
            return

        def answered(forget: bool | None) -> None:
            if forget:
                self._apply(hit, lambda: self.collection.forget(hit.id), f"Forgot {hit.card}: new again.")

        self.app.push_screen(ForgetScreen(hit.card), answered)

    def action_set_due(self) -> None:
        from flashdl.tui.screens.reschedule import DueDateScreen

        hit = self._current()
        if hit is None:
            return

        def answered(spec: DueSpec | None) -> None:
            if spec is not None:
                self._apply(hit, lambda: self.collection.set_due(hit.id, spec), None)

        self.app.push_screen(DueDateScreen(hit.card), answered)

    def _apply(self, hit: SearchHit, change: Callable[[], ManualResult], message: str | None) -> None:
        """Forget or set the due date of ``hit``'s card, say so, and show the rows anew."""
        try:
            result = change()
        except FlashdlError as error:
            self.notify(str(error), severity="error")
            return
        if message is None:
            message = f"{hit.card} due {result.due.isoformat() if result.due else 'new'}."
        self.notify(message)
        self._research(hit)

    def _research(self, hit: SearchHit | None) -> None:
        """The same search again (a flag changed, or the order), the cursor staying on ``hit``'s
        card: back on the first row, the next key would act on another card."""
        if hit is not None:
            self._keep = hit.card
        self._search_again()

    def action_sort(self) -> None:
        self._order = SORT_ORDERS[(SORT_ORDERS.index(self._order) + 1) % len(SORT_ORDERS)]
        self._research(self._current())

    def action_escape(self) -> None:
        if self.focused is self.query_one("#search-box", Input):
            self.query_one("#hits", DataTable).focus()
        else:
            self.action_back()

    def action_back(self) -> None:
        self.app.pop_screen()


def _row(hit: SearchHit, today: date, width: int | None = None,
         media_dir: Path | None = None) -> tuple[str, ...]:
    """A search hit as a table row on study day ``today``: card (within ``width``), due,
    interval, ease, flags, the front on one line."""
    due = "new" if hit.due is None else hit.due.isoformat()
    flags = card_flags(suspended=hit.suspended, retired=hit.retired, today=today,
                       buried_until=hit.buried_until, leech=hit.leech, dated=False)  # the day is in the card's details
    interval = "" if hit.due is None else f"{hit.interval}d"
    ease = f"{hit.ease / 1000:.2f}"
    # escaped: the table reads strings as Rich markup, which would swallow "[image: x.png]"
    front = escape(plain_text(hit.front, width=FRONT_WIDTH, markup=hit.markup, media_dir=media_dir))
    return shortened(hit.card, width), due, interval, ease, flags, front
