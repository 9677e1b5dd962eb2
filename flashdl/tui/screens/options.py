"""A deck's options: daily limits, new-card order, leeches, and the scheduler (SM-2 or FSRS).

The same service as ``flashdl deck options`` (``services.deck_options``): saving is one
transaction, which also moves the deck's cards to the chosen scheduler. A bad value is shown
on the screen and nothing is saved. ``ctrl+o`` tunes FSRS on the deck's reviews in a worker
thread (``scheduler optimize``: the UI stays live) and stores the weights; too few reviews is
said on the screen. Opened with ``deck`` None, the screen edits the collection's defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import get_current_worker

from flashdl.errors import FlashdlError
from flashdl.tui.messages import HomeRequested
from flashdl.tui.screens import FlashdlScreen
from flashdl.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from flashdl.scheduler.deck_options import DeckOptions
    from flashdl.scheduler.fsrs_tuning import TuningResult

CHOICES = {
    "new_order": (("file order", "file"), ("random", "random")),
    "leech_action": (("suspend", "suspend"), ("tag only", "tag")),
    "scheduler": (("SM-2", "sm2"), ("FSRS", "fsrs")),
}
NUMBERS = (  # (option, label, placeholder)
    ("new_per_day", "New cards per day", "20"),
    ("reviews_per_day", "Reviews per day", "no limit"),
    ("leech_threshold", "Leech threshold (lapses)", "8"),
    ("desired_retention", "Desired retention (FSRS)", "0.90"),
)
LABELS = {"new_order": "New-card order", "leech_action": "Leech action", "scheduler": "Scheduler"}
ROLLOVER_LABEL = "Next day starts at (hour)"  # the collection's: on the defaults' screen only


class OptionsScreen(FlashdlScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="save_options", tooltip="Save the options"),
        Binding("ctrl+o", "optimize", "Optimise FSRS", id="optimize_fsrs",
                tooltip="Tune the FSRS parameters on this deck's reviews and store them"),
        Binding("escape", "back", "Back", id="back_options", tooltip="Back without saving"),
    ]

    DEFAULT_CSS = """
    OptionsScreen #options-grid { grid-size: 2; grid-columns: 28 24; grid-rows: 1; grid-gutter: 1 0;
                                  height: auto; }
    OptionsScreen #options-box { padding: 1 2; }
    OptionsScreen #options-save { margin: 1 0 0 0; }
    OptionsScreen #options-fsrs { margin: 1 0 0 0; }
    """

    def __init__(self, deck: str | None) -> None:
        super().__init__()
        self.deck = deck  # None: the collection's defaults
        self.options: DeckOptions | None = None
        self.rollover_hour: int | None = None  # the defaults' screen: the hour a study day starts

    def compose(self) -> ComposeResult:
        yield Static(f"flashdl · options of {self.deck}" if self.deck is not None else
                     "flashdl · default options (decks without their own value)", classes="title")
        yield Static("ctrl+s: save · ctrl+o: optimise FSRS · escape: back", id="options-status",
                     classes="status")
        with VerticalScroll(id="options-box"):
            with Grid(id="options-grid"):
                for name, label, placeholder in NUMBERS:
                    yield Label(label)
                    yield Input(placeholder=placeholder, id=f"opt-{name}", compact=True)
                for name, choices in CHOICES.items():
                    yield Label(LABELS[name])
                    yield Select(choices, allow_blank=False, id=f"opt-{name}", compact=True)
                if self.deck is None:
                    yield Label(ROLLOVER_LABEL)
                    yield Input(placeholder="4", id="opt-rollover_hour", compact=True)
            yield Static(id="options-fsrs")
            yield Button("Save", id="options-save", variant="primary", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        try:
            if self.deck is None:
                self.options, self.rollover_hour = self.collection.collection_defaults()
                self.query_one("#opt-rollover_hour", Input).value = str(self.rollover_hour)
            else:
                self.options = self.collection.deck_options(self.deck)
        except FlashdlError as error:
            self._status(f"Cannot read the options: {error}")
            return
        for name, _label, _placeholder in NUMBERS:
            value = getattr(self.options, name)
            self.query_one(f"#opt-{name}", Input).value = "" if value is None else str(value)
        for name in CHOICES:
            self.query_one(f"#opt-{name}", Select).value = getattr(self.options, name)
        self._show_parameters()
        # The first field has the focus: the scroll box took it, so a number typed at once went
        # nowhere (custom study's form does the same).
        self.query_one(f"#opt-{NUMBERS[0][0]}", Input).focus()

    def _show_parameters(self, note: str = "") -> None:
        assert self.options is not None
        weights = self.options.fsrs_parameters
        text = "FSRS parameters: " + ("defaults" if weights is None else ", ".join(f"{w:g}" for w in weights))
        self.query_one("#options-fsrs", Static).update(text + (f"\n{note}" if note else ""))

    def _status(self, text: str) -> None:
        self.query_one("#options-status", Static).update(Text(text))  # errors quote what was typed

    def _changes(self) -> dict[str, Any]:
        """The fields the user changed, parsed; ``ValueError`` naming a field that is not a number
        (a whole number, for the counts)."""
        assert self.options is not None
        changes: dict[str, Any] = {}
        for name, label, _placeholder in NUMBERS:
            text = self.query_one(f"#opt-{name}", Input).value.strip()
            if name == "reviews_per_day" and text == "":
                value: Any = None
            else:
                kind = "a number" if name == "desired_retention" else "a whole number"
                try:
                    value = float(text) if name == "desired_retention" else int(text)
                except ValueError:  # "0.95" for a count is a number, but not a whole one
                    raise ValueError(f"{label}: {text!r} is not {kind}") from None
            if value != getattr(self.options, name):
                changes[name] = value
        for name in CHOICES:
            value = self.query_one(f"#opt-{name}", Select).value
            if value != getattr(self.options, name):
                changes[name] = value
        return changes

    def _rollover_change(self) -> int | None:
        """The hour typed on the defaults' screen, if changed; ``ValueError`` for one not 0..23."""
        if self.deck is not None:
            return None
        text = self.query_one("#opt-rollover_hour", Input).value.strip()
        try:
            hour = int(text)
        except ValueError:
            raise ValueError(f"{ROLLOVER_LABEL}: {text!r} is not a whole number") from None
        if not 0 <= hour <= 23:
            raise ValueError(f"{ROLLOVER_LABEL}: {hour} is not an hour 0..23")
        return None if hour == self.rollover_hour else hour

    @on(Button.Pressed, "#options-save")
    def _save_pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self.options is None:
            return
        try:
            changes = self._changes()
            hour = self._rollover_change()
            if not changes and hour is None:
                self._status("Nothing changed.")
                return
            if self.deck is None:
                self.options, self.rollover_hour = self.collection.collection_defaults(changes, rollover_hour=hour)
            else:
                self.options = self.collection.set_deck_options(self.deck, **changes)
        except (ValueError, FlashdlError) as error:
            self._status(f"Not saved: {error}")
            return
        saved = sorted(changes) + ([] if hour is None else ["rollover_hour"])
        self._status(f"Saved: {', '.join(saved)}.")
        self.notify("Default options saved" if self.deck is None else f"Options of {self.deck} saved")

    def action_optimize(self) -> None:
        if self.options is None:
            return
        self._status("Optimising FSRS on the reviews…")
        self.optimize()

    @work(thread=True, exclusive=True, group="optimize")
    def optimize(self) -> None:
        try:
            result = self.collection.optimize_fsrs(self.deck)
        except FlashdlError as error:
            self.app.call_from_thread(self._status, f"Not optimised: {error}")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._optimized, result)

    def _optimized(self, result: TuningResult) -> None:
        try:
            self.options = self.collection.deck_options(self.deck)  # (the hour is left as typed)
        except FlashdlError as error:
            self._status(f"Cannot read the options: {error}")
            return
        loss = f"log loss {result.log_loss_before:.4f} → {result.log_loss_after:.4f}"
        self._status(f"Optimised on {result.reviews} reviews: {loss}; parameters stored.")
        self._show_parameters(f"{loss} (default → tuned)")

    def action_back(self) -> None:
        self.post_message(HomeRequested())
