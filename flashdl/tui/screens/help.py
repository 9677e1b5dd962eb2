"""``?``: the keys of the screen underneath, what the grades mean, and where to find more."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from flashdl.presentation.view_models import (
    COMPUTED_RIGHT_GRADES,
    COMPUTED_WRONG_GRADE,
    GRADE_MEANINGS,
)
from flashdl.scheduler.sm2 import REPEAT_BELOW
from flashdl.tui.keys import screen_actions

TIPS = (
    ("ctrl+p opens the command palette: every action of this screen, the theme (dark or light), "
     "and the keys panel."),
    "Every grade is saved the moment you press it; quitting never loses a review.",
    ("Computed cards show fresh numbers each time: type the answer (e.g. 12, 3/4, 1 2; 3 4), "
     f"enter checks it. Wrong counts as grade {COMPUTED_WRONG_GRADE}; right lets you pick "
     f"{COMPUTED_RIGHT_GRADES[0]}–{COMPUTED_RIGHT_GRADES[-1]}."),
    f"Grades below {REPEAT_BELOW} bring the card back later the same day, as SM-2 prescribes.",
    ("p on the home screen practises the selected deck's computed cards, weakest family first: "
     "nothing is graded and no due date moves; an empty answer shows the solution."),
    "NO_COLOR=1 turns colours off; TEXTUAL_ANIMATIONS=none turns animations off.",
)


def screen_keys(screen: Screen[Any]) -> list[tuple[str, str]]:
    """(key, what it does) for each of flashdl's actions on ``screen``."""
    return [
        (action.key, f"{action.description}: {action.tooltip}" if action.tooltip else action.description)
        for action in screen_actions(screen)
        if not action.action.startswith("grade(")  # the grades get their own table
    ]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", key_display="esc"),
    ]

    def __init__(self, underneath: Screen[Any]) -> None:
        super().__init__()
        self._keys = screen_keys(underneath)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static("Help · esc closes", id="help-title")
            yield Static(self._keys_table(), id="help-keys")
            yield Static(self._grades_table(), id="help-grades")
            yield Static(Text("\n".join(f"• {tip}" for tip in TIPS)), id="help-tips")

    def _keys_table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, label in self._keys:
            table.add_row(key, label)
        return table

    @staticmethod
    def _grades_table() -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_row("Grades", "keys 0–5 once the answer shows: how well you recalled it (SM-2)")
        for grade, meaning in GRADE_MEANINGS.items():
            table.add_row(str(grade), meaning)
        return table
