"""Review history as CSV, in two layouts (INTEROP §3d), both ways.

``anki``: Anki's revlog columns ``id, cid, usn, ease, ivl, lastIvl, factor,
time, type`` plus ``card`` (flashdl's ``DECK/CARD``) and ``grade`` (the SM-2
q 0..5, which Anki's 1..4 ``ease`` cannot carry). ``fsrs``: the
fsrs-optimizer's ``revlog.csv`` (``card_id, review_time, review_rating,
review_state, review_duration``), with ``card_id`` the ``DECK/CARD`` text.

Reading takes either layout (the header decides) and returns one
``HistoryRow`` per review; a file without a ``grade`` column gets the grade
of ``GRADE_FOR_RATING``. A history may hold millions of reviews, so reading
groups them by card as plain ``(ms, grade, duration)`` tuples.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from flashdl.errors import InputError, SourcePosition
from flashdl.formats.anki_schedule import MANUAL, revlog_factor, revlog_type
from flashdl.formats.review_bounds import CLOCK_SKEW_MS, EARLIEST_MS, MAX_MS, time_problem

ANKI_COLUMNS = ("id", "cid", "usn", "ease", "ivl", "lastIvl", "factor", "time", "type", "card",
                "grade")
FSRS_COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")
# Anki's button -> SM-2 q. The inverse of DESIGN §4's q -> rating on 3..5; Again becomes 2, the
# failing grade whose E-Factor step (-0.32) is nearest Anki's own lapse penalty (-0.20).
GRADE_FOR_RATING = {1: 2, 2: 3, 3: 4, 4: 5}
MAX_DURATION_MS = 24 * 3600 * 1000


FILTERED_KIND, MANUAL_KIND = 3, 4  # Anki's revlog.type of a filtered deck's row and a manual one
RESET, PREVIEW = "reset", "preview"


def outside_schedule(kind: int, factor: int) -> str | None:
    """What Anki's scheduler makes of a revlog row with no ease factor (rslib's ``RevlogEntry``
    ``is_reset`` / ``is_cramming``): ``RESET`` for a manual one ("Forget": the card is new again
    and its earlier reviews are ignored), ``PREVIEW`` for a filtered deck's preview (schedules
    nothing); None for a row Anki schedules from ("Set due date" keeps the card's factor)."""
    if factor != 0:
        return None
    return RESET if kind == MANUAL_KIND else PREVIEW if kind == FILTERED_KIND else None


class CardHistory(NamedTuple):
    line: int  # where the card's first review is
    reviews: list[tuple[int, int, int]]  # (reviewed_ms, grade 0..5, duration_ms), file order


class ExportRow(NamedTuple):
    """One review as flashdl knows it, for writing."""

    card: str
    card_number: int  # a stable integer for Anki's ``cid``
    reviewed_ms: int
    grade: int
    rating: int
    kind: int  # flashdl ReviewKind: 0 new, 1 review, 2 drill, 3 forget, 4 set due date
    interval_before: int
    interval_after: int
    repetitions_before: int
    ease_after: int
    duration_ms: int
    first_review: bool = False  # no review before it: a new card's, or one given a due date before it


def fsrs_state(row: ExportRow, anki_type: int) -> int:
    """fsrs-optimizer review_state: 0 new, 1 learning, 2 review, 3 relearning. A same-day
    repeat is learning on a new card's first day and relearning after a review (the state
    the optimizer's own Anki converter gives: ``anki_type`` + 1), a review relearning while
    SM-2 has the card back at 0 repetitions after a lapse. A card's first review is new, also
    when a Set due date made it a review card before it (its kind is review, as in Anki)."""
    if row.kind == 0 or (row.kind == 1 and row.first_review):
        return 0
    if row.kind == 2:
        return anki_type + 1
    return 3 if row.repetitions_before == 0 else 2


def write_history(rows: Iterable[ExportRow], layout: str) -> Iterator[str]:
    """CSV text, in chunks, for ``layout`` ``anki`` or ``fsrs``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ANKI_COLUMNS if layout == "anki" else FSRS_COLUMNS)
    last_id = 0
    day_types: dict[int, int] = {}  # card -> the revlog type its same-day repeats take
    for count, row in enumerate(rows, start=1):
        # the .apkg's mapping (a repeat was "3", Anki's filtered/cram, here)
        anki_type, day_types[row.card_number] = revlog_type(row.kind, day_types.get(row.card_number, 0))
        if layout == "anki":
            review_id = max(row.reviewed_ms, last_id + 1)  # Anki's revlog id is unique
            last_id = review_id
            writer.writerow((review_id, row.card_number, -1, row.rating, row.interval_after,
                             row.interval_before, revlog_factor(row.kind, row.ease_after), row.duration_ms,
                             anki_type, row.card, row.grade))
        elif anki_type == MANUAL:
            continue  # fsrs-optimizer's layout holds reviews only: a Forget or Set due date is none
        else:
            writer.writerow((row.card, row.reviewed_ms, row.rating, fsrs_state(row, anki_type),
                             row.duration_ms))
        if count % 10_000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class RevlogFile(NamedTuple):
    cards: dict[str, CardHistory]
    before_reset: int  # reviews left out because Anki reset ("Forget") their card after them


def read_history(text: str, filename: str, *, now_ms: int | None = None) -> dict[str, CardHistory]:
    """Every review in a history CSV of either layout, by card (``DECK/CARD`` or a bare id)."""
    return read_revlog(text, filename, now_ms=now_ms).cards


def read_revlog(text: str, filename: str, *, now_ms: int | None = None) -> RevlogFile:
    """``read_history``, and how many reviews came before a reset of their card.

    Reviews must lie within ``review_bounds`` (after 1970, at most a day
    after ``now_ms``); a row outside them is an error naming its line. In
    Anki's columns, the rows Anki's scheduler leaves out are left out as an
    ``.apkg``'s are (``outside_schedule``): a reset drops its card's earlier reviews.
    """
    lines = iter(text.split("\n"))
    try:
        header = next(csv.reader([next(lines)]))
    except StopIteration:
        raise InputError("empty file (expected a CSV header)", SourcePosition(filename, 1)) from None
    names = [name.strip() for name in header]
    index = {name: i for i, name in enumerate(names)}
    if "review_rating" in index and "card_id" in index and "review_time" in index:
        card_at, time_at, rating_at = index["card_id"], index["review_time"], index["review_rating"]
        duration_at = index.get("review_duration")
        kind_at = factor_at = None
    elif {"id", "ease"} <= index.keys() and ("card" in index or "cid" in index):
        card_at = index["card"] if "card" in index else index["cid"]
        time_at, rating_at = index["id"], index["ease"]
        duration_at = index.get("time")
        kind_at, factor_at = index.get("type"), index.get("factor")
    else:
        raise InputError(
            f"unknown review-log header {','.join(names)!r} (expected Anki's revlog columns "
            f"{','.join(ANKI_COLUMNS)} or fsrs-optimizer's {','.join(FSRS_COLUMNS)})",
            SourcePosition(filename, 1))
    grade_at = index.get("grade")
    width = len(names)
    before_reset = 0
    cards: dict[str, CardHistory] = {}
    find, grade_for = cards.get, GRADE_FOR_RATING.get
    reader = csv.reader(lines, strict=True)
    latest_ms = MAX_MS if now_ms is None else min(MAX_MS, now_ms + CLOCK_SKEW_MS)
    line = 1
    try:
        for line, record in enumerate(reader, start=2):
            if len(record) != width:
                if not record or record == [""]:
                    continue
                raise InputError(f"ragged row: {len(record)} fields where the header has {width}",
                                 SourcePosition(filename, line))
            if kind_at is not None and factor_at is not None and record[kind_at] and record[factor_at]:
                outside = outside_schedule(int(record[kind_at]), int(record[factor_at]))
                if outside is not None:
                    if outside == RESET and (dropped := cards.pop(record[card_at], None)) is not None:
                        before_reset += len(dropped.reviews)
                    continue
            rating = int(record[rating_at])
            if rating == 0 and kind_at is not None and record[kind_at] and int(record[kind_at]) == MANUAL_KIND:
                continue  # a Set due date (flashdl writes its grade column 0 there): no review
            graded = record[grade_at] if grade_at is not None else ""  # the SM-2 grade, when the row has one
            grade = int(graded) if graded else grade_for(rating, -1)
            if not 0 <= grade <= 5:
                if rating == 0 and not graded:
                    continue  # Anki's manual rescheduling: not a review
                problem = (f"grade {grade} out of range (SM-2 grades are 0..5)" if graded else
                           f"rating {rating} out of range (Anki's buttons are 1..4; 0, a manual reschedule, "
                           "is skipped)")
                raise InputError(problem, SourcePosition(filename, line))
            duration = int(record[duration_at]) if duration_at is not None and record[duration_at] else 0
            card = find(record[card_at])
            if card is None:
                card = cards[record[card_at]] = CardHistory(line, [])
            if not 0 <= duration <= MAX_DURATION_MS:
                duration = 0 if duration < 0 else MAX_DURATION_MS
            reviewed_ms = int(record[time_at])
            if not EARLIEST_MS <= reviewed_ms <= latest_ms:
                raise InputError(str(time_problem(reviewed_ms, now_ms)), SourcePosition(filename, line))
            card.reviews.append((reviewed_ms, grade, duration))
    except ValueError as error:
        raise InputError(f"not a number ({error})", SourcePosition(filename, line)) from None
    except csv.Error as error:
        raise InputError(f"malformed CSV ({error})", SourcePosition(filename, line)) from None
    return RevlogFile(cards, before_reset)
