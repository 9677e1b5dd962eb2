"""What both front ends show of a practice run (``flashdl.services.practice``): pure text, no Textual.

A practice answer records no grade, so its verdict line names none; an
empty answer is "I don't know" (``Verdict.skipped``): the solution is
shown, it counts as wrong, and there is no error message.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from flashdl.presentation.answer_view import Feedback, computed_feedback

if TYPE_CHECKING:
    from flashdl.engine import Verdict
    from flashdl.services.practice import PracticeItem, PracticeRun

SKIPPED_HEADLINE = "– No answer: counted as not known. Here is how it goes."
WRONG_HEADLINE = "✘ Wrong"


def practice_feedback(verdict: Verdict, item: PracticeItem, typed: str) -> Feedback:
    """``computed_feedback`` with the headline of a practice answer (no grade recorded)."""
    exercise = item.exercise
    shown = computed_feedback(verdict, answer=exercise.answer, solution=exercise.solution, typed=typed,
                             labels=exercise.part_labels)
    if verdict.skipped:
        return replace(shown, correct=False, headline=SKIPPED_HEADLINE, feedback="")
    if not shown.correct:
        return replace(shown, headline=WRONG_HEADLINE)
    return shown


def item_heading(item: PracticeItem, total: int) -> str:
    """"3/10 · conv2d_output_size · from quiz-3/082"."""
    return f"{item.number}/{total} · {item.family} · from {item.card}"


def run_score(run: PracticeRun) -> str:
    """"7 of 10 right" (so far, or at the end)."""
    return f"{run.right} of {run.answered} right"


def nothing_to_practise(description: str) -> str:
    return (f"Nothing to practise in {description}: no active computed card (one with an "
            "engine: block) matches.")
