"""Custom study (``c`` on home), as Anki's: review ahead, extra new cards, or a search (+ cram).

The form is read by ``presentation.custom_study.custom_study``, the same function
``flashdl study --search/--ahead/--new/--cram`` goes through; a bad value is shown
on the screen and nothing starts. Starting posts ``StudyRequested`` with the request.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from flashdl.errors import FlashdlError
from flashdl.tui.messages import HomeRequested, StudyRequested
from flashdl.tui.screens import FlashdlScreen
from flashdl.tui.widgets.footer import KeysFooter

KINDS = (  # (radio id, label, input placeholder)
    ("ahead", "Review ahead (days)", "1"),
    ("new", "Extra new cards today", "10"),
    ("search", "Search", "tag:conv is:due prop:ease<2"),
)
HINT = "At most 100 cards a search or review ahead · enter: start · esc: back"


def chosen_text(kind: str, *, cram: bool) -> str:
    """The form's choice in words, for a terminal (or reader) without colours."""
    label = next(label for k, label, _placeholder in KINDS if k == kind)
    if not cram:
        return f"Chosen: {label}"
    return f"Chosen: {label} · cram on" if kind == "search" else f"Chosen: {label} · cram on (applies to a search only)"


class CustomStudyScreen(FlashdlScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start", id="start_custom", tooltip="Start the custom session"),
        Binding("escape", "back", "Back", id="back_custom", tooltip="Back to the decks"),
    ]

    DEFAULT_CSS = """
    CustomStudyScreen #cs-box { padding: 1 2; }
    CustomStudyScreen #cs-grid { grid-size: 2; grid-columns: 26 40; grid-rows: 1; grid-gutter: 1 0;
                                 height: auto; margin: 1 0 0 0; }
    CustomStudyScreen #cs-kind { width: 44; }
    CustomStudyScreen #cs-chosen { margin: 1 0 0 0; }
    CustomStudyScreen #cs-start { margin: 1 0 0 0; }
    """

    def __init__(self, deck: str | None) -> None:
        super().__init__()
        self.deck = deck

    def compose(self) -> ComposeResult:
        scope = self.deck or "all decks"
        yield Static(f"flashdl · custom study of {scope}", classes="title")
        yield Static(HINT, id="cs-status", classes="status")
        with VerticalScroll(id="cs-box"):
            with RadioSet(id="cs-kind", compact=True):
                for index, (kind, label, _placeholder) in enumerate(KINDS):
                    yield RadioButton(label, id=f"cs-kind-{kind}", value=index == 0, compact=True)
            # The radio and check marks differ only in colour: this line says the choice in words.
            yield Static(chosen_text("ahead", cram=False), id="cs-chosen")
            with Grid(id="cs-grid"):
                for kind, label, placeholder in KINDS:
                    yield Label(label)
                    yield Input(placeholder=placeholder, id=f"cs-{kind}", compact=True)
                yield Label("Cram (search only)")
                yield Checkbox("grade without rescheduling", id="cs-cram", compact=True)
            yield Button("Start", id="cs-start", variant="primary", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#cs-ahead", Input).value = "1"
        self.query_one("#cs-new", Input).value = "10"
        # the chosen kind's box has the focus: enter starts at once, as the hint says (on the
        # radio buttons enter only toggled one)
        self.query_one("#cs-ahead", Input).focus()

    def chosen(self) -> str:
        """The kind whose radio button is on."""
        pressed = self.query_one("#cs-kind", RadioSet).pressed_button
        return "ahead" if pressed is None or pressed.id is None else pressed.id.removeprefix("cs-kind-")

    @on(RadioSet.Changed)
    @on(Checkbox.Changed)
    def _choice_changed(self) -> None:
        cram = self.query_one("#cs-cram", Checkbox).value
        self.query_one("#cs-chosen", Static).update(chosen_text(self.chosen(), cram=cram))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """Typing in a kind's box chooses that kind."""
        kind = (event.input.id or "").removeprefix("cs-")
        if any(kind == k for k, _label, _placeholder in KINDS) and event.input.has_focus:
            self.query_one(f"#cs-kind-{kind}", RadioButton).value = True

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a kind's box starts that kind (tabbing to "Extra new cards" and pressing
        enter started the chosen "Review ahead" instead)."""
        kind = (event.input.id or "").removeprefix("cs-")
        if any(kind == k for k, _label, _placeholder in KINDS):
            self.query_one(f"#cs-kind-{kind}", RadioButton).value = True   # the set updates later:
            self._start(kind)                                               # this kind, not chosen()'s
        else:
            self.action_start()

    @on(Button.Pressed, "#cs-start")
    def _start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        self._start(self.chosen())

    def _start(self, kind: str) -> None:
        from flashdl.presentation.custom_study import custom_study

        text = self.query_one(f"#cs-{kind}", Input).value.strip()
        cram = self.query_one("#cs-cram", Checkbox).value
        try:
            custom = custom_study(cram=cram, **{kind: text})
        except FlashdlError as error:
            self.query_one("#cs-status", Static).update(Text(f"Not started: {error}"))  # quotes the search
            return
        self.post_message(StudyRequested(self.deck, custom))

    def action_back(self) -> None:
        self.post_message(HomeRequested())
