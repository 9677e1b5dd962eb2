"""``flashdl card forget|set-due|suspend|unsuspend DECK/CARD... [--json]``: Anki's browser
actions Forget (reset card), Set due date (``flashdl.services.manual_schedule``) and Suspend
(``flashdl.services.card_flags``), all named cards in one transaction. A bad card or due date:
one line on stderr, exit 2, nothing changed. ``--json``: one object a card, with ``review
--json``'s state keys (forget, set-due) or ``{"card", "suspended"}``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line
from flashdl.errors import UsageError

if TYPE_CHECKING:
    from flashdl.services.manual_schedule import ManualResult


def forget(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services.manual_schedule import forget_cards

    with ctx.open_store(session=True) as store:
        results = forget_cards(store, args.cards, ctx.now())
    _print(ctx, results, args.json)
    return 0


def set_due(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.scheduler.due_spec import parse_due_spec
    from flashdl.services.manual_schedule import set_due_cards

    try:
        spec = parse_due_spec(args.days)
    except ValueError as error:
        raise UsageError(f"--days: {error}") from None
    with ctx.open_store(session=True) as store:
        results = set_due_cards(store, args.cards, spec, ctx.now())
    _print(ctx, results, args.json)
    return 0


def suspend(args: argparse.Namespace, ctx: Context) -> int:
    return _suspend(args, ctx, suspended=True)


def unsuspend(args: argparse.Namespace, ctx: Context) -> int:
    return _suspend(args, ctx, suspended=False)


def _suspend(args: argparse.Namespace, ctx: Context, *, suspended: bool) -> int:
    """``--json``: one ``{"card", "suspended"}`` a card, as ``show --json``'s schedule names the flag."""
    from flashdl.services.card_flags import suspend_cards

    with ctx.open_store() as store:
        names = suspend_cards(store, args.cards, suspended)
    for name in names:
        if args.json:
            emit_json(ctx, {"card": name, "suspended": suspended})
        else:
            emit_line(ctx, f"{name}: {'suspended' if suspended else 'unsuspended'}")
    ctx.stdout.flush()
    return 0


def _print(ctx: Context, results: list[ManualResult], as_json: bool) -> None:
    for result in results:
        state, due = result.state, result.due
        if as_json:
            emit_json(ctx, {
                "card": result.card,
                "repetitions": state.repetitions,
                "ease": state.ease / 1000,
                "interval": result.interval,
                "due": None if due is None else due.isoformat(),
            })
        elif due is None:
            emit_line(ctx, f"{result.card}: forgotten, new again (ease {state.ease / 1000:.2f}, repetitions 0)")
        else:
            emit_line(ctx, f"{result.card}: due {due.isoformat()} (interval {result.interval} d"
                           f"{', FSRS' if result.fsrs else ''}, ease {state.ease / 1000:.2f}, "
                           f"repetitions {state.repetitions})")
    ctx.stdout.flush()
