"""``flashdl decks`` and ``flashdl due``: what there is and what is due (DESIGN §3)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from contextlib import closing

from flashdl.commands.context import Context
from flashdl.commands.output import column_table, emit_json, emit_json_objects, emit_line, table

FRONT_WIDTH = 60


def decks(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services.deck_list import list_decks

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
    from flashdl.services.queue_listing import queue_lines

    # closing: the listing's read transaction ends before the store closes, even when the
    # reader of the output goes away mid-way (`flashdl due --json | head -c 100`)
    with ctx.open_store() as store, closing(queue_lines(store, ctx.now(), deck=args.deck,
                                                        limit=args.limit)) as chunks:
        if args.json:
            emit_json_objects(ctx, ("card", "front", "kind", "due"),
                              ((c.cards, c.fronts, c.kinds, c.dues) for c in chunks))
            return 0
        # every card can be due: the table is made a chunk of lines at a time (output.column_table)
        lines = column_table(((c.cards, c.kinds, c.dues, _one_lines(c.fronts)) for c in chunks),
                             ["card", "kind", "due", "front"], repeats={1, 2})
        header = next(lines)
        first = next(lines, None)
    if first is None:
        emit_line(ctx, "nothing due")
        return 0
    ctx.stdout.write(header)
    ctx.stdout.write(first)
    ctx.stdout.writelines(lines)
    return 0


def _one_lines(texts: Sequence[str]) -> list[str]:
    """Each front on one line of at most FRONT_WIDTH characters (whitespace runs as one space),
    pictures as "[image: NAME]", as the browse list shows them. A chunk at a time: the
    whitespace is folded by C-level passes over the chunk, not a Python call per front."""
    joined = "\n".join(texts)  # a mark cannot span two fronts: the newline is in no mark
    if "![" in joined or "[sound:" in joined:
        from flashdl.presentation.card_media import media_lines

        texts = [media_lines(text) if "![" in text or "[sound:" in text else text for text in texts]
    lines = list(map(" ".join, map(str.split, texts)))
    if max(map(len, lines), default=0) <= FRONT_WIDTH:
        return lines
    return [line if len(line) <= FRONT_WIDTH else line[: FRONT_WIDTH - 1] + "…" for line in lines]
