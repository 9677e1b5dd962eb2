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
import gc
import io
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress, groupby, islice
from operator import methodcaller, ne
from typing import NamedTuple

from flashdl.errors import InputError, SourcePosition

ANKI_COLUMNS = ("id", "cid", "usn", "ease", "ivl", "lastIvl", "factor", "time", "type", "card",
                "grade")
FSRS_COLUMNS = ("card_id", "review_time", "review_rating", "review_state", "review_duration")
# Anki's button -> SM-2 q. The inverse of DESIGN §4's q -> rating on 3..5; Again becomes 2, the
# failing grade whose E-Factor step (-0.32) is nearest Anki's own lapse penalty (-0.20).
GRADE_FOR_RATING = {1: 2, 2: 3, 3: 4, 4: 5}
MAX_DURATION_MS = 24 * 3600 * 1000


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
    kind: int  # flashdl ReviewKind: 0 new, 1 review, 2 drill
    interval_before: int
    interval_after: int
    repetitions_before: int
    ease_after: int
    duration_ms: int


def anki_type(row: ExportRow) -> int:
    """Anki's revlog type: learn for a first review, relearn after a lapse, cram for drills."""
    if row.kind == 0:
        return 0
    if row.kind == 2:
        return 3
    return 2 if row.repetitions_before == 0 else 1


def fsrs_state(row: ExportRow) -> int:
    """fsrs-optimizer review_state: 0 new, 1 learning (same-day repeat), 2 review, 3 relearning."""
    if row.kind == 0:
        return 0
    if row.kind == 2:
        return 1
    return 3 if row.repetitions_before == 0 else 2


