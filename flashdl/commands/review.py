"""``flashdl review``: grade cards from a script (DESIGN §3).

``--card DECK/CARD --grade Q`` records one review at ``--now`` (or now).
``--batch FILE.jsonl`` reads one ``{"card", "grade", "at"}`` object per line
(``at`` optional, ISO-8601, default ``--now``; blank lines skipped; ``-``
reads stdin). The whole file is validated first (JSON, keys, card ids,
grades, times, and that no card goes back in time), so a bad line changes
nothing; then each review is applied and committed in order, and with
``--json`` its result line is printed only once it is committed.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flashdl.clock import parse_moment
from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line
from flashdl.errors import InputError, SourcePosition, UsageError

if TYPE_CHECKING:
    from flashdl.services.reviews import PlannedReview
    from flashdl.services.views import ReviewResult

BATCH_KEYS = frozenset({"card", "grade", "at"})


def review(args: argparse.Namespace, ctx: Context) -> int:
    if args.batch is not None:
        if args.grade is not None:
            raise UsageError("--grade goes with --card; a batch gives a grade on each line")
        return _batch(args, ctx)
    if args.grade is None:
        raise UsageError("--card needs --grade 0..5")
    from flashdl.services.reviews import record_review

    with ctx.open_store() as store:
        result = record_review(store, args.card, args.grade, ctx.now())
    _print_result(ctx, result, args.json)
    return 0


def _batch(args: argparse.Namespace, ctx: Context) -> int:
    planned = read_batch(args.batch, ctx.now())
    from flashdl.services.reviews import check_planned_reviews, record_review

    with ctx.open_store() as store:
        card_ids, rollover = check_planned_reviews(store, planned)
        for item, card_id in zip(planned, card_ids):
            result = record_review(store, card_id, item.grade, item.at, rollover_hour=rollover)
            _print_result(ctx, result, args.json)
    return 0


def read_batch(name: str, default_at: datetime) -> list[PlannedReview]:
    """Parse a JSONL batch; errors name the file and line."""
    from flashdl.services.reviews import PlannedReview

    label = "<stdin>" if name == "-" else name
    try:
        if name == "-":
            lines = sys.stdin.read().splitlines()
        else:
            with open(name, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
    except FileNotFoundError:
        raise InputError("no such file", SourcePosition(label)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read: {error}", SourcePosition(label)) from None
    planned = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = SourcePosition(label, number)
        data = _parse_line(line, where)
        planned.append(PlannedReview(
            card=data["card"], grade=data["grade"], at=data.get("at", default_at), where=str(where)
        ))
    if not planned:
        raise InputError("no reviews in the batch", SourcePosition(label))
    return planned


def _parse_line(line: str, where: SourcePosition) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"not JSON: {error.msg} (column {error.colno})", where) from None
    if not isinstance(data, dict):
        raise InputError('expected an object {"card", "grade", "at"}', where)
    unknown = set(data) - BATCH_KEYS
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(sorted(unknown))} (allowed: card, grade, at)", where)
    card, grade = data.get("card"), data.get("grade")
    if not isinstance(card, str) or "/" not in card:
        raise InputError('"card" must be a DECK/CARD string', where)
    if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
        raise InputError(f'"grade" must be a whole number 0..5, not {grade!r}', where)
    if "at" in data:
        if not isinstance(data["at"], str):
            raise InputError('"at" must be an ISO-8601 string', where)
        try:
            data["at"] = parse_moment(data["at"])
        except ValueError:
            raise InputError(f'"at" {data["at"]!r} is not an ISO-8601 date and time', where) from None
    return data


def _print_result(ctx: Context, result: ReviewResult, as_json: bool) -> None:
    state = result.state
    due = result.due.isoformat() if result.due else None
    # Under FSRS the due day and interval are FSRS's (the card's SM-2 state is kept alongside).
    interval = state.interval if result.fsrs_due is None else (result.fsrs_due - result.study_day).days
    if as_json:
        emit_json(ctx, {
            "card": result.card,
            "grade": result.grade,
            "reviewed_at": result.reviewed_at.isoformat(),
            "repetitions": state.repetitions,
            "ease": state.ease / 1000,
            "interval": interval,
            "due": due,
        })
        return
    repeat = "; again later today" if result.repeat_today else ""
    emit_line(ctx, f"{result.card}: grade {result.grade} ({result.kind.name.lower()}), next due {due} "
                   f"(interval {interval} d{', FSRS' if result.fsrs_due else ''}, ease {state.ease / 1000:.2f}, "
                   f"repetitions {state.repetitions}){repeat}")
    ctx.stdout.flush()
