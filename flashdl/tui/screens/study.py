"""The study screen: one card at a time, graded with SM-2's 0–5, typed answers for computed cards.

Steps of a card (``Step``): FRONT (``space`` shows the back) → BACK (``0``–``5``
grade, ``enter`` = 4). A computed card (``flashdl.services.exercises``) shows the
engine's exercise under its front and an answer box (TYPING) → the engine
checks the typed answer → RIGHT (``3``/``4``/``5``, ``enter`` = 4) or WRONG
(grade 1 already recorded; ``enter`` goes on); then the verdict, the worked
solution and the card's back are shown.

Every grade is one call of the study session service (``StudySession.answer``:
one committed transaction), so quitting at any moment loses nothing graded.
The queue (what comes next, same-day repeats) is the service's; ``u`` undoes
the last grade of this session, ``s`` suspends and ``b`` buries the card.
``e`` edits the card shown (``screens/edit.py``), ``T`` its tags, ``E`` opens its
deck file in ``$EDITOR``; once saved the card is shown again with its new text,
at the same step, and the title line (never a toast over the grade legend) says so.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from flashdl.errors import FlashdlError
from flashdl.presentation.answer_view import answer_hint, computed_feedback
from flashdl.presentation.view_models import (
    COMPUTED_DEFAULT_GRADE,
    COMPUTED_RIGHT_GRADES,
    COMPUTED_WRONG_GRADE,
    DEFAULT_GRADE,
    GRADE_MEANINGS,
    SessionTally,
    interval_preview,
    leech_message,
)
from flashdl.scheduler.sm2 import Grade
from flashdl.services.exercises import ComputedExercise, exercise_for, preload_engine
from flashdl.services.views import FlagUndo
from flashdl.tui.messages import CardEditRequested, Failed, HomeRequested, SessionFinished, TagsRequested
from flashdl.tui.screens.answer_box import AnswerBoxScreen
from flashdl.tui.widgets.card_face import warm_up_rendering
from flashdl.tui.widgets.footer import KeysFooter
from flashdl.tui.widgets.grade_bar import GradeBar
from flashdl.tui.widgets.session_progress import SessionProgress
from flashdl.tui.widgets.study_card import StudyCardView

if TYPE_CHECKING:
    from flashdl.services.custom_study import CustomStudy
    from flashdl.services.study import StudySession
    from flashdl.services.views import ComputedAnswer, StudyCard


class Step(Enum):
    LOADING = "loading"
    FRONT = "front"
    BACK = "back"
    TYPING = "typing"
    RIGHT = "right"
    WRONG = "wrong"
    DONE = "done"  # the summary was asked for: no key acts on this screen any more


class AnswerBox(Input):
    """The answer box of a computed card; enter checks at once (see ``StudyScreen.check_answer``)."""

    async def action_submit(self) -> None:
        screen = self.screen
        if isinstance(screen, StudyScreen):
            screen.check_answer(self.value)
        else:
            await super().action_submit()

    async def _on_key(self, event: events.Key) -> None:
        """Runs before ``Input``'s own key handler (Textual calls each class's in turn)."""
        screen = self.screen
        if isinstance(screen, StudyScreen):
            if screen.step is not Step.TYPING:
                event.prevent_default()  # a key that reached the box after the check: not typed,
                return  # left to the screen's bindings
            if event.key == "enter":  # checked here, in key order: keys queued behind it see the result
                event.stop()
                event.prevent_default()
                screen.check_answer(self.value)


class StudyScreen(AnswerBoxScreen):
    # Toasts (a leech, a grade not recorded) at the top, under the title: at the bottom, Textual's
    # place, they would cover the grade legend while the next card waits for a grade.
    DEFAULT_CSS = """
    StudyScreen ToastRack {
        dock: top;
        align: right top;
        margin-bottom: 0;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal", "Show answer", id="reveal"),
        Binding("enter", "enter", "Continue", show=False, id="enter",
                tooltip="Show the answer; then grade 4; after a wrong typed answer, the next card"),
        *(Binding(str(g), f"grade({g})", f"Grade {g}: {meaning}", show=False, id=f"grade_{g}")
          for g, meaning in GRADE_MEANINGS.items()),
        Binding("u", "undo", "Undo", id="undo", tooltip="Take back the last grade, suspend or bury"),
        Binding("s", "suspend", "Suspend", id="suspend", tooltip="Never show this card until unsuspended"),
        Binding("b", "bury", "Bury", id="bury", tooltip="Hide this card until tomorrow"),
        Binding("e", "edit_card", "Edit card", show=False, id="edit_card",
                tooltip="Edit this card's front, back and tags"),
        Binding("T", "edit_tags", "Tags", show=False, id="edit_tags", tooltip="Add or remove this card's tags"),
        Binding("E", "edit_file", "Edit deck file", show=False, id="edit_file",
                tooltip="Open this card's deck file in $EDITOR"),
        Binding("i,tab", "focus_answer", "Answer box", show=False, id="focus_answer"),
        Binding("escape", "escape", "Leave the answer box", show=False),
        Binding("j", "scroll(1)", "Scroll down", show=False),
        Binding("k", "scroll(-1)", "Scroll up", show=False),
        Binding("pagedown,ctrl+down", "page(1)", "Page down", show=False),
        Binding("pageup,ctrl+up", "page(-1)", "Page up", show=False),
        Binding("q", "leave", "End", id="leave", tooltip="End the session (every grade is saved)"),
    ]

    def __init__(self, deck: str | None, custom: CustomStudy | None = None) -> None:
        super().__init__()
        self.deck = deck
        self.custom = custom
        self._title = f"flashdl · studying {deck}" if deck else "flashdl · studying all decks"
        if custom is not None:
            self._title += f" · {custom.describe()}"
        self.session: StudySession | None = None  # set once loaded (step LOADING until then)
        self.card: StudyCard | None = None
        self.exercise: ComputedExercise | None = None
        self.step = Step.LOADING
        self.tally = SessionTally()
        self._shown_at = 0.0
        self._typed: ComputedAnswer | None = None  # the checked answer of the current card, for the log
        self._last_exercise: ComputedExercise | None = None  # of the last grade: undo shows it again
        self._leech_reviews: set[int] = set()  # reviews that made a leech: undoing one takes its toast down

    def compose(self) -> ComposeResult:
        # Text: a custom study's title quotes its search ("h[t]" lost its "[t]", "x[/]" crashed)
        yield Static(Text(self._title), classes="title", id="study-title")
        yield SessionProgress(id="progress")
        yield StudyCardView(id="card")
        yield AnswerBox(id="answer", compact=True, select_on_focus=False)
        yield GradeBar(id="grades")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#answer").display = False
        self.call_after_refresh(self._start)

    # ---------------------------------------------------------------- loading

    @work(thread=True, exclusive=True, group="study-start")
    def _start(self) -> None:
        collection = self.collection
        try:
            collection.open()
            session = collection.start_session(self.deck, self.custom)
            first = session.next_card()
        except FlashdlError as error:
            self.post_message(Failed(error))
            return
        if first is not None and first.engine is not None:
            preload_engine()  # the first card needs the engine: import it here, not on the UI thread
        warm_up_rendering()
        self.app.call_from_thread(self._ready, session)

    def _ready(self, session: StudySession) -> None:
        self.session = session
        left = session.counts()
        if self.custom is not None and not left.new + left.learning + left.review:
            self.notify(f"No cards for custom study: {self.custom.describe()}")
        self._show_next()
        self._preload()

    @work(thread=True, exclusive=True, group="engine")
    def _preload(self) -> None:
        preload_engine()

    # ---------------------------------------------------------------- showing

    def _show_next(self, reuse: ComputedExercise | None = None) -> None:
        session = self._session()
        card = session.next_card(self.collection.now())  # past 04:00: the new study day's queue
        if card is None:
            self._finish()
            return
        self.card = card
        self._typed = None
        exercise = reuse if reuse is not None and reuse.card_id == card.id else None
        if exercise is None and card.engine is not None:
            exercise = exercise_for(card, self.collection.next_seed)
        self.exercise = exercise
        self._shown_at = self.collection.timer()
        self.query_one(StudyCardView).show_card(card, exercise)
        self.query_one(SessionProgress).show(self.tally.count, session.counts())
        answer = self.query_one("#answer", Input)
        if exercise is not None:
            answer.value = ""
            answer.placeholder = f"Your answer ({answer_hint(exercise.answer)}), then enter"
            answer.display = True
            answer.disabled = False
            answer.focus()
            self._set_step(Step.TYPING)
        else:
            answer.display = False
            self.set_focus(None)
            self._set_step(Step.FRONT)

    def _set_step(self, step: Step) -> None:
        self.step = step
        bar = self.query_one(GradeBar)
        if step is Step.FRONT:
            bar.show_hint(("space", "show the answer"), ("u", "undo"), ("q", "end"))
        elif step is Step.BACK:
            bar.show_grades(default=DEFAULT_GRADE, preview=self._preview(tuple(Grade)))
        elif step is Step.TYPING:
            self._typing_hint()
        elif step is Step.RIGHT:
            bar.show_grades(COMPUTED_RIGHT_GRADES, default=COMPUTED_DEFAULT_GRADE,
                            preview=self._preview(COMPUTED_RIGHT_GRADES))
        elif step is Step.WRONG:
            bar.show_hint(("enter", "next card"), ("u", "undo (try again)"), ("s", "suspend"), ("q", "end"))

    def awaiting_answer(self) -> bool:
        return self.step is Step.TYPING

    def _preview(self, grades: tuple[int, ...]) -> str:
        """Where each grade sends the current card, by the code that records the review."""
        if self.card is None or self.session is None:
            return ""
        try:
            today, previews = self.session.preview(self.card.id, self.collection.now())
        except FlashdlError:
            return ""  # the grade itself will say what is wrong
        return interval_preview(previews, today, grades)

    def _reveal_back(self) -> None:
        if self.card is not None:
            self.query_one(StudyCardView).reveal_back(self.card)

    # -------------------------------------------------------------- answering

    def check_answer(self, typed: str) -> None:
        """Check the typed answer. Called by the box itself as enter is pressed (not via a
        message), so the focus leaves the box before the next key: keys typed right after
        enter act on the card and never land in the box."""
        if self.step is not Step.TYPING or self.exercise is None:
            return
        exercise = self.exercise
        verdict = exercise.check(typed)
        shown = computed_feedback(verdict, answer=exercise.answer, solution=exercise.solution,
                                  typed=typed, labels=exercise.part_labels)
        self._typed = exercise.logged_answer(typed, verdict)
        answer = self.query_one("#answer", Input)
        answer.disabled = True
        answer.display = False
        self.set_focus(None)
        self.query_one(StudyCardView).show_feedback(shown)
        self._reveal_back()
        if shown.correct:
            self._set_step(Step.RIGHT)
        elif self._record(COMPUTED_WRONG_GRADE):
            self._set_step(Step.WRONG)

    def _session(self) -> StudySession:
        """The loaded session: every step after LOADING has one."""
        if self.session is None:
            raise RuntimeError("the study session is not loaded yet")
        return self.session

    def _record(self, grade: int) -> bool:
        """Record ``grade`` for the current card (durable on return); False if it failed."""
        card, exercise, session = self.card, self.exercise, self._session()
        if card is None:
            return False
        answer = self._typed if exercise is not None else None
        collection = self.collection
        duration_ms = int(max(0.0, collection.timer() - self._shown_at) * 1000)
        try:
            result = session.answer(card.id, grade, collection.now(), duration_ms=duration_ms,
                                    answer=answer, expected_revision=card.revision)
        except FlashdlError as error:
            self.notify(f"Not recorded: {error}", severity="error")
            session.refresh(collection.now())
            self._show_next()
            return False
        self.tally.record(card.id, grade, duration_ms, None if answer is None else answer.correct)
        if result.leech:
            self._leech_reviews.add(result.review_id)
            self.notify(leech_message(result.card, suspended=result.leech_suspended),
                        title="Leech", severity="warning", timeout=8)
        self._last_exercise = exercise
        self.query_one(SessionProgress).show(self.tally.count, session.counts())
        return True

    def _finish(self) -> None:
        if self.step is not Step.DONE:
            self.step = Step.DONE
            left = self.session.counts() if self.session is not None else None
            self.post_message(SessionFinished(self.tally, self.deck, left,
                                              cram=self.custom is not None and self.custom.cram))

    # ---------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grades and enter only when they apply (they are not in the footer).

        The footer's keys (space, u, s, b, q) stay enabled at every step, a
        no-op where they do not apply: the footer then never changes during
        a session, and redrawing it was most of a keypress's cost.
        """
        step = self.step
        if action == "grade":
            if step is Step.BACK:
                return True
            return True if step is Step.RIGHT and parameters[0] in COMPUTED_RIGHT_GRADES else None
        if action == "enter":
            if step is Step.TYPING:  # in the box, enter is the box's own (it checks the answer)
                return None if self._answer_box_focused() else True
            return True if step in (Step.FRONT, Step.BACK, Step.RIGHT, Step.WRONG) else None
        if action == "focus_answer":
            return True if step is Step.TYPING else None
        return True

    def action_reveal(self) -> None:
        if self.step is Step.FRONT:
            self._reveal_back()
            self.call_after_refresh(self.query_one(StudyCardView).show_back_if_hidden)
            self._set_step(Step.BACK)
        elif self.step is Step.TYPING:  # a computed card's answer is shown by answering (or giving up)
            self.action_focus_answer()

    def action_grade(self, grade: int) -> None:
        allowed = self.step is Step.BACK or (self.step is Step.RIGHT and grade in COMPUTED_RIGHT_GRADES)
        if allowed and self._record(grade):
            self._show_next()

    def action_enter(self) -> None:
        if self.step is Step.FRONT:
            self.action_reveal()
        elif self.step in (Step.BACK, Step.RIGHT):
            self.action_grade(COMPUTED_DEFAULT_GRADE)
        elif self.step is Step.WRONG:
            self._show_next()
        elif self.step is Step.TYPING:
            self.action_focus_answer()

    def action_undo(self) -> None:
        if self.session is None or self.step in (Step.LOADING, Step.DONE):
            return
        from flashdl.services.reviews import UndoBlockedError

        try:
            undone = self.session.undo()
        except UndoBlockedError as blocked:
            self.notify(f"{blocked} (u again: the session's earlier actions).", severity="warning")
            return
        if undone is None:
            self.notify("Nothing to undo in this session.")
            return
        if isinstance(undone, FlagUndo):
            self.notify(f"Took back the {undone.action} of {undone.card}.")
            self._show_next()
            return
        self.tally.unrecord()
        if undone.review_id in self._leech_reviews:
            # The leech toast would contradict the card now (its flags are restored): replace it.
            # Textual can only clear every toast, so the undone notice below is all that stays.
            self._leech_reviews.discard(undone.review_id)
            self.app.clear_notifications()
            self.notify(f"Took back grade {undone.grade} of {undone.card}: it is no longer a leech.")
        else:
            self.notify(f"Took back grade {undone.grade} of {undone.card}.")
        self._show_next(reuse=self._last_exercise)
        self._last_exercise = None

    def action_suspend(self) -> None:
        if self.card is None or self.step in (Step.LOADING, Step.DONE):
            return
        self._session().suspend(self.card.id)
        self.notify(f"Suspended {self.card.card} (unsuspend it from browse).")
        self._show_next()

    def action_bury(self) -> None:
        if self.card is None or self.step in (Step.LOADING, Step.DONE):
            return
        until = self._session().bury(self.card.id, self.collection.now())
        self.notify(f"Buried {self.card.card} until {until.isoformat()}.")
        self._show_next()

    def _editable(self) -> StudyCard | None:
        return None if self.step in (Step.LOADING, Step.DONE) else self.card

    def action_edit_card(self) -> None:
        if (card := self._editable()) is not None:
            self.post_message(CardEditRequested(card.id, on_saved=self._card_edited))

    def action_edit_tags(self) -> None:
        if (card := self._editable()) is not None:
            self.post_message(TagsRequested(card.id, on_saved=self._card_edited))

    def action_edit_file(self) -> None:
        from flashdl.tui.external_editor import edit_deck

        if (card := self._editable()) is not None:
            edit_deck(self, self.collection, card.deck,
                           after=self._show_current_again, report=self._say)

    def _card_edited(self, card: str) -> None:
        self._say(f"saved {card}")
        self._show_current_again()

    def _show_current_again(self) -> None:
        """The card on screen, re-read from the store after an edit, at the step it was at."""
        if self.session is None or self.card is None or self.step in (Step.LOADING, Step.DONE):
            return
        card = self.session.next_card()
        if card is None or card.id != self.card.id:
            if self.step is not Step.WRONG:  # (there the card is graded: the queue has moved on)
                self._show_next()  # the card left the session: gone from its deck file
            return
        self.card = card
        self.query_one(StudyCardView).show_edited(card)

    def _say(self, message: str) -> None:
        """A short note in the title line for a few seconds (a toast would cover the grade legend)."""
        title = self.query_one("#study-title", Static)
        title.update(Text(f"{self._title} · {message}"))
        self.set_timer(4, lambda: title.update(Text(self._title)))

    def action_focus_answer(self) -> None:
        if self.step is Step.TYPING:
            self.query_one("#answer", Input).focus()

    def action_escape(self) -> None:
        if self.focused is self.query_one("#answer", Input):
            self.set_focus(None)
        else:
            self.action_leave()

    def action_scroll(self, lines: int) -> None:
        self.query_one(StudyCardView).scroll_lines(lines)

    def action_page(self, direction: int) -> None:
        self.query_one(StudyCardView).scroll_pages(direction)

    def action_leave(self) -> None:
        if self.step is Step.DONE:
            return
        if self.tally.count:
            self._finish()
        else:
            self.post_message(HomeRequested())
