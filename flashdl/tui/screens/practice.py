"""The practice screen: a run of fresh variants of computed cards, outside the SM-2 schedule.

Steps: LOADING → TYPING (the exercise and an answer box; ``enter`` checks,
an empty answer is "I don't know") → ANSWERED (the verdict and the worked
solution; ``enter`` goes on) → … → DONE (the score; ``enter`` or ``q`` goes
home). Each answer is one call of ``PracticeRun.record`` (one committed
transaction), so leaving at any moment loses nothing answered. No grade is
asked and no due date moves (``flashdl.services.practice``).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from flashdl.errors import FlashdlError
from flashdl.tui.messages import Failed, HomeRequested
from flashdl.tui.screens.answer_box import AnswerBoxScreen
from flashdl.tui.widgets.answer_feedback import AnswerFeedback
from flashdl.tui.widgets.card_face import CardFace
from flashdl.tui.widgets.footer import KeysFooter
from flashdl.tui.widgets.grade_bar import GradeBar

if TYPE_CHECKING:
    from flashdl.services.practice import PracticeItem, PracticeOptions, PracticeRun


class Step(Enum):
    LOADING = "loading"
    TYPING = "typing"
    ANSWERED = "answered"
    DONE = "done"


class PracticeScreen(AnswerBoxScreen):
    EMPTY_ANSWER = "I don't know"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "Next", show=False, id="next",
                tooltip="After an answer: the next exercise; at the end: home"),
        Binding("i,tab", "focus_answer", "Answer box", show=False, id="focus_answer"),
        Binding("escape", "escape", "Leave the answer box", show=False),
        Binding("j", "scroll(1)", "Scroll down", show=False),
        Binding("k", "scroll(-1)", "Scroll up", show=False),
        Binding("pagedown,ctrl+down", "page(1)", "Page down", show=False),
        Binding("pageup,ctrl+up", "page(-1)", "Page up", show=False),
        Binding("q", "leave", "End", id="leave_practice", tooltip="End the run (every answer is saved)"),
    ]

    def __init__(self, options: PracticeOptions, *, from_command: bool = False) -> None:
        super().__init__()
        self.options = options
        self.from_command = from_command  # started by `flashdl practice`, not from home
        self.practice_run: PracticeRun | None = None
        self.item: PracticeItem | None = None
        self.step = Step.LOADING
        self._shown_at = 0.0

    def compose(self) -> ComposeResult:
        # Text: the description quotes --tag, which may hold brackets ("[/]x" crashed the app)
        yield Static(Text(f"flashdl · practice · {self.options.describe()}"), classes="title",
                     id="practice-title")
        with VerticalScroll(id="card"):
            yield Static("Choosing the exercises…", id="card-meta", classes="status")
            yield CardFace(id="exercise")
            yield AnswerFeedback(id="feedback")
            yield CardFace(id="solution")
        yield Input(id="answer", compact=True, select_on_focus=False)
        yield GradeBar(id="grades")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#exercise").border_title = "Exercise · new numbers"
        self.query_one("#solution").border_title = "Worked solution"
        for name in ("#exercise", "#feedback", "#solution", "#answer"):
            self.query_one(name).display = False
        self.call_after_refresh(self._start)

    @work(thread=True, exclusive=True, group="practice-start")
    def _start(self) -> None:
        collection = self.collection
        try:
            collection.open()
            run = collection.start_practice(self.options)
        except FlashdlError as error:
            self.post_message(Failed(error))
            return
        self.app.call_from_thread(self._ready, run)

    def _ready(self, run: PracticeRun) -> None:
        self.practice_run = run
        if not run.total:
            from flashdl.presentation.practice_view import nothing_to_practise

            message = nothing_to_practise(self.options.describe())
            if self.from_command:  # `flashdl practice --tag typo`: one line on stderr, exit 2
                from flashdl.errors import UsageError

                self.post_message(Failed(UsageError(message)))
                return
            self._finish(message)
            return
        self._show_next()

    # ---------------------------------------------------------------- showing

    def _show_next(self) -> None:
        from flashdl.presentation.answer_view import answer_hint
        from flashdl.presentation.practice_view import item_heading, run_score

        run = self._run()
        item = run.next_item()
        if item is None:
            self._finish(f"Practice done: {run_score(run)}. Nothing moved in your schedule.")
            return
        self.item = item
        score = f" · {run_score(run)}" if run.answered else ""
        self.query_one("#card-meta", Static).update(item_heading(item, run.total) + score)
        exercise = self.query_one("#exercise", CardFace)
        exercise.show_plain(item.exercise.prompt)
        exercise.display = True
        self.query_one("#feedback").display = False
        self.query_one("#solution").display = False
        self.query_one("#card", VerticalScroll).scroll_home(animate=False, immediate=True)
        answer = self.query_one("#answer", Input)
        answer.value = ""
        answer.placeholder = f"Your answer ({answer_hint(item.exercise.answer)}), then enter"
        answer.display = True
        answer.disabled = False
        answer.focus()
        self._shown_at = self.collection.timer()
        self.step = Step.TYPING
        self._typing_hint()

    def awaiting_answer(self) -> bool:
        return self.step is Step.TYPING

    def _finish(self, message: str) -> None:
        self.step = Step.DONE
        self.item = None
        self.query_one("#card-meta", Static).update(Text(message))  # may quote a --tag or search
        for name in ("#exercise", "#feedback", "#solution", "#answer"):
            self.query_one(name).display = False
        self.set_focus(None)
        self.query_one(GradeBar).show_hint(("enter", "home"), ("q", "home"))

    def _run(self) -> PracticeRun:
        if self.practice_run is None:
            raise RuntimeError("the practice run is not loaded yet")
        return self.practice_run

    # -------------------------------------------------------------- answering

    @on(Input.Submitted, "#answer")
    def _answer_submitted(self, event: Input.Submitted) -> None:
        from flashdl.presentation.practice_view import item_heading, practice_feedback, run_score

        event.stop()
        item = self.item
        if self.step is not Step.TYPING or item is None:
            return
        typed = event.value
        verdict = item.exercise.check(typed)
        collection = self.collection
        duration_ms = int(max(0.0, collection.timer() - self._shown_at) * 1000)
        run = self._run()
        try:
            run.record(item, typed, verdict, collection.now(), duration_ms=duration_ms)
        except FlashdlError as error:
            self.notify(f"Not recorded: {error}", severity="error")
            return
        answer = self.query_one("#answer", Input)
        answer.disabled = True
        answer.display = False
        self.set_focus(None)
        shown = practice_feedback(verdict, item, typed)
        view = self.query_one("#card", VerticalScroll)
        feedback = self.query_one("#feedback", AnswerFeedback)
        feedback.show(shown, width=max(view.size.width - 4, 20))
        feedback.display = True
        solution = self.query_one("#solution", CardFace)
        solution.show_plain(shown.solution)
        solution.display = True
        self.query_one("#card-meta", Static).update(
            f"{item_heading(item, run.total)} · {run_score(run)}")
        self.call_after_refresh(feedback.scroll_visible, top=True, animate=False)
        self.step = Step.ANSWERED
        self.query_one(GradeBar).show_hint(("enter", "next exercise"), ("q", "end"))

    # ---------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            if self.step is Step.TYPING:  # in the box, enter is the box's own (it checks the answer)
                return None if self._answer_box_focused() else True
            return True if self.step in (Step.ANSWERED, Step.DONE) else None
        if action == "focus_answer":
            return True if self.step is Step.TYPING else None
        return True

    def action_next(self) -> None:
        if self.step is Step.ANSWERED:
            self._show_next()
        elif self.step is Step.DONE:
            self.post_message(HomeRequested())
        elif self.step is Step.TYPING:
            self.action_focus_answer()

    def action_focus_answer(self) -> None:
        if self.step is Step.TYPING:
            self.query_one("#answer", Input).focus()

    def action_escape(self) -> None:
        if self.focused is self.query_one("#answer", Input):
            self.set_focus(None)
        else:
            self.action_leave()

    def action_scroll(self, lines: int) -> None:
        self.query_one("#card", VerticalScroll).scroll_relative(y=lines, animate=False, immediate=True)

    def action_page(self, direction: int) -> None:
        view = self.query_one("#card", VerticalScroll)
        view.scroll_relative(y=direction * max(view.size.height - 2, 1), animate=False, immediate=True)

    def action_leave(self) -> None:
        from flashdl.presentation.practice_view import run_score

        if self.step is Step.DONE or self.practice_run is None or not self.practice_run.answered:
            self.post_message(HomeRequested())
        else:
            self._finish(f"Practice ended: {run_score(self.practice_run)}. Nothing moved in your schedule.")

