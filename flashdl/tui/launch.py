"""Running the terminal UI from the command line: ``flashdl``, ``flashdl study [DECK]``, ``flashdl practice``.

``flashdl.cli`` calls ``run_tui`` with the context's database and clock
(``--db``, ``--now``); the app itself is built by ``flashdl.tui.app.make_app``.
On an empty database the bundled decks are imported first (only these
commands and their ``--plain`` line modes do that). A user error found once the app runs (unknown deck, not a
database) is raised again here, so the CLI prints it on stderr and exits
with code 2, like every other command.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from flashdl.clock import Clock
from flashdl.errors import LocaleEncodingError, UsageError, is_utf
from flashdl.gc_pause import paused_gc

if TYPE_CHECKING:
    from flashdl.services.custom_study import CustomStudy
    from flashdl.services.practice import PracticeOptions


def run_tui(db_path: Path, clock: Clock, *, study: str | None = None, study_all: bool = False,
            practice: PracticeOptions | None = None, custom: CustomStudy | None = None) -> int:
    """Run the app until it quits; its exit code (a ``FlashdlError`` found while running is raised)."""
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UsageError(
            "the terminal UI needs an interactive terminal; to study or practise through a pipe, "
            "add --plain (flashdl study --plain, flashdl practice --plain); for scripts use "
            "flashdl decks, due and review (see flashdl --help)"
        )
    # Textual draws on sys.__stderr__, in its encoding: in a non-UTF-8 locale every ·, ━ and ∑
    # came out as a \xb7 or \u2501 escape, garbling and widening each line of the screen.
    encoding = getattr(sys.__stderr__, "encoding", None) or "ascii"
    if not is_utf(encoding):
        raise LocaleEncodingError(encoding)
    # No cyclic garbage collection until the first frame is drawn (the app turns it back
    # on then): start-up allocates ~50,000 long-lived objects (Textual's imports, styles,
    # widgets) and the collector would trace them again and again for nothing: importing the
    # app and building it alone spend 12-14 ms of their 0.15 s CPU in it (before the first frame).
    with paused_gc():
        from flashdl.tui.widgets.card_images import prepare

        prepare(db_path)  # pictures: textual-image asks the terminal now, before Textual runs
        from flashdl.tui.app import make_app

        app = make_app(db_path, clock, study=study, study_all=study_all, practice=practice,
                       custom=custom)
        app.run()
    if app.error is not None:
        raise app.error
    return app.return_code or 0
