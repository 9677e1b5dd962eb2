"""``flashdl`` (home screen) and ``flashdl study [DECK]``: the terminal UI (DESIGN §3).

The app is built by ``flashdl.tui.app.make_app`` with the context's database
and clock (``--db``, ``--now``). On an empty database the bundled decks are
imported first (only these two commands do that). A user error found once
the app runs (unknown deck, not a database) ends it with the message on
stderr and exit code 2, like every other command.
"""

from __future__ import annotations

import argparse
import sys

from flashdl.commands.context import Context
from flashdl.errors import UsageError
from flashdl.gc_pause import paused_gc


def home(args: argparse.Namespace, ctx: Context) -> int:
    return _run(ctx)


def study(args: argparse.Namespace, ctx: Context) -> int:
    deck = getattr(args, "deck", None)
    return _run(ctx, study=deck, study_all=deck is None)


def _run(ctx: Context, *, study: str | None = None, study_all: bool = False) -> int:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UsageError(
            "the terminal UI needs an interactive terminal; for scripts use "
            "flashdl decks, due and review (see flashdl --help)"
        )
    # No cyclic garbage collection until the first frame is drawn (the app turns it back
    # on then): start-up allocates ~50,000 long-lived objects (Textual's imports, styles,
    # widgets) and the collector would trace them again and again for nothing: importing the
    # app and building it alone spend 12-14 ms of their 0.15 s CPU in it (before the first frame).
    with paused_gc():
        from flashdl.tui.app import make_app

        app = make_app(ctx.db_path, ctx.clock, study=study, study_all=study_all)
        app.run()
    if app.error is not None:
        raise app.error
    return app.return_code or 0
