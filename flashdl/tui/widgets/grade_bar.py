"""The line under a card that says which keys do what now (grades with their meanings)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Static

from flashdl.presentation.view_models import GRADE_MEANINGS
from flashdl.scheduler.sm2 import Grade


class GradeBar(Static):
    """Keys and their meanings; keys are bold *and* written out, never colour alone."""

    DEFAULT_CSS = """
    GradeBar {
        width: 1fr;
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    """

    def show_hint(self, *pairs: tuple[str, str]) -> None:
        """``show_hint(("space", "show the answer"), ...)``."""
        self.update(_keys_text(pairs))

    def show_answer_keys(self, *, in_box: bool, empty: str) -> None:
        """While a typed answer is awaited: in the box, or out of it after esc, where enter goes
        back to it (a hint of `enter check` there would name a dead key). ``empty``: what an
        empty answer means on this screen."""
        if in_box:
            self.show_hint(("enter", "check"), ("empty enter", empty), ("pgdn", "scroll"), ("esc", "leave the box"))
        else:
            self.show_hint(("enter", "back to the answer box"), ("j/k", "scroll"), ("esc", "end"))

    def show_grades(self, grades: Iterable[int] = tuple(Grade), *, default: int | None = None,
                    preview: str = "") -> None:
        """The grade keys; ``preview`` (``0–2 again today · 3 1d …``) on a line of its own."""
        pairs = [
            (str(grade), GRADE_MEANINGS[Grade(grade)] + (" (enter)" if grade == default else ""))
            for grade in grades
        ]
        text = Text("Grade: ")
        text.append_text(_keys_text(pairs))
        if preview:
            text.append("\nNext due: ", style="bold")
            text.append(preview)
        self.update(text)


def _keys_text(pairs: Iterable[tuple[str, str]]) -> Text:
    text = Text()
    for index, (key, meaning) in enumerate(pairs):
        if index:
            text.append(" · ")
        text.append(key, style="bold reverse")
        text.append(f" {meaning}")
    return text
