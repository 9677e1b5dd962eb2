"""The two small dialogs of Anki's browser actions: Forget (``F``) and Set due date (``D``).

Each only asks; the screen that opened it applies the answer through the collection
(``flashdl.services.manual_schedule``) and shows the change.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from flashdl.scheduler.due_spec import DueSpec, parse_due_spec

DUE_HINT = "days from today: 0 today, 3, 1-7 (drawn per card), 7! (interval 7 too)"


class ForgetScreen(ModalScreen[bool]):
    """Ask before a card starts over: ``enter``/``y`` forgets, ``escape``/``n`` keeps it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "answer(True)", "Forget"),
        Binding("escape,n", "answer(False)", "Cancel"),
    ]

    def __init__(self, card: str) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        with Vertical(id="reschedule-box"):
            yield Static(f"Forget {self.card}?", id="reschedule-title")
            yield Static("It becomes a new card again (repetitions 0, ease 2.50, no due day), in its "
                         "place among its deck's new cards; its history and lapses stay.\n"
                         "enter/y forgets · esc/n cancels", classes="status")

    def action_answer(self, forget: bool) -> None:
        self.dismiss(forget)


class DueDateScreen(ModalScreen[DueSpec | None]):
    """Type when the card is due (Anki's Set due date); enter sets it, escape leaves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, card: str) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        with Vertical(id="reschedule-box"):
            yield Static(f"Set due date of {self.card} · enter sets · esc cancels", id="reschedule-title")
            yield Input(placeholder=DUE_HINT, id="due-input")
            yield Static(DUE_HINT, id="due-status", classes="status")

    def on_mount(self) -> None:
        self.query_one("#due-input", Input).focus()

    @on(Input.Submitted, "#due-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            spec = parse_due_spec(event.value)
        except ValueError as error:
            self.query_one("#due-status", Static).update(Text(str(error), style="bold red"))
            return
        self.dismiss(spec)

    def action_cancel(self) -> None:
        self.dismiss(None)
