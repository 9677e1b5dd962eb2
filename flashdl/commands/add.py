"""``flashdl add DECK --front TEXT --back TEXT [--tag T]... [--json]`` (DESIGN §3)."""

from __future__ import annotations

import argparse

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line


def add(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services.add_card import add_card

    with ctx.open_store() as store:
        card = add_card(store, args.deck, args.front, args.back, args.tag, ctx.now())
    if args.json:
        emit_json(ctx, {"card": card})
    else:
        emit_line(ctx, f"added {card}")
    return 0
