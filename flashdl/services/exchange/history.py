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

Replay is ``sm2.replay_rows`` (the one SM-2, on day ordinals) with the
import's two policies: a review from a clock that went back counts on the
card's last study day, and a due date past 9999 is clamped there. Cards
whose reviews carry no variant, typed answer or verdict (every revlog CSV)
get their rows as flat values that ``flashdl.store.log_bulk`` loads many
rows per statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from operator import countOf, itemgetter
from typing import Any, NamedTuple

from flashdl.clock import study_day
from flashdl.errors import InputError
from flashdl.scheduler import sm2
from flashdl.scheduler.sm2 import CardState
from flashdl.store import bulk as store_access
from flashdl.store import scheduling
from flashdl.store.connection import Transaction
from flashdl.store.log_bulk import insert_log_rows

DAY_BUCKET_MS = 15 * 60 * 1000  # every UTC offset in use is a multiple of 15 minutes


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


class DayFunction(dict[int, int]):
    """ms -> study-day ordinal in ``tz``, cached per quarter hour (the dict: quarter hour -> day).

    ``tz`` None is the machine's local zone with its own offset at each
    moment (summer time included), as the moments of reviews made here had.
    A million reviews look their day up by subscript (``self[ms // DAY_BUCKET_MS]``),
    which is cheaper than a call each.
    """

    __slots__ = ("rollover_hour", "tz")

    def __init__(self, tz: tzinfo | None, rollover_hour: int) -> None:
        super().__init__()
        self.tz, self.rollover_hour = tz, rollover_hour

    def __call__(self, ms: int) -> int:
        return self[ms // DAY_BUCKET_MS]

    def __missing__(self, bucket: int) -> int:
        seconds = bucket * DAY_BUCKET_MS / 1000
        moment = (datetime.fromtimestamp(seconds, self.tz) if self.tz is not None
                  else datetime.fromtimestamp(seconds).astimezone())
        day = self[bucket] = study_day(moment, rollover_hour=self.rollover_hour).toordinal()
        return day


def day_function(tz: tzinfo | None, rollover_hour: int) -> Callable[[int], int]:
    """ms -> study-day ordinal in ``tz`` (None: local time at each moment); see ``DayFunction``."""
    return DayFunction(tz, rollover_hour)


class IsoDays(dict[int | None, str | None]):
    """Day ordinal -> ISO text (None stays None), cached: a history has few distinct days."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, ordinal: int | None) -> str | None:
        text = self[ordinal] = date.fromordinal(ordinal).isoformat()  # type: ignore[arg-type]
        return text


def iso_days() -> IsoDays:
    return IsoDays()


def replay(card_id: int, reviews: Sequence[Incoming], day_of: Callable[[int], int], iso: IsoDays,
           out: list[Any], *, plain: bool = False) -> tuple[Any, ...]:
    """Append one card's log rows (the store's column order) to ``out``; return its state row.

    The numbers are ``sm2.replay_rows``' (SM-2 itself) with the history
    import's policies: a review from a clock that went back counts on the
    last study day, and a due date past 9999 is clamped. ``plain`` (no review
    has a variant, typed answer or verdict) extends ``out`` with the rows'
    first 17 values end to end, for ``insert_log_rows``' many-rows statements;
    else ``out`` gets one 20-value tuple a row.
    """
    if isinstance(day_of, DayFunction):  # a subscript: no call a review
        days = [day_of[ms // DAY_BUCKET_MS] if known is None else known
                for ms, _grade, _duration, _params, _typed, _correct, known in reviews]
    else:
        days = [day_of(ms) if known is None else known
                for ms, _grade, _duration, _params, _typed, _correct, known in reviews]
    rows = zip(reviews, sm2.replay_rows(zip(days, map(itemgetter(1), reviews)),
                                        clock_back=sm2.LAST_DAY, past_9999=sm2.CLAMP))
    day = due2 = n2 = interval2 = None
    ease2, grade = sm2.INITIAL_EASE, sm2.MAX_GRADE
    # A row's due and last-review days before it are the previous row's due and study day
    # after it (a fresh card starts with neither): their texts are carried, not looked up.
    due_text = last_text = None
    if plain:
        extend = out.extend
        for ((ms, grade, duration, _params, _typed, _correct, _known),
             (day, rating, kind, n, n2, ease, ease2, interval, interval2, _due, due2, _last, pending)) in rows:
            day_text, due2_text = iso[day], iso[due2]
            extend((card_id, ms, day_text, grade, rating, kind, n, n2, ease, ease2, interval, interval2,
                    due_text, due2_text, last_text, pending, duration))
            due_text, last_text = due2_text, day_text
    else:
        append = out.append
        for ((ms, grade, duration, params, typed, correct, _known),
             (day, rating, kind, n, n2, ease, ease2, interval, interval2, _due, due2, _last, pending)) in rows:
            day_text, due2_text = iso[day], iso[due2]
            append((card_id, ms, day_text, grade, rating, kind, n, n2, ease, ease2, interval, interval2,
                    due_text, due2_text, last_text, pending, duration, params, typed, correct))
            due_text, last_text = due2_text, day_text
    return (n2 or 0, ease2, interval2 or 0, iso[due2], iso[day], int(grade < sm2.REPEAT_BELOW), card_id)


def import_reviews(db: Transaction, incoming: dict[int, list[Incoming]],
                    day_of: Callable[[int], int]) -> HistoryCounts:
    """Merge ``incoming`` (store card id -> reviews) into the log and replay (caller's transaction)."""
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
            if any(row[5] >= sm2.GRADED_BELOW for row in old):  # a replay would fold them as reviews
                raise InputError(f"card {scheduling.card_name(db, card_id)} has a forget or set due date in "
                                 "its log: reviews from outside cannot be merged into it (nothing imported)")
            rebuilt.append(card_id)
            fresh.extend(_incoming_of(row) for row in old)
        fresh.sort(key=moment)
        count = len(fresh)
        if (countOf(map(itemgetter(3), fresh), None) == count
                and countOf(map(itemgetter(4), fresh), None) == count
                and countOf(map(itemgetter(5), fresh), None) == count):
            states.append(replay(card_id, fresh, day_of, iso, plain_values, plain=True))
        else:
            states.append(replay(card_id, fresh, day_of, iso, rows))
    store_access.delete_reviews(db, rebuilt)
    insert_log_rows(db, rows, plain_values)
    store_access.save_states(db, states)
    return HistoryCounts(cards=len(states), added=added, duplicates=duplicates)


def _incoming_of(row: tuple[Any, ...]) -> Incoming:
    """An existing log row (``LOG_COLUMNS`` order) as a review to replay, keeping its study day."""
    day = row[2] if isinstance(row[2], date) else date.fromisoformat(row[2])
    return Incoming(row[1], row[3], row[16], row[17], row[18], row[19], day.toordinal())


def restore_exact(db: Transaction, card_id: int, rows: list[tuple[Any, ...]],
                  state: CardState) -> None:
    """Write log rows and a state as they were saved (a card with no history yet)."""
    store_access.insert_reviews(db, rows)
    store_access.save_states(db, [(state.repetitions, state.ease, state.interval,
                                   _iso(state.due), _iso(state.last_review),
                                   int(state.repeat_pending), card_id)])


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def mark_replayed_leeches(db: Transaction, card_ids: Iterable[int]) -> int:
    """The leech flag on the cards whose history an import replayed, by their decks' thresholds
    (``scheduler.leech.replayed_leech``): an imported review log made no leech, where the same
    reviews made here would have. Only sets the flag (suspension is the import's own to carry,
    as an .apkg does). Returns how many cards it marked."""
    from flashdl.scheduler.leech import replayed_leech
    from flashdl.services.deck_options import all_options

    options = all_options(db)
    if not options:
        return 0
    lowest = max(min(o.leech_threshold for o in options.values()), 1)
    leeches = [(1, card_id) for card_id, deck_id, lapses in store_access.lapse_counts(db, card_ids, lowest)
               if replayed_leech(lapses, options[deck_id].leech_threshold)]
    store_access.save_leech_flags(db, leeches)
    return len(leeches)
