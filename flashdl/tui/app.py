"""The Textual application and its factory.

``make_app(db_path, clock, ...)`` builds the app with its dependencies
injected (posting's ``make_posting``), so tests run it on a temp database,
a fixed clock and fixed variant seeds. The app itself only routes between
screens; the screens hold the behaviour, the collection holds the data
access, and ``app.tcss`` the shared styles and the home screen's. Screens
ask for another screen by posting a message (``flashdl.tui.messages``),
handled here ("attributes down, messages up").

Start-up is kept lean: only the home (or study) screen is imported before
the first frame, and home is the app's first screen (no blank screen under
it); the database (SQLAlchemy) and the view-models are imported by that
screen's worker thread after the frame is drawn; the other screens and the
engine are imported when first needed; the garbage collector is off until
the first frame (``flashdl.tui.launch``).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.theme import Theme
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from flashdl.clock import Clock, SystemClock

if TYPE_CHECKING:
    from flashdl.services.custom_study import CustomStudy
    from flashdl.services.practice import PracticeOptions
from flashdl.errors import FlashdlError
from flashdl.tui.collection import Collection
from flashdl.tui.messages import (
    BrowseRequested,
    CustomStudyRequested,
    CardEditRequested,
    CardRequested,
    Failed,
    HomeRequested,
    PracticeRequested,
    OptionsRequested,
    SessionFinished,
    StatsRequested,
    StudyRequested,
    TagsRequested,
)


class FlashdlApp(App[None]):
    """flashdl in the terminal (see the module docstring)."""

    CSS_PATH = "app.tcss"
    TITLE = "flashdl"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Textual's own pair, copied exactly (INTEROP §4), then flashdl's.
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        Binding("question_mark", "help", "Help", key_display="?", id="help",
                tooltip="Keys of this screen and what the grades mean"),
    ]

    def __init__(self, collection: Collection, *, study: str | None = None, study_all: bool = False,
                 practice: PracticeOptions | None = None, custom: CustomStudy | None = None) -> None:
        super().__init__()
        self.collection = collection
        self._start_practice = practice
        self._start_study = study_all or study is not None or practice is not None
        self._start_deck = study
        self._start_custom = custom
        self.error: FlashdlError | None = None

    def get_default_screen(self) -> Screen[Any]:
        """The home screen is the app's first screen, not one pushed over Textual's blank one.

        That saves composing, styling and laying out a screen nobody sees before
        the first frame. (Its rules are in ``app.tcss``: Textual does not load
        a default screen's ``CSS_PATH``.) ``flashdl study`` keeps the blank
        screen and pushes the study screen over it in ``on_mount``.
        """
        if self._start_study:
            return super().get_default_screen()
        from flashdl.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        # Rich's default inline-code style is cyan on black, a black box on a light theme;
        # reverse video reads in dark, light and NO_COLOR alike.
        self.console.push_theme(Theme({"markdown.code": "bold reverse"}))
        # `flashdl` turns the garbage collector off for start-up (tui/launch.py):
        # back on once the first frame is drawn.
        self.call_after_refresh(gc.enable)
        if self._start_practice is not None:
            self.practice(self._start_practice, from_command=True)
        elif self._start_study:
            from flashdl.tui.screens.study import StudyScreen

            self.push_screen(StudyScreen(self._start_deck, self._start_custom))

    def on_unmount(self) -> None:
        self.collection.close()

    # ------------------------------------------------------------- navigation
    # A request arrives a moment after its key: a second key handled meanwhile (a quick
    # double enter) asks again, so a screen already on top is not pushed a second time.

    @on(HomeRequested)
    def _home_requested(self, message: HomeRequested) -> None:
        self.go_home()

    @on(StudyRequested)
    def _study_requested(self, message: StudyRequested) -> None:
        self.study(message.deck, message.custom)

    @on(PracticeRequested)
    def _practice_requested(self, message: PracticeRequested) -> None:
        self.practice(message.options)

    @on(SessionFinished)
    def _session_finished(self, message: SessionFinished) -> None:
        from flashdl.tui.screens.summary import SummaryScreen

        self.switch_screen(SummaryScreen(message.tally, message.deck, message.left, cram=message.cram))

    @on(BrowseRequested)
    def _browse_requested(self, message: BrowseRequested) -> None:
        self.browse(message.query)

    @on(CardRequested)
    def _card_requested(self, message: CardRequested) -> None:
        self.show_card(message.card_id)

    @on(StatsRequested)
    def _stats_requested(self, message: StatsRequested) -> None:
        self.show_stats(message.deck)

    @on(OptionsRequested)
    def _options_requested(self, message: OptionsRequested) -> None:
        from flashdl.tui.screens.options import OptionsScreen

        if not isinstance(self.screen, OptionsScreen):
            self.push_screen(OptionsScreen(message.deck))

    @on(CustomStudyRequested)
    def _custom_study_requested(self, message: CustomStudyRequested) -> None:
        from flashdl.tui.screens.custom_study import CustomStudyScreen

        if not isinstance(self.screen, CustomStudyScreen):
            self.push_screen(CustomStudyScreen(message.deck))

    @on(CardEditRequested)
    def _card_edit_requested(self, message: CardEditRequested) -> None:
        from flashdl.tui.screens.edit import CardEditScreen

        if isinstance(self.screen, CardEditScreen):
            return
        try:
            card = None if message.card is None else self.collection.card_for_edit(message.card)
        except FlashdlError as error:
            self.notify(str(error), severity="error", markup=False)  # may quote a path
            return
        self.push_screen(CardEditScreen(card, deck=message.deck, on_saved=message.on_saved))

    @on(TagsRequested)
    def _tags_requested(self, message: TagsRequested) -> None:
        from flashdl.tui.screens.edit import TagsScreen

        if isinstance(self.screen, TagsScreen):
            return
        try:
            card = self.collection.card_for_edit(message.card)
        except FlashdlError as error:
            self.notify(str(error), severity="error", markup=False)  # may quote a path
            return
        self.push_screen(TagsScreen(card, self.collection, on_saved=message.on_saved))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.fail(message.error)

    def go_home(self) -> None:
        """Back to the deck list (it is under every other screen, or replaces them)."""
        from flashdl.tui.screens.home import HomeScreen

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack):
            while not isinstance(self.screen, HomeScreen):
                self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

    def study(self, deck: str | None, custom: CustomStudy | None = None) -> None:
        from flashdl.tui.screens.study import StudyScreen

        if not isinstance(self.screen, StudyScreen):
            self.push_screen(StudyScreen(deck, custom))

    def practice(self, options: PracticeOptions, *, from_command: bool = False) -> None:
        """A practice run; ``from_command`` (``flashdl practice``): a selection with nothing to
        practise is an error, exit 2, as in line mode (docs/engine.md)."""
        from flashdl.tui.screens.practice import PracticeScreen

        if not isinstance(self.screen, PracticeScreen):
            self.push_screen(PracticeScreen(options, from_command=from_command))

    def browse(self, query: str = "") -> None:
        from flashdl.tui.screens.browse import BrowseScreen

        if not isinstance(self.screen, BrowseScreen):
            self.push_screen(BrowseScreen(query))

    def show_card(self, card_id: int) -> None:
        from flashdl.tui.screens.card import CardScreen

        if not isinstance(self.screen, CardScreen):
            self.push_screen(CardScreen(card_id))

    def show_stats(self, deck: str | None = None) -> None:
        from flashdl.tui.screens.stats import StatsScreen, make_stats_screen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(make_stats_screen(self.collection, deck))

    def action_help(self) -> None:
        from flashdl.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def fail(self, error: FlashdlError) -> None:
        """A user error found after start (bad database, unknown deck): exit with code 2."""
        self.error = error
        self.exit(return_code=2)

    # -------------------------------------------------------- command palette

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every flashdl action enabled on the current screen (hidden keys too), then Textual's."""
        from flashdl.tui.keys import screen_actions

        for action in screen_actions(screen):
            if not action.enabled:
                continue
            help_text = f"{action.tooltip} (key: {action.key})" if action.tooltip else f"key: {action.key}"
            callback = partial(self._run_from_palette, action.action, action.node)
            yield SystemCommand(action.description, help_text, callback)
        yield from super().get_system_commands(screen)

    async def _run_from_palette(self, action: str, node: DOMNode) -> None:
        await self.run_action(action, node)


def make_app(
    db_path: Path | str,
    clock: Clock | None = None,
    *,
    study: str | None = None,
    study_all: bool = False,
    practice: PracticeOptions | None = None,
    custom: CustomStudy | None = None,
    seeds: Iterator[int] | None = None,
    timer: Callable[[], float] | None = None,
    import_bundled: bool = True,
    bundled_dir: Path | None = None,
) -> FlashdlApp:
    """The app on the database at ``db_path``.

    ``study``/``study_all`` open a study session straight away (``flashdl
    study [DECK]``; ``custom``: a custom study session); ``practice`` a practice run (``flashdl practice``). ``seeds``
    yields the seed of each computed-card variant (default: random); ``timer``
    measures answer times (default: monotonic).
    """
    collection = Collection(db_path, clock or SystemClock(), seeds=seeds, timer=timer or time.monotonic,
                            import_bundled=import_bundled, bundled_dir=bundled_dir)
    return FlashdlApp(collection, study=study, study_all=study_all, practice=practice, custom=custom)
