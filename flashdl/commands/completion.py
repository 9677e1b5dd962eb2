"""Tab completion for bash, zsh and fish, through argcomplete.

``flashdl completion SHELL`` prints the shell code (argcomplete's, registered for ``flashdl``);
the shell then runs ``flashdl`` itself with ``_ARGCOMPLETE`` set at each tab press, and
``cli.main`` hands the parser to ``complete`` before anything else happens. Commands, options
and choices come from the parser; deck ids, ``DECK/CARD`` ids and tags from the database the
line names (``--db``, else FLASHDL_DB, else the default), read only (``store.names``);
engine families from the engine. Which argument takes which names is decided here, from the
parser's metavars and destinations, so ``cli.build_parser`` stays free of completion code
and of the argcomplete import (``--help`` never loads it).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from flashdl.commands.context import DB_ENV, Context, default_db_path

PROG = "flashdl"

Completer = Callable[..., list[str]]


def script(args: argparse.Namespace, ctx: Context) -> int:
    """``flashdl completion SHELL``: the code to source in the shell's start-up file."""
    import argcomplete

    ctx.stdout.write(argcomplete.shellcode([PROG], shell=args.shell))
    return 0


def complete(parser: argparse.ArgumentParser, *, exit_method: Callable[[int], Any] = os._exit,
             output_stream: TextIO | None = None) -> None:
    """Print the candidates for the line in the environment (COMP_LINE, COMP_POINT) and exit
    (argcomplete's ``os._exit`` by default; tests pass their own stream and exit)."""
    import argcomplete
    from argcomplete.completers import FilesCompleter

    files = FilesCompleter()
    for action in _actions(parser):
        if action.choices is not None or action.nargs == 0:
            continue  # argcomplete offers choices itself (--format, SHELL); a flag takes no value
        completer = _completer_for(action) or (files if _takes_path(action) else _nothing)
        action.completer = completer  # type: ignore[attr-defined]
    # options only once a '-' is typed: a bare tab lists the commands, or the names an argument takes
    argcomplete.autocomplete(parser, always_complete_options=False, exit_method=exit_method,
                             output_stream=output_stream)


def _actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    """Every argument of the parser and of its subcommands, depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _actions(sub)
        else:
            yield action


def _takes_path(action: argparse.Action) -> bool:
    """File names: the database, files to import or check, export targets, a batch file."""
    return action.dest in ("db", "paths", "path", "out", "batch")


def _completer_for(action: argparse.Action) -> Completer | None:
    if action.metavar == "DECK/CARD":
        return _names("card")
    if action.dest == "deck":  # DECK positionals and import's --deck ID
        return _names("deck")
    if action.dest == "tag":
        return _names("tag")
    if action.dest == "family":
        return _families
    if action.dest == "grade":
        return lambda prefix, **_: [grade for grade in "012345" if grade.startswith(prefix)]
    return None


def _nothing(**_: object) -> list[str]:
    """A number, a search, a moment, a card's text: nothing to offer (not argcomplete's default,
    the file names of the current folder)."""
    return []


def _names(kind: Any) -> Completer:
    def names(prefix: str, parsed_args: argparse.Namespace, **_: object) -> list[str]:
        from flashdl.store.names import names_for

        return names_for(_db_path(parsed_args), kind, prefix)

    return names


def _db_path(parsed_args: argparse.Namespace) -> Path:
    """The database the command line names, as ``Context.from_args`` finds it."""
    text = getattr(parsed_args, "db", None) or os.environ.get(DB_ENV)
    return Path(text).expanduser() if text else default_db_path()


def _families(prefix: str, **_: object) -> list[str]:
    from flashdl.engine import FAMILIES

    return sorted(name for name in FAMILIES if name.startswith(prefix))
