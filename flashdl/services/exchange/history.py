"""Bringing review history into the store: log rows and card states rebuilt by SM-2 replay.

What an import does, per card: the reviews it brings that the card does not
already have (same moment = same review) join the card's log; the whole log
is then replayed in time order through SM-2 (DESIGN §4, same-day repeats as
drills), which rewrites every row's before/after columns and the card's
state, so the log and the state agree exactly as if the reviews had been
made in flashdl. A card with no reviews before gets rows appended; one with
reviews is rebuilt (its rows deleted and written again in order). Reviews
keep the study day they were logged with; new ones get the study day of
their moment in the importing machine's time zone and rollover hour.

Replay is SM-2's integer arithmetic (``sm2.next_ease``, ``sm2.next_interval``
and its constants) on day ordinals instead of ``sm2.review`` objects: the
same results (a property test compares them) at a tenth of the cost, which
is what lets a million reviews import in seconds. Cards whose reviews carry
no variant, typed answer or verdict (every revlog CSV) go through
``replay_into``, the same loop with SM-2 inlined, writing flat values that
``flashdl.store.log_bulk`` loads many rows per statement.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from operator import countOf, itemgetter
from typing import Any, NamedTuple

from flashdl.clock import study_day
from flashdl.scheduler import sm2
from flashdl.scheduler.sm2 import CardState, ReviewKind
from flashdl.store import bulk as store_access
from flashdl.store.log_bulk import insert_log_rows

DAY_BUCKET_MS = 15 * 60 * 1000  # every UTC offset in use is a multiple of 15 minutes
LAST_DAY = date.max.toordinal()  # a long run of passes can schedule past 9999-12-31: clamp


class Incoming(NamedTuple):
    """One review to merge (plain 7-tuples in this order are accepted too: they are cheaper)."""

    reviewed_ms: int
    grade: int
    duration_ms: int = 0
    variant_params: str | None = None  # JSON text
    typed_answer: str | None = None
    answer_correct: int | None = None
    day: int | None = None  # study day ordinal when already known


@dataclass(frozen=True)
class HistoryCounts:
    cards: int  # cards whose history changed
    added: int  # reviews added
    duplicates: int  # reviews already there (same card, same moment)


class DayFunction:
    """ms -> study-day ordinal in ``tz``, cached per quarter hour.

    ``tz`` None is the machine's local zone with its own offset at each
    moment (summer time included), as the moments of reviews made here had.
    ``cache`` (quarter hour -> day) is public so that ``replay_into`` can look
    a day up without a call per review.
    """

    __slots__ = ("cache", "rollover_hour", "tz")

    def __init__(self, tz: tzinfo | None, rollover_hour: int) -> None:
        self.tz, self.rollover_hour = tz, rollover_hour
        self.cache: dict[int, int] = {}

    def __call__(self, ms: int) -> int:
        bucket = ms // DAY_BUCKET_MS
        day = self.cache.get(bucket)
        if day is None:
            seconds = bucket * DAY_BUCKET_MS / 1000
            moment = (datetime.fromtimestamp(seconds, self.tz) if self.tz is not None
                      else datetime.fromtimestamp(seconds).astimezone())
            day = self.cache[bucket] = study_day(moment, rollover_hour=self.rollover_hour).toordinal()
        return day


def day_function(tz: tzinfo | None, rollover_hour: int) -> Callable[[int], int]:
    """ms -> study-day ordinal in ``tz`` (None: local time at each moment); see ``DayFunction``."""
    return DayFunction(tz, rollover_hour)


def replay(card_id: int, reviews: Iterable[Incoming], day_of: Callable[[int], int],
           iso: Callable[[int | None], str | None], *,
           plain: bool = False) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
    """Log rows (the store's column order) and the final state row of one card.

    ``plain`` (no review has a variant, typed answer or verdict) leaves those
    three last columns out of the rows: binding fewer values is faster.
    """
    n, ease, interval, due, last, pending = 0, sm2.INITIAL_EASE, 0, None, None, False
    due_text = last_text = None  # their ISO forms, carried along (a row needs four dates)
    rows = []
    next_ease, next_interval = sm2.next_ease, sm2.next_interval
    drill, new, again = int(ReviewKind.DRILL), int(ReviewKind.NEW), int(ReviewKind.REVIEW)
    for ms, grade, duration, params, typed, correct, known_day in reviews:
        day = known_day if known_day is not None else day_of(ms)
        if last is not None and day < last:
            day = last  # a clock that went back: count it on the last study day
        day_text = last_text if day == last else iso(day)
        if day == last:
            kind = drill
            n2, ease2, interval2, due2, due2_text = n, ease, interval, due, due_text
        else:
            kind = new if last is None else again
            if grade < sm2.PASS_GRADE:
                n2, interval2 = 0, sm2.FIRST_INTERVAL
            elif n == 0:
                n2, interval2 = 1, sm2.FIRST_INTERVAL
            elif n == 1:
                n2, interval2 = 2, sm2.SECOND_INTERVAL
            else:
                n2, interval2 = n + 1, next_interval(interval, ease)
            ease2 = next_ease(ease, grade)
            due2 = day + interval2
            if due2 > LAST_DAY:
                due2 = LAST_DAY
            due2_text = iso(due2)
        rating = 1 if grade < sm2.PASS_GRADE else grade - 1
        if plain:
            rows.append((card_id, ms, day_text, grade, rating, kind, n, n2, ease, ease2, interval,
                         interval2, due_text, due2_text, last_text, int(pending), duration))
        else:
            rows.append((card_id, ms, day_text, grade, rating, kind, n, n2, ease, ease2, interval,
                         interval2, due_text, due2_text, last_text, int(pending), duration, params,
                         typed, correct))
        n, ease, interval, due, last, pending = n2, ease2, interval2, due2, day, grade < sm2.REPEAT_BELOW
        due_text, last_text = due2_text, day_text
    return rows, (n, ease, interval, due_text, last_text, int(pending), card_id)


class IsoDays:
    """Day ordinal -> ISO text (None stays None), cached: a history has few distinct days."""

    __slots__ = ("cache",)

    def __init__(self) -> None:
        self.cache: dict[int, str] = {}

    def __call__(self, ordinal: int | None) -> str | None:
        if ordinal is None:
            return None
        text = self.cache.get(ordinal)
        if text is None:
            text = self.cache[ordinal] = date.fromordinal(ordinal).isoformat()
        return text


def iso_days() -> Callable[[int | None], str | None]:
    return IsoDays()


def replay_into(out: list[Any], card_id: int, reviews: Iterable[Incoming],
                day_of: Callable[[int], int], iso: Callable[[int | None], str | None]
                ) -> tuple[Any, ...]:
    """``replay(..., plain=True)`` with its rows' values appended to the flat list ``out``
    (17 a row, for ``log_bulk.insert_log_rows``): the same numbers (a property test compares
    them), with SM-2's steps inlined and the day caches read directly, since a million-review
    import spends most of its Python time in this loop.
    """
    n, ease, interval, last, pending = 0, sm2.INITIAL_EASE, 0, None, 0
    due_text = last_text = None
    days = getattr(day_of, "cache", None)
    days = days if isinstance(days, dict) else {}
    texts = getattr(iso, "cache", None)
    texts = texts if isinstance(texts, dict) else {}
    extend = out.extend
    bucket_ms, pass_grade, repeat_below = DAY_BUCKET_MS, sm2.PASS_GRADE, sm2.REPEAT_BELOW
    first, second, lowest, last_day = sm2.FIRST_INTERVAL, sm2.SECOND_INTERVAL, sm2.MINIMUM_EASE, LAST_DAY
    perfect = sm2.MAX_GRADE
    for ms, grade, duration, _params, _typed, _correct, day in reviews:
        if day is None:
            try:  # a subscript is cheaper than a .get call; a miss is rare (once a quarter hour)
                day = days[ms // bucket_ms]
            except KeyError:
                day = day_of(ms)
        rating = 1 if grade < pass_grade else grade - 1
        if last is not None and day <= last:  # a same-day repeat (or a clock that went back)
            extend((card_id, ms, last_text, grade, rating, 2, n, n, ease, ease, interval, interval,
                    due_text, due_text, last_text, pending, duration))
        else:
            if grade < pass_grade:
                n2, interval2 = 0, first
            elif n == 0:
                n2, interval2 = 1, first
            elif n == 1:
                n2, interval2 = 2, second
            else:
                n2, interval2 = n + 1, -(-interval * ease // 1000)
            miss = perfect - grade
            ease2 = ease + 100 - miss * (80 + miss * 20)
            if ease2 < lowest:
                ease2 = lowest
            due2 = day + interval2
            if due2 > last_day:
                due2 = last_day
            try:
                day_text, due2_text = texts[day], texts[due2]
            except KeyError:
                day_text, due2_text = iso(day), iso(due2)
            extend((card_id, ms, day_text, grade, rating, 0 if last is None else 1, n, n2, ease, ease2,
                    interval, interval2, due_text, due2_text, last_text, pending, duration))
            n, ease, interval, due_text, last_text, last = n2, ease2, interval2, due2_text, day_text, day
        pending = 1 if grade < repeat_below else 0
    return (n, ease, interval, due_text, last_text, pending, card_id)


def import_reviews(db: sqlite3.Connection, incoming: dict[int, list[Incoming]],
                   day_of: Callable[[int], int]) -> HistoryCounts:
    """Merge ``incoming`` (store card id -> reviews) into the log and replay (caller's transaction)."""
    enabled = gc.isenabled()
    gc.disable()  # a million rows of tuples, none cyclic: collections would only rescan them
    try:
        return _import_reviews(db, incoming, day_of)
    finally:
        if enabled:
            gc.enable()


def _import_reviews(db: sqlite3.Connection, incoming: dict[int, list[Incoming]],
                    day_of: Callable[[int], int]) -> HistoryCounts:
    existing = store_access.card_reviews(db, incoming)
    iso = iso_days()
    rebuilt: list[int] = []
    rows: list[tuple[Any, ...]] = []
    plain_values: list[Any] = []  # the plain cards' rows, 17 values each, end to end
    states: list[tuple[Any, ...]] = []
    added = duplicates = 0
    moment = itemgetter(0)
    for card_id, reviews in incoming.items():
        old = existing.get(card_id, [])
        moments = set(map(moment, reviews))
        if not old and len(moments) == len(reviews):
            fresh = list(reviews)  # the usual case, checked in C: nothing to skip
        else:
            seen = {row[1] for row in old}
            fresh = []
            for review in reviews:
                if review[0] in seen:
                    duplicates += 1
                    continue
                seen.add(review[0])
                fresh.append(review)
        if not fresh:
            continue
        added += len(fresh)
        if old:
            rebuilt.append(card_id)
            fresh.extend(_incoming_of(row) for row in old)
        fresh.sort(key=moment)
        count = len(fresh)
        if (countOf(map(itemgetter(3), fresh), None) == count
                and countOf(map(itemgetter(4), fresh), None) == count
                and countOf(map(itemgetter(5), fresh), None) == count):
            states.append(replay_into(plain_values, card_id, fresh, day_of, iso))
        else:
            card_rows, state = replay(card_id, fresh, day_of, iso)
            rows.extend(card_rows)
            states.append(state)
    store_access.delete_reviews(db, rebuilt)
    insert_log_rows(db, rows, plain_values)
    store_access.save_states(db, states)
    return HistoryCounts(cards=len(states), added=added, duplicates=duplicates)


def _incoming_of(row: tuple[Any, ...]) -> Incoming:
    """An existing log row (``LOG_COLUMNS`` order) as a review to replay, keeping its study day."""
    day = row[2] if isinstance(row[2], date) else date.fromisoformat(row[2])
    return Incoming(row[1], row[3], row[16], row[17], row[18], row[19], day.toordinal())


def restore_exact(db: sqlite3.Connection, card_id: int, rows: list[tuple[Any, ...]],
                  state: CardState) -> None:
    """Write log rows and a state as they were saved (a card with no history yet)."""
    store_access.insert_reviews(db, rows)
    store_access.save_states(db, [(state.repetitions, state.ease, state.interval,
                                   _iso(state.due), _iso(state.last_review),
                                   int(state.repeat_pending), card_id)])


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
