"""``flashdl show DECK/CARD [--json]``: one card as the study screen renders it (DESIGN §3).

Read-only: it never imports the bundled decks or writes the database. The
card's content comes from one service call (``services.show.card_content``)
and its text from the study screens' renderer (``presentation.card_view``);
for a computed card, the example of its own params and the worked solution. Then the
card's schedule now (``services.card_schedule``; docs/fsrs.md §8): ``--json``'s
``"schedule"``, or the card screen's rows (``card_rows.schedule_lines``), its Flags row
(suspended, buried while in effect, leech, retired) included.
An unknown card is one line on stderr and exit 2 (``cli.main``).
"""

from __future__ import annotations

import argparse

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line


def show(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.presentation.card_view import card_json, card_lines
    from flashdl.services.show import card_content

    now = ctx.now()
    with ctx.open_store() as store:
        content = card_content(store, args.card, now)
        today = None
        if not args.json:
            from flashdl.clock import study_day
            from flashdl.services.settings import get_settings

            today = study_day(now, rollover_hour=get_settings(store).rollover_hour)
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
        if content.schedule is not None and today is not None:
            from flashdl.presentation.card_rows import schedule_flags, schedule_lines

            rows = schedule_lines(content.schedule, today)
            if flags := schedule_flags(content.schedule, today):
                rows.append(("Flags", flags))
            width = max(len(label) for label, _value in rows)
            emit_line(ctx, "--- schedule")
            for label, value in rows:
                emit_line(ctx, f"{label:<{width}}  {value}")
    return 0
