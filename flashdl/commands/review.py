"""``flashdl review``: grade cards from a script (DESIGN §3).

``--card DECK/CARD --grade Q`` records one review at ``--now`` (or now).
``--batch FILE.jsonl`` reads one ``{"card", "grade", "at"}`` object per line
(``at`` optional, ISO-8601, default ``--now``; blank lines skipped; ``-``
reads stdin). The whole file is validated first (JSON, keys, card ids,
grades, times, and that no card goes back in time), so a bad line changes
nothing; then each review is applied and committed in order, and with
``--json`` its result line is printed only once it is committed. A line
whose card already has a review at that moment is skipped and reported
(on stdout, or on stderr with ``--json``, whose stdout holds result lines
only), so a batch run twice or resumed records each review once. A key
given twice on one line is an error, and so is an ``at`` before 1970 or
more than a day after ``--now`` (a review dated 9999 would make every
later review of the card "go back in time").
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from flashdl.clock import MomentRangeError, parse_moment
from flashdl.commands.context import Context
from flashdl.commands.output import emit_json, emit_line
from flashdl.errors import InputError, SourcePosition, UsageError

if TYPE_CHECKING:
    from flashdl.services.reviews import PlannedReview
    from flashdl.services.views import ReviewResult

BATCH_KEYS = frozenset({"card", "grade", "at"})
CLOCK_SKEW = timedelta(days=1)  # how far in the future an "at" may be (clocks disagree)


def review(args: argparse.Namespace, ctx: Context) -> int:
    if args.batch is not None:
        if args.grade is not None:
            raise UsageError("--grade goes with --card; a batch gives a grade on each line")
        return _batch(args, ctx)
    if args.grade is None:
        raise UsageError("--card needs --grade 0..5")
    from flashdl.services.reviews import record_review

    with ctx.open_store(session=True) as store:
        result = record_review(store, args.card, args.grade, ctx.now())
    _print_result(ctx, result, args.json)
    return 0


def _batch(args: argparse.Namespace, ctx: Context) -> int:
    """Apply a batch in order; each review is durable once printed.

    A line whose card already has a review at that very moment (a batch run
    again, or resumed after a crash) is skipped and reported, never applied
    twice. If the database fails part-way (another flashdl holding the write
    lock past the timeout, a full disk), the reviews already printed stay
    recorded and the one-line error says how many; running the same batch
    again completes it.
    """
    now = ctx.now()
    planned = read_batch(args.batch, now, zone=now.tzinfo if ctx.now_given else None)
    from flashdl.services.reviews import AlreadyLoggedError, check_planned_reviews, record_review
    from flashdl.store import StoreError

    with ctx.open_store(session=True) as store:
        card_ids, rollover = check_planned_reviews(store, planned)
        done = 0
        for item, card_id in zip(planned, card_ids):
            skipped = card_id is None
            if card_id is not None:
                try:  # checked again inside the write: another process may run the same batch
                    result = record_review(store, card_id, item.grade, item.at, rollover_hour=rollover,
                                           once=True)
                except AlreadyLoggedError:
                    skipped = True
                except StoreError as error:
                    if not done:
                        raise
                    raise type(error)(f"{error} ({done} review(s) before {item.where} were recorded; "
                                      "running the batch again skips them)") from None
            if skipped:
                note = f"{item.where}: skipped: {item.card} already has a review at {item.at.isoformat()}"
                if args.json:  # stdout holds only result lines
                    print(f"flashdl: {note}", file=ctx.stderr)
                else:
                    emit_line(ctx, note)
                continue
            done += 1
            _print_result(ctx, result, args.json)
    return 0


def read_batch(name: str, default_at: datetime, *, zone: tzinfo | None = None) -> list[PlannedReview]:
    """Parse a JSONL batch; errors name the file and line. Each ``at`` is taken to ``zone`` (--now's),
    or with None to the machine's local zone, its summer time included, for its study day."""
    from flashdl.services.reviews import PlannedReview

    label = "<stdin>" if name == "-" else name
    from flashdl.services.exchange.files import read_stream_text, read_text

    if name == "-":  # bounded too: `< /dev/zero` or an endless pipe would fill the memory
        lines = read_stream_text(sys.stdin.buffer, label).splitlines()
    else:  # a regular file of bounded size: a FIFO or device would block or never end
        from pathlib import Path

        lines = read_text(Path(name)).splitlines()
    planned = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = SourcePosition(label, number)
        data = _parse_line(line, where)
        # the same moment, in the zone of the session (the machine's, or --now's): a study day
        # starts at 04:00 local time, so "07:00Z" is the day before for a user in New York
        at = data.get("at", default_at).astimezone(zone)
        if at - default_at > CLOCK_SKEW:
            raise InputError(f'"at" {at.isoformat()} is in the future (now is {default_at.isoformat()}); '
                             "a review cannot be recorded before it happens", where)
        planned.append(PlannedReview(
            card=data["card"], grade=data["grade"], at=at, where=str(where)
        ))
    if not planned:
        raise InputError("no reviews in the batch", SourcePosition(label))
    return planned


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members; a key given twice is an error (which one would count?)."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"key {key!r} appears twice")
        data[key] = value
    return data


def _parse_line(line: str, where: SourcePosition) -> dict[str, Any]:
    try:
        data = json.loads(line, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise InputError(f"not JSON: {error.msg} (column {error.colno})", where) from None
    except ValueError as error:
        raise InputError(str(error), where) from None
    except RecursionError:
        raise InputError("not a batch line: JSON nested too deeply", where) from None
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
        except MomentRangeError as error:
            raise InputError(f'"at" {error}', where) from None
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
            "leech": result.leech,  # this lapse made the card a leech (schema 10; compatible addition)
        })
        return
    repeat = "; again later today" if result.repeat_today else ""
    emit_line(ctx, f"{result.card}: grade {result.grade} ({result.kind.name.lower()}), next due {due} "
                   f"(interval {interval} d{', FSRS' if result.fsrs_due else ''}, ease {state.ease / 1000:.2f}, "
                   f"repetitions {state.repetitions}){repeat}")
    if result.leech:
        from flashdl.presentation.view_models import leech_message

        emit_line(ctx, leech_message(result.card, suspended=result.leech_suspended))
    ctx.stdout.flush()
