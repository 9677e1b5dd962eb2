"""The card under study, in one scrolling column: what kind of card, front, exercise, verdict, worked solution, back.

The study screen decides what happens (the steps, the grades); this widget
only shows a card and scrolls it. Panels that do not apply yet are hidden:
the back until it is revealed, the verdict and the worked solution until a
typed answer is checked, the exercise on a card without an engine block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from flashdl.scheduler.sm2 import REPEAT_BELOW
from flashdl.tui.widgets.answer_feedback import AnswerFeedback
from flashdl.tui.widgets.card_face import CardFace

if TYPE_CHECKING:
    from flashdl.presentation.answer_view import Feedback
    from flashdl.services.exercises import ComputedExercise
    from flashdl.services.views import StudyCard

KIND_LABELS = {"new": "new card", "review": "review", "learning": f"again today (graded below {REPEAT_BELOW})"}
PANEL_TITLES = (("back", "Answer"), ("solution", "Worked solution"), ("exercise", "Exercise"))
HIDDEN_UNTIL_USED = ("back", "feedback", "solution", "exercise")


class StudyCardView(VerticalScroll):
    """One card of a study session (see the module docstring)."""

    def compose(self) -> ComposeResult:
        yield Static("Loading today's cards…", id="card-meta", classes="status")
        yield CardFace(id="front")
        yield CardFace(id="exercise")
        yield AnswerFeedback(id="feedback")
        yield CardFace(id="solution")
        yield CardFace(id="back")

    def on_mount(self) -> None:
        for name, title in PANEL_TITLES:
            self.query_one(f"#{name}").border_title = title
        self._hide_panels()

    def _hide_panels(self) -> None:
        for name in HIDDEN_UNTIL_USED:
            self.query_one(f"#{name}").display = False

    def show_card(self, card: StudyCard, exercise: ComputedExercise | None) -> None:
        """A new card: its front (and exercise), everything else hidden, scrolled to the top."""
        kind = KIND_LABELS.get(str(card.kind.value), str(card.kind.value))
        self.query_one("#card-meta", Static).update(Text(f"{kind} · {card.card}"))
        self.query_one("#front", CardFace).show_side(card.front, markup=card.markup, errata=card.errata,
                                                     side="front")
        self._hide_panels()
        if exercise is not None:
            panel = self.query_one("#exercise", CardFace)
            panel.border_title = (f"Exercise · new numbers each review ({exercise.family})"
                                  if exercise.varies else f"Exercise ({exercise.family})")
            panel.show_plain(exercise.prompt)
            panel.display = True
        if self.scroll_y:  # an immediate scroll, only when needed: no second frame per card
            self.scroll_home(animate=False, immediate=True)

    def show_edited(self, card: StudyCard) -> None:
        """The same card with its text edited: front (and back, if shown) redrawn, the rest kept."""
        self.query_one("#front", CardFace).show_side(card.front, markup=card.markup, errata=card.errata,
                                                     side="front")
        if self.query_one("#back").display:
            self.reveal_back(card)

    def reveal_back(self, card: StudyCard) -> None:
        back = self.query_one("#back", CardFace)
        back.show_side(card.back, markup=card.markup, errata=card.errata, side="back")
        back.display = True

    def show_feedback(self, shown: Feedback) -> None:
        """The verdict on a typed answer and the worked solution, scrolled into view."""
        feedback = self.query_one("#feedback", AnswerFeedback)
        feedback.show(shown, width=max(self.size.width - 4, 20))
        feedback.display = True
        solution = self.query_one("#solution", CardFace)
        solution.show_plain(shown.solution)
        solution.display = True
        self.call_after_refresh(feedback.scroll_visible, top=True, animate=False)

    def show_back_if_hidden(self) -> None:
        """Scroll the answer into view when it lands below the fold (long cards only)."""
        back = self.query_one("#back")
        if back.region.bottom > self.region.bottom and back.region.y >= self.region.bottom - 2:
            back.scroll_visible(animate=False, top=True)

    def scroll_lines(self, lines: int) -> None:
        self.scroll_relative(y=lines, animate=False, immediate=True)

    def scroll_pages(self, pages: int) -> None:
        self.scroll_relative(y=pages * max(self.size.height - 2, 1), animate=False, immediate=True)
