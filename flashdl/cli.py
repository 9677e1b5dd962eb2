"""The ``flashdl`` command line (DESIGN §3 is its contract).

This module must stay light: ``flashdl --help`` imports neither textual,
numpy nor sqlalchemy. Each subcommand names its handler as
``"module:function"``, imported only when that subcommand runs.

The two front ends never import each other: line-mode commands live in
``flashdl.commands``, the terminal UI in ``flashdl.tui``, and this module is
the one place that chooses between them (``home``, ``study`` and ``practice`` below).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from flashdl import __version__

if TYPE_CHECKING:
    from flashdl.commands.context import Context
    from flashdl.services.custom_study import CustomStudy
    from flashdl.services.practice import PracticeOptions

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

EPILOG = """\
exit codes: 0 ok, 1 problems found (e.g. by check), 2 usage or input error.
environment: FLASHDL_DB overrides the default database; NO_COLOR disables colour;
  FLASHDL_BACKUPS=N keeps N daily automatic backups (default 7, 0 = none).
"""

IMPORT_FORMATS = ("auto", "yaml", "brainscape", "notes", "apkg", "csv", "tsv", "revlog")
EXPORT_FORMATS = ("yaml", "apkg", "csv", "tsv", "revlog")


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--db and --now, accepted before or after the subcommand."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db", metavar="PATH", default=default,
        help="database file (default: flashdl.sqlite3 in the user data dir; env FLASHDL_DB)",
    )
    parser.add_argument(
        "--now", metavar="ISO-8601", default=default,
        help="act as if it were this moment (for scripting and tests)",
    )


class _Parser(argparse.ArgumentParser):
    """argparse's parser, but a usage error is one line on stderr and exit 2 (the rule for every
    bad input), pointing at the command's --help instead of printing its usage block."""

    _args: Sequence[str] = ()

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        self._args = tuple(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        import re

        missing = re.fullmatch(r"argument (--[\w-]+)(?:/[\w-]+)*: expected one argument", message)
        if missing is not None:   # argparse reads `--answer -3/4` as two options; `--answer=-3/4` works
            option, args = missing.group(1), list(self._args)
            given = [i for i, arg in enumerate(args[:-1]) if len(arg) > 2 and option.startswith(arg)]
            value = args[given[-1] + 1] if given else ""   # after the option, or an abbreviation of it
            if re.fullmatch(r"-[^-\s]\S*", value):
                message += f" (a value that starts with '-' goes after '=': {option}={value})"
        self.exit(EXIT_USAGE, f"flashdl: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="flashdl",
        description="Spaced-repetition flashcards for deep learning, in the terminal. "
        "With no command, opens the home screen.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"flashdl {__version__}")
    _global_options(parser, suppress=False)
    parser.set_defaults(handler="flashdl.cli:home")
    common = _Parser(add_help=False)
    _global_options(common, suppress=True)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: str, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        cmd.set_defaults(handler=handler)
        return cmd

    def json_flag(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--json", action="store_true", help="machine-readable output on stdout")

    study = command("study", "flashdl.cli:study", "study due cards in the terminal UI")
    study.add_argument("deck", nargs="?", metavar="DECK", help="deck id (default: all decks)")
    study.add_argument("--plain", action="store_true",
                       help="line mode: print each card, read answers from stdin (screen readers, pipes)")
    study.add_argument("--search", metavar="QUERY",
                       help="custom study: the cards this search finds (as browse; at most 100)")
    study.add_argument("--ahead", metavar="DAYS", help="custom study: review cards due within DAYS days")
    study.add_argument("--new", metavar="N", help="custom study: N new cards beyond today's limit")
    study.add_argument("--cram", action="store_true",
                       help="with --search: grade the cards without rescheduling them")

    practice = command("practice", "flashdl.cli:practice",
                       "practise fresh variants of computed cards, outside the schedule")
    practice.add_argument("deck", nargs="?", metavar="DECK", help="deck id (default: all decks)")
    practice.add_argument("--family", metavar="F", help="only this engine family")
    practice.add_argument("--tag", metavar="T", help="only cards with this tag")
    practice.add_argument("--count", type=_positive_int, default=10, metavar="N",
                          help="exercises in the run (default 10)")
    practice.add_argument("--weakest", type=_positive_int, metavar="N",
                          help="only the N weakest families (the order is always weakest first)")
    practice.add_argument("--plain", action="store_true",
                          help="line mode: print each exercise, read answers from stdin")

    decks = command("decks", "flashdl.commands.decks:decks", "list decks with card counts")
    json_flag(decks)

    due = command("due", "flashdl.commands.decks:due", "list the cards due now")
    due.add_argument("deck", nargs="?", metavar="DECK")
    due.add_argument("--limit", type=_positive_int, metavar="N", help="at most N cards")
    json_flag(due)

    show = command("show", "flashdl.commands.show:show",
                   "print one card as the study screen renders it")
    show.add_argument("card", metavar="DECK/CARD")
    json_flag(show)

    review = command("review", "flashdl.commands.review:review", "grade cards from a script")
    one_or_batch = review.add_mutually_exclusive_group(required=True)
    one_or_batch.add_argument("--card", metavar="DECK/CARD", help="the card graded")
    one_or_batch.add_argument(
        "--batch", metavar="FILE.jsonl",
        help='one {"card","grade","at"} per line, applied and committed in order ("-" = stdin)',
    )
    review.add_argument("--grade", type=_grade, metavar="0..5", help="SM-2 grade (with --card)")
    json_flag(review)

    add = command("add", "flashdl.commands.add:add",
                  "add a card to a deck's YAML file (and to the database)")
    add.add_argument("deck", metavar="DECK")
    add.add_argument("--front", required=True, metavar="TEXT")
    add.add_argument("--back", required=True, metavar="TEXT")
    add.add_argument("--tag", action="append", default=[], metavar="T", help="a tag (repeatable)")
    json_flag(add)

    imp = command("import", "flashdl.commands.transfer:import_", "import decks or review history")
    imp.add_argument("paths", nargs="*", metavar="PATH")
    imp.add_argument("--format", choices=IMPORT_FORMATS, default="auto")
    imp.add_argument("--deck", metavar="ID", help="deck id to import into")
    imp.add_argument("--bundled", action="store_true", help="import the decks shipped with flashdl")
    imp.add_argument("--with-history", action="store_true",
                     help="also carry over scheduling and review history (apkg; a YAML deck's "
                          "NAME.history.json beside it)")
    imp.add_argument("--separator", metavar="SEP",
                     help="csv/tsv/txt: the field separator (tab, comma, semicolon, space, pipe, "
                          "colon or one character); a '#separator:' line in the file wins")
    imp.add_argument("--row-separator", metavar="SEP",
                     help="csv/tsv/txt: the character between rows when it is not a new line "
                          "(Quizlet's 'Between rows: Semicolon/Custom'; nothing is quoted then)")
    imp.add_argument("--dry-run", action="store_true",
                     help="read and check everything, print what the import would do and its "
                          "first cards, and write nothing")
    json_flag(imp)

    exp = command("export", "flashdl.commands.transfer:export", "export a deck or review history")
    exp.add_argument("deck", metavar="DECK")
    exp.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    exp.add_argument("--out", metavar="PATH", required=True)
    exp.add_argument("--with-history", action="store_true",
                     help="yaml: also write scheduling state and review history to a side file; "
                          "apkg: also the cards' scheduling, review log and FSRS state")

    stats = command("stats", "flashdl.commands.stats:stats", "progress statistics")
    stats.add_argument("deck", nargs="?", metavar="DECK")
    stats.add_argument("--days", type=_days, default=30, metavar="N")
    json_flag(stats)

    check = command(
        "check", "flashdl.commands.check:check",
        "validate deck files and audit the stated answers of computed cards",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="deck files or folders "
                       "(default: cards/ if there is one here, else the bundled decks)")
    json_flag(check)

    db = command("db", "flashdl.commands.db:check", "check, back up or restore the database file")
    db_sub = db.add_subparsers(title="db commands", metavar="ACTION")

    def db_command(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = db_sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        cmd.set_defaults(handler=f"flashdl.commands.db:{name}")
        return cmd

    db_command("check", "SQLite's integrity check (exit 1 when the file is damaged)")
    db_command("backup", "a consistent copy (default: into <db>.backups/)").add_argument(
        "path", nargs="?", metavar="PATH")
    db_command("restore", "replace the database with a checked copy, atomically").add_argument(
        "path", metavar="PATH")

    engine = command("engine", "flashdl.commands.engine:families", "the numeric engine")
    engine_sub = engine.add_subparsers(title="engine commands", metavar="ACTION")

    def engine_command(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = engine_sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        cmd.set_defaults(handler=f"flashdl.commands.engine:{name}")
        json_flag(cmd)
        return cmd

    engine_command("families", "list the problem families")
    generate = engine_command("generate", "draw a fresh variant of a family")
    generate.add_argument("family")
    generate.add_argument("--seed", type=int, metavar="N")
    solve = engine_command("solve", "solve a family for given params")
    solve.add_argument("family")
    solve.add_argument("--params", required=True, metavar="JSON")
    check_answer = engine_command("check", "check a typed answer")
    check_answer.add_argument("family")
    check_answer.add_argument("--params", required=True, metavar="JSON")
    check_answer.add_argument("--answer", required=True, metavar="TEXT")
    engine.set_defaults(json=False)

    deck = command("deck", "flashdl.cli:deck_help", "a deck's settings")
    deck_sub = deck.add_subparsers(title="deck commands", metavar="ACTION")
    options = deck_sub.add_parser(
        "options", parents=[common], help="show or change a deck's options",
        description="show a deck's options, or change those given (the others keep their values); "
                    "--default: the collection's defaults, which decks without their own value follow",
    )
    options.set_defaults(handler="flashdl.commands.deck_options:options")
    options.add_argument("deck", metavar="DECK", nargs="?")
    options.add_argument("--default", action="store_true",
                         help="the collection's default options instead of one deck's")
    options.add_argument("--new-per-day", type=_whole, metavar="N", help="new cards a day")
    options.add_argument("--reviews-per-day", type=_whole, metavar="N", help="reviews a day")
    options.add_argument("--new-order", choices=("file", "random"), help="order of new cards")
    options.add_argument("--leech-threshold", type=_positive_int, metavar="N",
                         help="lapses that make a card a leech (default 8)")
    options.add_argument("--leech-action", choices=("suspend", "tag"), help="what happens to a leech")
    options.add_argument("--scheduler", choices=("sm2", "fsrs"), help="SM-2 (default) or FSRS")
    options.add_argument("--desired-retention", type=_number, metavar="R",
                         help="FSRS: recall probability to schedule for, 0.70..0.99 (default 0.9)")
    options.add_argument("--fsrs-parameters", metavar="W",
                         help="FSRS: the 21 weights, comma-separated (as Anki shows them), "
                              "or 'default' for the default weights")
    options.add_argument("--rollover-hour", type=_hour, metavar="H",
                         help="with --default: the local hour a new study day starts, 0..23 (default 4, "
                              "as Anki's 'next day starts at'); the whole collection's")
    json_flag(options)

    card = command("card", "flashdl.cli:card_help",
                   "Anki's browser actions on cards: forget, set a due date, suspend, unsuspend")
    card_sub = card.add_subparsers(title="card commands", metavar="ACTION")
    forget = card_sub.add_parser(
        "forget", parents=[common], help="make cards new again (Anki's Forget)",
        description="make each card new again: repetitions 0, ease 2.5, no interval or due day, FSRS "
                    "memory started over; it keeps its place among its deck's new cards (the deck file's "
                    "order), its lapses and leech tag, and its history (a 'forgotten' row)")
    forget.set_defaults(handler="flashdl.commands.card:forget")
    forget.add_argument("cards", nargs="+", metavar="DECK/CARD")
    json_flag(forget)
    set_due = card_sub.add_parser(
        "set-due", parents=[common], help="make cards due on a day (Anki's Set due date)",
        description="make each card due --days from today: N (0 = today), A-B drawn per card, a trailing '!' "
                    "sets the interval to the days too; a new card becomes a review card (interval the days, "
                    "at least 1), a review card keeps its interval and ease")
    set_due.set_defaults(handler="flashdl.commands.card:set_due")
    set_due.add_argument("cards", nargs="+", metavar="DECK/CARD")
    set_due.add_argument("--days", required=True, metavar="SPEC", help="N, A-B, N! or A-B! (e.g. 0, 3, 1-7, 7!)")
    json_flag(set_due)
    for action, help_text in (("suspend", "take cards out of study until unsuspended (Anki's Suspend)"),
                              ("unsuspend", "put suspended cards back into study, their schedule as it was")):
        flag = card_sub.add_parser(action, parents=[common], help=help_text, description=help_text)
        flag.set_defaults(handler=f"flashdl.commands.card:{action}")
        flag.add_argument("cards", nargs="+", metavar="DECK/CARD")
        json_flag(flag)

    sched = command("scheduler", "flashdl.cli:scheduler_help",
                    "tune FSRS on your reviews, compare it with SM-2, simulate its workload")
    sched_sub = sched.add_subparsers(title="scheduler commands", metavar="ACTION")

    def scheduler_command(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = sched_sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        cmd.set_defaults(handler=f"flashdl.commands.scheduler:{name}")
        cmd.add_argument("deck", nargs="?", metavar="DECK", help="deck id (default: all decks)")
        json_flag(cmd)
        return cmd

    scheduler_command("optimize", "fit the FSRS parameters to the review log and store them")
    scheduler_command("evaluate", "compare SM-2 and FSRS at predicting your own reviews")
    simulate = scheduler_command("simulate", "expected FSRS workload at several desired retentions")
    simulate.add_argument("--days", type=_positive_int, default=365, metavar="N")
    simulate.add_argument("--desired-retention", type=_number, nargs="+", action="extend",
                          metavar="R", help="one or more (default: 0.80 0.85 0.90 0.95)")
    completion = command("completion", "flashdl.commands.completion:script",
                         "print the shell code for tab completion of commands, options, deck and card ids")
    completion.add_argument("shell", choices=("bash", "zsh", "fish"),
                            help="e.g. in ~/.bashrc: eval \"$(flashdl completion bash)\"")
    return parser


MAX_LIMIT = 1_000_000_000  # cards: far above any collection, well inside SQLite's 64-bit integers
MAX_DAYS = 36_500  # a century of statistics; more would leave the calendar


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
    if value > MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"{text!r} must be at most {MAX_LIMIT:,}")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _hour(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 23:
        raise argparse.ArgumentTypeError(f"{text!r} is not an hour 0..23")
    return value


def _positive_int(text: str, maximum: int = MAX_LIMIT) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    if value > maximum:
        raise argparse.ArgumentTypeError(f"{text!r} must be at most {maximum:,}")
    return value


def _days(text: str) -> int:
    return _positive_int(text, MAX_DAYS)


def _grade(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"grade {text!r} is not a whole number 0..5") from None
    if not 0 <= value <= 5:
        raise argparse.ArgumentTypeError(f"grade {value} is outside 0..5")
    return value


def resolve_handler(spec: str) -> Callable[[argparse.Namespace, Context], int]:
    module_name, _, function_name = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, function_name)  # type: ignore[no-any-return]


def deck_help(args: argparse.Namespace, ctx: Context) -> int:
    """``flashdl deck`` alone: name the actions."""
    print("flashdl deck options DECK|--default [...]: show or change a deck's (or the default) options",
          file=sys.stderr)
    return EXIT_USAGE


def card_help(args: argparse.Namespace, ctx: Context) -> int:
    """``flashdl card`` alone: name the actions."""
    print("flashdl card forget|suspend|unsuspend DECK/CARD... | set-due DECK/CARD... --days SPEC: "
          "see flashdl card --help",
          file=sys.stderr)
    return EXIT_USAGE


def scheduler_help(args: argparse.Namespace, ctx: Context) -> int:
    """``flashdl scheduler`` alone: name the actions."""
    print("flashdl scheduler optimize|evaluate|simulate [DECK]: see flashdl scheduler --help",
          file=sys.stderr)
    return EXIT_USAGE


def home(args: argparse.Namespace, ctx: Context) -> int:
    """``flashdl`` with no command: the terminal UI's home screen."""
    return _run_tui(ctx)


def study(args: argparse.Namespace, ctx: Context) -> int:
    """``flashdl study [DECK]``: the terminal UI, or line mode (``flashdl.commands``) with ``--plain``.

    ``--search/--ahead/--new/--cram`` make it custom study (docs/custom-study.md), checked here
    before anything opens."""
    from flashdl.presentation.custom_study import custom_study

    args.custom = custom_study(search=args.search, ahead=args.ahead, new=args.new, cram=args.cram)
    if args.plain or _dumb_terminal():
        from flashdl.commands.plain_study import study as study_in_lines

        return study_in_lines(args, ctx)
    return _run_tui(ctx, study=args.deck, study_all=args.deck is None, custom=args.custom)


def practice(args: argparse.Namespace, ctx: Context) -> int:
    """``flashdl practice``: the terminal UI straight into a practice run, or line mode with ``--plain``."""
    from flashdl.services.practice import PracticeOptions

    options = PracticeOptions(deck=args.deck, family=args.family, tag=args.tag, count=args.count,
                              weakest=args.weakest)
    if args.plain or _dumb_terminal():
        from flashdl.commands.plain_practice import practice as practice_in_lines

        return practice_in_lines(options, ctx)
    return _run_tui(ctx, practice=options)


def _dumb_terminal() -> bool:
    """TERM=dumb (Emacs' shell, some screen-reader set-ups): no cursor movement, so study and
    practice go to line mode by themselves, as --plain would."""
    return os.environ.get("TERM") == "dumb"


def _run_tui(ctx: Context, *, study: str | None = None, study_all: bool = False,
             practice: PracticeOptions | None = None, custom: CustomStudy | None = None) -> int:
    from flashdl.errors import UsageError

    # The only import of flashdl.tui outside it; lazy, so other commands never load Textual.
    from flashdl.tui.launch import run_tui

    if not ctx.db_is_default and not ctx.db_path.parent.is_dir():  # as Context.open_store
        raise UsageError(f"{ctx.db_path}: folder {ctx.db_path.parent} does not exist (create it first)")
    if _dumb_terminal():
        raise UsageError("TERM=dumb: the terminal UI needs a terminal that moves the cursor; "
                         "study in line mode with flashdl study --plain")
    return run_tui(ctx.db_path, ctx.clock, study=study, study_all=study_all, practice=practice,
                   custom=custom)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. The one place a failure becomes a message: any error a user's input,
    file system or database can cause is one line on stderr and exit 2, never a traceback."""
    _open_closed_streams()
    parser = build_parser()
    if {"_ARGCOMPLETE", "COMP_LINE", "COMP_POINT"} <= os.environ.keys():  # `flashdl completion`'s code
        from flashdl.commands.completion import complete

        complete(parser)  # prints the candidates and exits
    args = parser.parse_args(argv)
    from flashdl.commands.context import Context

    ctx: Context | None = None
    restore_signals = _stop_on_signals()
    try:
        ctx = Context.from_args(args)
        return resolve_handler(args.handler)(args, ctx)
    except KeyboardInterrupt as stop:  # Ctrl-C, or Terminated
        signum = stop.signum if isinstance(stop, Terminated) else 2
        _tell("interrupted" if signum == 2 else "terminated")
        return 128 + signum
    except BrokenPipeError:  # e.g. `flashdl due | head`
        return EXIT_OK
    except Exception as error:  # noqa: BLE001 - translated below, or raised again
        message = failure_message(error, None if ctx is None else str(ctx.db_path))
        if message is None:
            raise
        _tell(message)
        return EXIT_USAGE
    finally:
        restore_signals()


def _tell(message: str) -> None:
    """The one line on stderr. When stderr is gone (a closed pipe, a hung-up terminal) the exit
    status is all that is left to tell: writing there raised BrokenPipeError, so a bad input
    exited 1 with an unseen traceback instead of 2."""
    from contextlib import suppress

    with suppress(OSError):
        print(f"flashdl: {message}", file=sys.stderr, flush=True)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program stands so that it unwinds as on Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_on_signals() -> Callable[[], None]:
    """SIGTERM (``kill``, ``timeout``, a service manager) and SIGHUP (the terminal closed) end a
    command as Ctrl-C does: by default they killed it where it stood, and an export, backup or
    restore left its half-written ``.NAME.XXXX.tmp`` file behind in the user's folder. Now the
    exception unwinds: temporary files are removed, an open transaction rolls back, every grade
    already made stays. A signal the caller set to be ignored (``nohup``) stays ignored.
    Returns the undo (``main`` is also called in-process, by tests; outside the main thread,
    where Python sets no handlers, nothing is changed)."""
    import signal
    import threading

    def stop(signum: int, _frame: object) -> None:
        raise Terminated(signum)

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGHUP)}
    for signum, handler in previous.items():
        if handler == signal.SIG_DFL:
            signal.signal(signum, stop)

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore


def _open_closed_streams() -> None:
    """A standard stream the caller closed (``flashdl due >&-``, a cron job or daemon without
    stdin) is None in ``sys``, and the first write or read of it was an AttributeError traceback.
    It becomes the null device, as ``print`` treats a missing stream: output is dropped and input
    is at its end (``study --plain`` ends as on ``q``, ``review --batch -`` has no reviews). Opened
    in order, each takes the lowest free descriptor, the closed one, so no file opened later
    lands on 0, 1 or 2."""
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115 - lives until exit


def failure_message(error: BaseException, db_path: str | None = None) -> str | None:
    """The one-line message for an error a user can cause, or None for a bug (re-raised)."""
    from flashdl.errors import FlashdlError, LocaleEncodingError, is_utf
    from flashdl.store.errors import database_error

    stored = database_error(error, db_path)
    if stored is not None:
        text = str(stored)
    elif isinstance(error, FlashdlError):
        text = str(error)
    elif isinstance(error, OSError):
        name = error.filename if error.filename is not None else ""
        text = f"{name}: {error.strerror or error}" if name else (error.strerror or str(error))
    elif isinstance(error, RecursionError):
        text = "input nested too deeply to read"
    elif isinstance(error, OverflowError):
        text = f"a number or date out of range ({error})"
    elif isinstance(error, UnicodeEncodeError) and not is_utf(error.encoding):
        # output to a terminal, pipe or path in a non-UTF-8 locale: the locale is the problem
        text = str(LocaleEncodingError(error.encoding, error.object[error.start:error.end]))
    elif isinstance(error, UnicodeError):
        text = f"text that is not valid Unicode ({error})"
    else:
        return None
    return " ".join(text.split("\n")).strip() or type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
