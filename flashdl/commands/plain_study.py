"""``flashdl study [DECK] --plain``: a study session in line mode.

Terminals expose no structure to screen readers and Textual draws a whole
screen, so this mode prints each card as lines of text and reads each answer
as a line from stdin: no colour, no cursor, nothing redrawn, and it works on
a braille display, in ``TERM=dumb`` and through a pipe. It runs the same
study session service as the terminal UI, so the queue, same-day repeats,
undo, suspend and bury mean the same, every grade is committed before the
next card is printed, and computed cards are checked by the engine with the
worked solution shown. End of input ends the session like ``q``.
"""

from __future__ import annotations

from pathlib import Path

import argparse
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TextIO

from flashdl.commands.context import Context

if TYPE_CHECKING:
    from flashdl.services.views import QueueCounts
    from flashdl.presentation.answer_view import Feedback
    from flashdl.presentation.view_models import SessionTally
    from flashdl.services.exercises import ComputedExercise
    from flashdl.services.study import StudySession
    from flashdl.services.views import ComputedAnswer, StudyCard

_KEYS = frozenset("qusb?")
HELP = ("keys: enter = show the answer / next, 0-5 = grade, u = undo the last grade, suspend or bury, "
        "s = suspend, b = bury until tomorrow, q = end the session, ? = this help")


def study(args: argparse.Namespace, ctx: Context) -> int:
    """``flashdl study --plain`` (``flashdl.cli.study`` sends the other case to the terminal UI)."""
    import sys

    from flashdl.services.deck_sync import ensure_bundled_decks
    from flashdl.services.exercises import random_seeds
    from flashdl.services.study import StudySession

    deck = getattr(args, "deck", None)
    custom = getattr(args, "custom", None)
    with ctx.open_store(session=True) as store:
        ensure_bundled_decks(store, ctx.now())
        session = StudySession(store, ctx.now(), deck, custom)
        from flashdl.formats.anki_media import media_dir_for

        lines = PlainSession(session, sys.stdin, ctx.stdout, clock=ctx.now, seeds=random_seeds(),
                             media_dir=media_dir_for(ctx.db_path))
        if custom is not None:
            from flashdl.presentation.custom_study import session_heading

            lines.say_line(session_heading(custom, session.counts()))
        tally = lines.run()
        from flashdl.services.browse import due_tomorrow

        lines.print_summary(tally, due_tomorrow(store, ctx.now(), deck), left=session.counts())
    return 0


def _side(card: StudyCard, side: str, media_dir: Path | None = None) -> str:
    """A side of a ``StudyCard`` as the study screen shows it (the one renderer of both)."""
    from flashdl.presentation.card_text import render_side

    text = card.front if side == "front" else card.back
    return render_side(text, markup=card.markup, errata=card.errata, side=side, media_dir=media_dir,
                       rendered=False).text  # printed as it is: no escapes for a Markdown renderer


class Quit(Exception):
    """``q`` or the end of input: stop after what was graded."""


MAX_LINE_CHARS = 1 << 20  # far above any answer (the engine reads at most 20,000 characters)


def ask(stdin: TextIO, stdout: TextIO, prompt: str) -> str:
    """Print ``prompt``, read one line (stripped); ``Quit`` at the end of input.

    The line is bounded: from ``< /dev/zero`` (no newline, ever) an unbounded read filled the
    memory until a MemoryError traceback. What was graded before stays graded."""
    stdout.write(prompt)
    stdout.flush()
    line = stdin.readline(MAX_LINE_CHARS + 1)
    if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
        from flashdl.errors import InputError, SourcePosition

        raise InputError(f"a line longer than {MAX_LINE_CHARS:,} characters; answers are one short "
                         "line each", SourcePosition("<stdin>"))
    if not line:
        say(stdout, "")
        raise Quit
    return line.strip()


def say(stdout: TextIO, text: str) -> None:
    stdout.write(text + "\n")
    stdout.flush()


def say_verdict(stdout: TextIO, shown: Feedback) -> None:
    """A checked typed answer: the verdict, why it is wrong, expected vs given, the worked solution."""
    from flashdl.presentation.card_text import engine_text

    say(stdout, shown.headline)
    if not shown.correct and shown.feedback:
        say(stdout, shown.feedback)
    say(stdout, f"expected:\n{shown.expected}\nyour answer:\n{shown.given}")
    say(stdout, f"--- worked solution\n{engine_text(shown.solution)}")


