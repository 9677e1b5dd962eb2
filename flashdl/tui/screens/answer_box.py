"""The base of the screens where a computed card's answer is typed (study, practice)."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.widgets import Input

from flashdl.tui.screens import FlashdlScreen
from flashdl.tui.widgets.grade_bar import GradeBar


class AnswerBoxScreen(FlashdlScreen):
    """Keeps the key hints true to where the focus is while an answer is awaited: in the box
    (enter checks) or out of it after esc (enter goes back to it)."""

    EMPTY_ANSWER: ClassVar[str] = "give up"   # what an empty answer means on the screen

    def awaiting_answer(self) -> bool:
        """Whether the screen is waiting for a typed answer (its TYPING step)."""
        raise NotImplementedError

    def _answer_box_focused(self) -> bool:
        return self.focused is self.query_one("#answer", Input)

    def _typing_hint(self) -> None:
        self.query_one(GradeBar).show_answer_keys(in_box=self._answer_box_focused(), empty=self.EMPTY_ANSWER)

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        if self.awaiting_answer():
            self._typing_hint()

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        if self.awaiting_answer():
            self._typing_hint()
