"""``flashdl show DECK/CARD [--json]``: one card as the study screen renders it (DESIGN §3).

Read-only: it never imports the bundled decks or writes the database. The
card's content comes from one service call (``services.show.card_content``)
and its text from the study screens' renderer (``presentation.card_view``);
for a computed card, the example of its own params and the worked solution. ``--json`` adds
the card's ``"schedule"`` now (``services.card_schedule``; docs/fsrs.md §8).
An unknown card is one line on stderr and exit 2 (``cli.main``).
"""

from __future__ import annotations

import argparse

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line


def show(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.presentation.card_view import card_json, card_lines
    from flashdl.services.show import card_content

    with ctx.open_store() as store:
        content = card_content(store, args.card, ctx.now() if args.json else None)
    example = None
    if content.engine is not None:
        from flashdl.services.exercises import own_example

        example = own_example(content.engine)
    if args.json:
        emit_json(ctx, card_json(content, example))
    else:
        from flashdl.formats.anki_media import media_dir_for

        for line in card_lines(content, example, media_dir_for(ctx.db_path)):
            emit_line(ctx, line)
    return 0