def write_history(rows: Iterable[ExportRow], layout: str) -> Iterator[str]:
    """CSV text, in chunks, for ``layout`` ``anki`` or ``fsrs``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ANKI_COLUMNS if layout == "anki" else FSRS_COLUMNS)
    last_id = 0
    for count, row in enumerate(rows, start=1):
        if layout == "anki":
            review_id = max(row.reviewed_ms, last_id + 1)  # Anki's revlog id is unique
            last_id = review_id
            writer.writerow((review_id, row.card_number, -1, row.rating, row.interval_after,
                             row.interval_before, row.ease_after, row.duration_ms, anki_type(row),
                             row.card, row.grade))
        else:
            writer.writerow((row.card, row.reviewed_ms, row.rating, fsrs_state(row), row.duration_ms))
        if count % 10_000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def read_history(text: str, filename: str) -> dict[str, CardHistory]:
    """Every review in a history CSV of either layout, by card (``DECK/CARD`` or a bare id).

    Plain files (no quotes, blank lines or oversized fields: what flashdl, Anki
    and the fsrs-optimizer write) are read a column at a time, several times
    faster than row by row; anything else, and any file with an error, goes
    through the csv module row by row, which also names the line at fault.
    """
    header_line, _, body = text.partition("\n")
    try:
        header = next(csv.reader([header_line]))
    except StopIteration:
        raise InputError("empty file (expected a CSV header)", SourcePosition(filename, 1)) from None
    names = [name.strip() for name in header]
    index = {name: i for i, name in enumerate(names)}
    if "review_rating" in index and "card_id" in index and "review_time" in index:
        card_at, time_at, rating_at = index["card_id"], index["review_time"], index["review_rating"]
        duration_at = index.get("review_duration")
    elif {"id", "ease"} <= index.keys() and ("card" in index or "cid" in index):
        card_at, time_at, rating_at = index.get("card", index.get("cid")), index["id"], index["ease"]
        duration_at = index.get("time")
    else:
        raise InputError(
            f"unknown review-log header {','.join(names)!r} (expected Anki's revlog columns "
            f"{','.join(ANKI_COLUMNS)} or fsrs-optimizer's {','.join(FSRS_COLUMNS)})",
            SourcePosition(filename, 1))
    columns = _Columns(len(names), card_at, time_at, rating_at, duration_at, index.get("grade"))
    enabled = gc.isenabled()
    gc.disable()  # millions of young tuples and lists, none of them cyclic: no collections
    try:
        cards = _read_plain(body, columns)
        return cards if cards is not None else _read_rows(body, columns, filename)
    finally:
        if enabled:
            gc.enable()


class _Columns(NamedTuple):
    width: int
    card: int
    time: int
    rating: int
    duration: int | None
    grade: int | None


def _read_rows(body: str, at: _Columns, filename: str) -> dict[str, CardHistory]:
    """The reference reader: row by row through the csv module, errors with their line."""
    width, card_at, time_at, rating_at, duration_at, grade_at = at
    cards: dict[str, CardHistory] = {}
    reader = csv.reader(body.split("\n"), strict=True)
    line = 1
    try:
        for line, record in enumerate(reader, start=2):
            if len(record) != width:
                if not record or record == [""]:
                    continue
                raise InputError(f"ragged row: {len(record)} fields where the header has {width}",
                                 SourcePosition(filename, line))
            rating = int(record[rating_at])
            if grade_at is not None and record[grade_at] != "":
                grade = int(record[grade_at])
            else:
                grade = GRADE_FOR_RATING.get(rating, -1)
            if not 0 <= grade <= 5:
                if rating == 0 and grade_at is None:
                    continue  # Anki's manual rescheduling: not a review
                raise InputError(f"rating {rating} / grade {grade} out of range (1..4 / 0..5)",
                                 SourcePosition(filename, line))
            duration = int(record[duration_at]) if duration_at is not None and record[duration_at] else 0
            card = cards.get(record[card_at])
            if card is None:
                card = cards[record[card_at]] = CardHistory(line, [])
            if not 0 <= duration <= MAX_DURATION_MS:
                duration = 0 if duration < 0 else MAX_DURATION_MS
            card.reviews.append((int(record[time_at]), grade, duration))
    except ValueError as error:
        raise InputError(f"not a number ({error})", SourcePosition(filename, line)) from None
    except csv.Error as error:
        raise InputError(f"malformed CSV ({error})", SourcePosition(filename, line)) from None
    return cards


def _read_plain(body: str, at: _Columns) -> dict[str, CardHistory] | None:
    """``_read_rows``'s result for a body the csv module would split at every comma, column
    by column; None when that is not sure (quotes, blank lines, long fields) or any row is
    wrong, for ``_read_rows`` to read (and report) it."""
    if '"' in body or "\r" in body or "\x00" in body:
        return None
    lines = body.split("\n")
    if lines[-1] == "":
        lines.pop()
    if "" in lines or (len(body) > csv.field_size_limit()
                       and max(map(len, lines)) > csv.field_size_limit()):
        return None
    if lines and set(map(methodcaller("count", ","), lines)) != {at.width - 1}:
        return None  # a ragged row
    grouped: dict[str, CardHistory] = {}
    for first in range(0, len(lines), BLOCK_ROWS):  # a block at a time: its fields are transient
        if not _read_block(lines[first:first + BLOCK_ROWS], first, at, grouped):
            return None
    return grouped


BLOCK_ROWS = 50_000


def _read_block(lines: list[str], first: int, at: _Columns, grouped: dict[str, CardHistory]) -> bool:
    """Rows ``first``.. (``lines``, each ``at.width`` fields) into ``grouped``; False if one is wrong."""
    fields = ",".join(lines).split(",")
    width, count = at.width, len(lines)
    cards = fields[at.card::width]
    try:
        ratings = list(map(int, fields[at.rating::width]))
        times = list(map(int, fields[at.time::width]))
        if at.grade is None:
            grades: list[int | None] = list(map(GRADE_FOR_RATING.get, ratings))
        else:
            texts = fields[at.grade::width]
            grades = (list(map(int, texts)) if "" not in texts else
                      [int(g) if g != "" else GRADE_FOR_RATING.get(r, -1) for g, r in zip(texts, ratings)])
        if at.duration is None:
            durations = [0] * count
        else:
            texts = fields[at.duration::width]
            durations = list(map(int, texts)) if "" not in texts else [int(d) if d else 0 for d in texts]
    except ValueError:
        return False
    del fields
    rows: list[int] | range = range(first, first + count)
    if None in grades:  # no grade column: ratings outside 1..4
        keep = [g is not None for g in grades]
        if any(r != 0 for r, kept in zip(ratings, keep) if not kept):
            return False  # out of range: only Anki's manual reschedules (rating 0) are skipped
        rows = list(compress(rows, keep))
        cards, times, grades, durations = (list(compress(column, keep))
                                           for column in (cards, times, grades, durations))
    elif grades and (min(grades) < 0 or max(grades) > 5):  # type: ignore[type-var]
        return False
    if durations and (min(durations) < 0 or max(durations) > MAX_DURATION_MS):
        durations = [0 if d < 0 else MAX_DURATION_MS if d > MAX_DURATION_MS else d for d in durations]
    _group(grouped, cards, list(zip(times, grades, durations)), rows)  # type: ignore[arg-type]
    return True


def _group(grouped: dict[str, CardHistory], cards: list[str], reviews: list[tuple[int, int, int]],
           rows: Sequence[int]) -> None:
    """Add reviews to ``grouped`` by card, in file order; ``rows[i]`` is review i's row (line - 2).

    A file sorted by card (the optimizer's usual order) is taken a run at a time, in slices.
    """
    runs = 1 + sum(map(ne, islice(cards, 1, None), cards)) if cards else 0
    if runs * 4 <= len(cards):
        start = 0
        for card, run in groupby(cards):
            end = start + len(list(run))
            history = grouped.get(card)
            if history is None:
                grouped[card] = CardHistory(rows[start] + 2, reviews[start:end])
            else:
                history.reviews.extend(reviews[start:end])
            start = end
        return
    get = grouped.get
    for row, card, review in zip(rows, cards, reviews):
        history = get(card)
        if history is None:
            grouped[card] = CardHistory(row + 2, [review])
        else:
            history.reviews.append(review)
