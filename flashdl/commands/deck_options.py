"""``flashdl deck options DECK|--default [...]``: show or change a deck's options, or the
collection's defaults that decks without their own value follow (DESIGN §3)."""

from __future__ import annotations

import argparse
from typing import Any

from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line
from flashdl.errors import UsageError

# (argparse dest, option name): the flags that change an option
FLAGS = (
    ("new_per_day", "new_per_day"),
    ("reviews_per_day", "reviews_per_day"),
    ("new_order", "new_order"),
    ("leech_threshold", "leech_threshold"),
    ("leech_action", "leech_action"),
    ("scheduler", "scheduler"),
    ("desired_retention", "desired_retention"),
    ("fsrs_parameters", "fsrs_parameters"),
)


def options(args: argparse.Namespace, ctx: Context) -> int:
    from flashdl.services.deck_options import collection_defaults, get_options, set_options

    if (args.deck is None) == (not args.default):
        raise UsageError("deck options: name a DECK or give --default (the collection's defaults), not both")
    if args.rollover_hour is not None and not args.default:
        raise UsageError("--rollover-hour: the hour a study day starts is the whole collection's; "
                         "give it with --default, not a DECK")
    deck = None if args.default else args.deck
    changes: dict[str, Any] = {
        name: getattr(args, dest) for dest, name in FLAGS if getattr(args, dest) is not None
    }
    if "fsrs_parameters" in changes:
        from flashdl.scheduler.fsrs_schedule import parse_parameters

        text = changes["fsrs_parameters"]
        # "default": back to py-fsrs's defaults (stored null), e.g. after tuned weights did worse
        changes["fsrs_parameters"] = (None if text.strip().lower() in ("default", "defaults")
                                      else parse_parameters(text, source="--fsrs-parameters"))
    with ctx.open_store() as store:
        if deck is None:  # the defaults, and the collection's own hour a study day starts
            current, rollover_hour = collection_defaults(store, changes, rollover_hour=args.rollover_hour)
        else:
            current = set_options(store, deck, **changes) if changes else get_options(store, deck)
    data = current.to_json(deck)
    if deck is None:
        data["rollover_hour"] = rollover_hour
    if args.json:
        emit_json(ctx, data)
        return 0
    for key, value in data.items():
        if key == "deck":
            emit_line(ctx, "default options (decks without their own value)" if value is None
                      else f"deck {value}")
            continue
        if key == "reviews_per_day" and value is None:
            value = "no limit"
        elif key == "rollover_hour":
            key, value = "next day starts at", f"{value:02d}:00"
        elif key == "fsrs_parameters":
            value = "defaults" if value is None else ", ".join(f"{w:g}" for w in value)
        emit_line(ctx, f"  {key.replace('_', ' ')}: {value}")
    return 0
