"""``flashdl practice [DECK] --plain``: a practice run in line mode (``flashdl study --plain``'s twin).

Each exercise is printed as text and each answer read as a line from stdin
(the pieces of ``plain_study``: ``ask``, ``say``, ``say_verdict``). Every
answer is committed before the next exercise is printed, outside the
schedule (``flashdl.services.practice``). An empty line is "I don't know"
(the solution is shown, counted wrong); ``q`` or the end of input ends the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from flashdl.commands.context import Context
from flashdl.commands.plain_study import Quit, ask, say, say_verdict

if TYPE_CHECKING:
    from flashdl.services.practice import PracticeOptions, PracticeRun


PRACTICE_HELP = ("type the answer and press enter (numbers as 0.75, 3/4, 75% or sqrt(2/3); shapes as 4x4; "
                 "matrices as 1 2; 3 4); an empty line shows the worked solution and counts as wrong; "
                 "q stops; nothing you do here moves a card's schedule")


def practice(options: PracticeOptions, ctx: Context) -> int:
    """``flashdl practice --plain`` (``flashdl.cli.practice`` sends the other case to the terminal UI)."""
    import sys

    from flashdl.errors import UsageError
    from flashdl.presentation.practice_view import nothing_to_practise
    from flashdl.services.deck_sync import ensure_bundled_decks
    from flashdl.services.exercises import random_seeds
    from flashdl.services.practice import PracticeRun

    seeds = random_seeds()
    with ctx.open_store() as store:
        ensure_bundled_decks(store, ctx.now())
        run = PracticeRun(store, options, lambda: next(seeds))
        if not run.total:
            raise UsageError(nothing_to_practise(options.describe()))
        run_in_lines(run, sys.stdin, ctx.stdout, clock=ctx.now)
    return 0


def run_in_lines(run: PracticeRun, stdin: TextIO, stdout: TextIO, *, clock: Callable[[], datetime],
                 timer: Callable[[], float] = time.monotonic) -> None:
    """The run's exercises, one answer line each, then the score."""
    from flashdl.presentation.answer_view import answer_hint
    from flashdl.presentation.card_rows import plural
    from flashdl.presentation.card_text import engine_text
    from flashdl.presentation.practice_view import item_heading, practice_feedback, run_score

    say(stdout, f"practice: {run.options.describe()}, {plural(run.total, 'exercise')}, outside the schedule")
    try:
        while (item := run.next_item()) is not None:
            say(stdout, "")
            say(stdout, f"--- {item_heading(item, run.total)}")
            say(stdout, engine_text(item.exercise.prompt))
            shown_at = timer()
            prompt = (f"your answer ({answer_hint(item.exercise.answer)}; "
                      "empty = I don't know, q = stop, ? = help): ")
            typed = ask(stdin, stdout, prompt)
            while typed == "?":  # no answer is a lone question mark: help, nothing recorded
                say(stdout, PRACTICE_HELP)
                typed = ask(stdin, stdout, prompt)
            if typed.lower() == "q":  # no answer is the one letter q
                break
            verdict = item.exercise.check(typed)
            duration_ms = int(max(0.0, timer() - shown_at) * 1000)
            run.record(item, typed, verdict, clock(), duration_ms=duration_ms)
            say_verdict(stdout, practice_feedback(verdict, item, typed))
            say(stdout, f"(recorded; {run_score(run)} so far)")
    except Quit:
        pass
    say(stdout, "")
    say(stdout, f"--- practice done: {run_score(run)}" if run.answered else "--- nothing answered")