@dataclass
class PlainSession:
    """The session loop over a text input and output (tests drive it with strings)."""

    session: StudySession
    stdin: TextIO
    stdout: TextIO
    clock: Callable[[], datetime]
    seeds: Iterator[int]
    timer: Callable[[], float] = time.monotonic
    media_dir: Path | None = None  # where the cards' pictures are (checked for "[image missing: ...]")
    tally: SessionTally = field(init=False)
    # the exercise of the card on screen, of the last grade, and the one an undo of that grade puts
    # back: "u = undo (try again)" shows the same numbers, as the terminal UI does
    _exercise: ComputedExercise | None = field(init=False, default=None)
    _last_exercise: ComputedExercise | None = field(init=False, default=None)
    _again: ComputedExercise | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        from flashdl.presentation.view_models import SessionTally

        self.tally = SessionTally()

    def run(self) -> SessionTally:
        try:
            while (card := self.session.next_card(self.clock())) is not None:  # a new day: its queue
                self._study(card)
        except Quit:
            pass
        return self.tally

    # ----------------------------------------------------------------- one card

    def _study(self, card: StudyCard) -> None:
        from flashdl.presentation.view_models import DEFAULT_GRADE, progress_text
        from flashdl.scheduler.sm2 import Grade
        from flashdl.services.exercises import exercise_for

        again, self._again = self._again, None
        exercise = again if again is not None and again.card_id == card.id else exercise_for(
            card, lambda: next(self.seeds))
        self._exercise = exercise
        self._say("")
        self._say(f"--- {progress_text(self.tally.count, self.session.counts())}")
        self._say(f"{card.card} ({card.kind.value})")
        self._say(_side(card, "front", self.media_dir))
        shown_at = self.timer()
        if exercise is not None:
            self._computed(card, exercise, shown_at)
            return
        while True:
            reply = self._ask("[enter] show the answer (? for keys): ")
            if reply == "":
                break
            if reply.strip().isdigit():  # a grade typed before the answer was seen: said so, not graded
                self._say(f"grade after the answer: enter shows it, then {reply.strip()} grades")
                continue
            if not self._card_command(reply, card):
                return
        self._say("--- answer")
        self._say(_side(card, "back", self.media_dir))
        self._grade(card, shown_at, tuple(Grade), default=DEFAULT_GRADE)

    def _computed(self, card: StudyCard, exercise: ComputedExercise, shown_at: float) -> None:
        from flashdl.presentation.answer_view import answer_hint, computed_feedback
        from flashdl.presentation.card_text import engine_text
        from flashdl.presentation.view_models import (
            COMPUTED_DEFAULT_GRADE,
            COMPUTED_RIGHT_GRADES,
            COMPUTED_WRONG_GRADE,
        )

        self._say(f"--- exercise ({exercise.family}"
                  + (", new numbers each review)" if exercise.varies else ")"))
        self._say(engine_text(exercise.prompt))
        while True:
            typed = self._ask(f"your answer ({answer_hint(exercise.answer)}; empty = give up, ? = keys): ")
            if typed.lower() not in _KEYS:
                break
            if not self._card_command(typed, card):  # a key, not an answer: no answer is one letter
                return
        verdict = exercise.check(typed)
        shown = computed_feedback(verdict, answer=exercise.answer, solution=exercise.solution,
                                  typed=typed, labels=exercise.part_labels)
        say_verdict(self.stdout, shown)
        self._say("--- answer")
        self._say(_side(card, "back", self.media_dir))
        answer = exercise.logged_answer(typed, verdict)
        if shown.correct:
            self._grade(card, shown_at, COMPUTED_RIGHT_GRADES, default=COMPUTED_DEFAULT_GRADE,
                        answer=answer)
            return
        self._record(card, COMPUTED_WRONG_GRADE, shown_at, answer)
        while True:
            # s and b act on the card just failed, as in the terminal UI (help listed them here,
            # and they were refused)
            reply = self._ask("[enter] next card, u = undo (try again), s = suspend, b = bury, ? = keys: ")
            if reply == "" or not self._card_command(reply, card):
                return

    def _grade(self, card: StudyCard, shown_at: float, grades: Sequence[int], *, default: int,
               answer: ComputedAnswer | None = None) -> None:
        from flashdl.errors import FlashdlError
        from flashdl.presentation.view_models import grade_line, interval_preview

        self._say(grade_line(grades, default=default))
        try:
            today, previews = self.session.preview(card.id, self.clock())
            self._say(f"next due: {interval_preview(previews, today, grades)}")
        except FlashdlError:
            pass  # the grade itself will say what is wrong
        while True:
            reply = self._ask(f"grade [{default}] (? for keys): ")
            if reply == "":
                reply = str(default)
            if reply.isdigit() and int(reply) in grades:
                self._record(card, int(reply), shown_at, answer)
                return
            if reply.isdigit():
                self._say(f"grade one of {', '.join(str(g) for g in grades)}")
                continue
            if not self._card_command(reply, card):
                return

    def _record(self, card: StudyCard, grade: int, shown_at: float, answer: ComputedAnswer | None) -> None:
        from flashdl.errors import FlashdlError
        from flashdl.presentation.card_rows import relative_day

        duration_ms = int(max(0.0, self.timer() - shown_at) * 1000)
        try:
            result = self.session.answer(card.id, grade, self.clock(), duration_ms=duration_ms,
                                         answer=answer, expected_revision=card.revision)
        except FlashdlError as error:
            self._say(f"not recorded: {error}")
            self.session.refresh(self.clock())
            return
        self.tally.record(card.id, grade, duration_ms, None if answer is None else answer.correct)
        self._last_exercise = self._exercise
        if not result.rescheduled:  # cram
            when = ("again in this session (cram: schedule unchanged)" if result.repeat_today
                    else f"schedule unchanged (cram): due {relative_day(result.due, result.study_day)}")
        else:
            when = ("again in this session" if result.repeat_today
                    else f"next due {relative_day(result.due, result.study_day)}")  # by the deck's scheduler
        self._say(f"recorded grade {grade}: {when}")
        if result.leech:
            from flashdl.presentation.view_models import leech_message

            self._say(leech_message(result.card, suspended=result.leech_suspended))

    # ----------------------------------------------------------------- commands

    def _card_command(self, reply: str, card: StudyCard | None) -> bool:
        """Run ``u``/``s``/``b``/``q``/``?``; True to stay on the card."""
        command = reply.lower()
        if command == "q":
            raise Quit
        if command == "?":
            self._say(HELP)
            return True
        if command == "u":
            from flashdl.services.reviews import UndoBlockedError

            try:
                undone = self.session.undo()
            except UndoBlockedError as blocked:
                self._say(f"{blocked} (u again: the session's earlier actions)")
                return True
            if undone is None:
                self._say("nothing to undo in this session")
                return True
            from flashdl.services.views import FlagUndo

            if isinstance(undone, FlagUndo):
                again = "; it comes again" if undone.requeued else ""
                self._say(f"undone: the {undone.action} of {undone.card}{again}")
                return False
            self.tally.unrecord()
            self._again, self._last_exercise = self._last_exercise, None
            self._say(f"undone: {undone.card} comes again")
            return False
        if command in ("s", "b") and card is not None:
            if command == "s":
                self.session.suspend(card.id)
                self._say(f"suspended {card.card} (unsuspend it in the browser of the UI)")
            else:
                until = self.session.bury(card.id, self.clock())
                self._say(f"buried {card.card} until {until.isoformat()}")
            return False
        self._say(f"unknown key {reply!r}; {HELP}")
        return True

    # ----------------------------------------------------------------- text i/o

    def _ask(self, prompt: str) -> str:
        return ask(self.stdin, self.stdout, prompt)

    def _say(self, text: str) -> None:
        say(self.stdout, text)

    def say_line(self, text: str) -> None:
        say(self.stdout, text)

    def print_summary(self, tally: SessionTally, due_tomorrow: int | None,
                      left: QueueCounts | None = None) -> None:
        from flashdl.presentation.view_models import session_summary, summary_heading

        self._say("")
        self._say("--- session summary" if tally.count else "--- nothing graded in this session")
        if left is not None:
            self._say(summary_heading(tally, left))
        for label, value in session_summary(tally, due_tomorrow=due_tomorrow).lines:
            self._say(f"{label}: {value}")
