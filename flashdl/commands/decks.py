"""``flashdl decks`` and ``flashdl due``: what there is and what is due (DESIGN §3)."""

from __future__ import annotations

import argparse

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line, table, table_lines

FRONT_WIDTH = 60


def decks(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services.browse import list_decks

    with ctx.open_store() as store:
        summaries = list_decks(store, ctx.now())
    if args.json:
        emit_json(ctx, [
            {"id": d.id, "name": d.name, "total": d.total, "new": d.new,
             "learning": d.learning, "due": d.due, "suspended": d.suspended}
            for d in summaries
        ])
        return 0
    if not summaries:
        emit_line(ctx, "no decks yet: flashdl import --bundled, or flashdl import PATH")
        return 0
    rows = [[d.id, d.name, str(d.new), str(d.learning), str(d.due), str(d.suspended), str(d.total)]
            for d in summaries]
    emit_line(ctx, table(rows, ["deck", "name", "new", "learning", "due", "suspended", "total"],
                         right={2, 3, 4, 5, 6}))
    return 0


def due(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services.study import study_queue

    with ctx.open_store() as store:
        items = study_queue(store, ctx.now(), deck=args.deck, limit=args.limit)
    if args.json:
        emit_json(ctx, [
            {"card": i.card, "front": i.front, "kind": i.kind.value, "due": i.due.isoformat()}
            for i in items
        ])
        return 0
    if not items:
        emit_line(ctx, "nothing due")
        return 0
    rows = [[i.card, i.kind.value, i.due.isoformat(), _one_line(i.front)] for i in items]
    del items
    # line by line: every card can be due, and the table need not exist as one string as well
    ctx.stdout.writelines(line + "\n" for line in table_lines(rows, ["card", "kind", "due", "front"]))
    return 0


def _one_line(text: str) -> str:
    if "![" in text or "[sound:" in text:  # pictures as "[image: NAME]", as the browse list shows them
        from flashdl.presentation.card_media import media_lines

        text = media_lines(text)
    line = " ".join(text.split())
    return line if len(line) <= FRONT_WIDTH else line[: FRONT_WIDTH - 1] + "…"
