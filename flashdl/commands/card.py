"""``flashdl card forget|set-due DECK/CARD... [--json]``: Anki's browser actions Forget (reset
card) and Set due date (DESIGN §3), all named cards in one transaction
(``flashdl.services.manual_schedule``). A bad card or due date: one line on stderr, exit 2,
nothing changed. ``--json``: one object a card with ``review --json``'s state keys."""

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
