"""The verdict on a typed answer: right or wrong in words, then expected and typed answers aligned.

Side by side when both fit the width, else one above the other. Right,
wrong or not answered is written out (``✔ Right``, ``✘ Wrong``, ``No answer``)
and also marked by the ``right``/``wrong``/``skipped`` class (a coloured edge),
never by colour alone.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from flashdl.presentation.answer_view import Feedback, fits_side_by_side, side_by_side

TITLES = ("Expected", "Your answer")


class AnswerFeedback(Static):
    """A checked answer's ``Feedback`` (``flashdl.presentation.answer_view``)."""

    def show(self, shown: Feedback, width: int) -> None:
        """Show ``shown`` laid out for ``width`` columns."""
        text = Text()
        text.append(shown.headline, style="bold")
        if not shown.correct and not shown.skipped and shown.feedback:
            text.append(f"\n{shown.feedback}")
        if fits_side_by_side(shown.expected, shown.given, width):
            text.append("\n\n" + side_by_side(shown.expected, shown.given, titles=TITLES))
        else:
            text.append(f"\n\n{TITLES[0]}:\n{shown.expected}\n\n{TITLES[1]}:\n{shown.given}")
        self.update(text)
        self.set_class(shown.correct, "right")
        self.set_class(not shown.correct and not shown.skipped, "wrong")
        self.set_class(shown.skipped, "skipped")
