"""flashdl's scheduling as an Anki collection stores it: what ``export --format apkg
--with-history`` writes (pure: rows in, Anki columns out; docs/fsrs.md §8).

- **cards**: a reviewed card is a review card (type 2, queue 2; -1 when suspended) due on the
  day the card's scheduler gives, as days since the collection's creation day (``col.crt``);
  ``ivl`` its interval, ``factor`` its SM-2 E-Factor per mille, ``reps`` its logged reviews,
  ``lapses`` its failed reviews on later days. A suspended card never reviewed stays a new card
  (type 0), suspended (queue -1), in its place among the new cards. A card of an FSRS deck carries its memory state
  in ``cards.data`` as Anki does: ``{"s", "d", "dr", "decay", "lrt"}`` (stability, difficulty,
  desired retention, the curve's decay w20, last review in epoch seconds).
- **revlog**: one row per log row: id the review's ms (made unique), ``ease`` the Anki rating,
  ``ivl``/``lastIvl``/``factor`` the log's SM-2 numbers, ``time`` capped at 60 s as Anki caps
  it, ``type`` 0 learn (a new card's first day), 1 review, 2 relearn (same-day repeats of a
  seen card), 4 manual (a Forget or Set due date: ``ease`` 0 and ``time`` 0 as Anki writes them,
  ``factor`` 0 on a Forget, the card's on a Set due date).
- **deck config** (schema 11's ``dconf``): daily limits, leech options and, as Anki 23.10+
  keeps them, ``fsrsParams6`` (empty: Anki's defaults) and ``desiredRetention``; the
  collection's ``conf`` gets ``"fsrs": true`` when the deck is on FSRS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

NEW_TYPE = 0
REVIEW_TYPE = REVIEW_QUEUE = 2
SUSPENDED_QUEUE = -1
LEARN, REVIEW, RELEARN, MANUAL = 0, 1, 2, 4  # revlog.type
MAX_ANSWER_MS = 60_000  # Anki caps the time taken at 60 s by default
FAIL_GRADE = 3  # SM-2 grades below 3 fail (DESIGN §4)
NEW_KIND, REVIEW_KIND, DRILL_KIND, RESET_KIND, RESCHEDULE_KIND = 0, 1, 2, 3, 4  # flashdl's ReviewKind values
NO_REVIEW_LIMIT = 9999  # what Anki's deck options show for "no limit"
LEECH_ACTIONS = {"suspend": 0, "tag": 1}


class LoggedAnswer(NamedTuple):
    """The review-log columns an Anki revlog row needs."""

    reviewed_ms: int
    grade: int
    rating: int
    kind: int
    interval_before: int
    interval_after: int
    ease_after: int
    duration_ms: int


class MemoryState(NamedTuple):
    """A card's FSRS state as stored (docs/fsrs.md §7)."""

    stability: float
    difficulty: float
    due: date | None


@dataclass(frozen=True)
class ScheduledCard:
    """One card to schedule: ``position`` among the collection's notes (its note and card id
    is ``first_note_id + position``), its SM-2 numbers and log, and its FSRS state if any."""

    position: int
    ease: int
    interval: int
    due: date | None  # SM-2's
    last_review: date | None
    suspended: bool
    answers: Sequence[LoggedAnswer]
    memory: MemoryState | None = None


@dataclass(frozen=True)
class DeckSchedule:
    """What one deck's options become in Anki (``deck_config``'s arguments)."""

    anki_deck_id: int
    name: str
    new_per_day: int
    reviews_per_day: int | None
    leech_threshold: int
    leech_action: str
    fsrs: bool
    desired_retention: float
    fsrs_parameters: Sequence[float] | None  # None: the defaults (Anki's empty list)
    decay: float  # w20 of the weights in use


@dataclass(frozen=True)
class SchedulePlan:
    """Every scheduling row of an export collection, computed; the store writes them.

    ``cards``: ``(type, queue, due, ivl, factor, reps, lapses, data, position)``;
    ``revlog``: ``(id, position, ease, ivl, lastIvl, factor, time, type)``."""

    crt: int  # col.crt: the collection's creation day, epoch seconds
    cards: list[tuple[Any, ...]] = field(default_factory=list)
    revlog: list[tuple[Any, ...]] = field(default_factory=list)
    deck_configs: dict[int, dict[str, Any]] = field(default_factory=dict)  # Anki deck id -> overrides
    fsrs: bool = False


def plan_schedule(cards: Iterable[ScheduledCard], deck: DeckSchedule, *, crt: int,
                  crt_day: date) -> SchedulePlan:
    """The Anki rows for ``cards`` (the deck's cards, reviewed or not)."""
    plan = SchedulePlan(crt=crt, fsrs=deck.fsrs)
    used: set[int] = set()
    for card in cards:
        if card.due is not None or card.last_review is not None:  # a forgotten card is new again
            plan.cards.append(card_row(card, crt_day, deck))
        elif card.suspended:  # a new card the student suspended: new in Anki, and suspended
            plan.cards.append((NEW_TYPE, SUSPENDED_QUEUE, card.position, 0, 0, 0, 0, "", card.position))
        plan.revlog.extend(revlog_rows(card.position, card.answers, used))
    plan.deck_configs[deck.anki_deck_id] = deck_config(deck)
    return plan


def card_row(card: ScheduledCard, crt_day: date, deck: DeckSchedule) -> tuple[Any, ...]:
    """``(type, queue, due, ivl, factor, reps, lapses, data, position)`` of a reviewed card."""
    memory = card.memory if deck.fsrs else None
    due = card.due if memory is None or memory.due is None else memory.due
    last = card.last_review
    if memory is not None and memory.due is not None and last is not None:
        interval = (memory.due - last).days
    else:
        interval = card.interval
    lapses = sum(1 for a in card.answers if a.kind == REVIEW_KIND and a.grade < FAIL_GRADE)
    graded = [a for a in card.answers if a.kind < RESET_KIND]  # a Forget or Set due date is no review
    data = ""
    if memory is not None:
        values: dict[str, Any] = {"s": round(memory.stability, 4), "d": round(memory.difficulty, 3),
                                  "dr": deck.desired_retention, "decay": round(deck.decay, 4)}
        if graded:
            values["lrt"] = graded[-1].reviewed_ms // 1000
        data = json.dumps(values, separators=(",", ":"))
    return (REVIEW_TYPE, SUSPENDED_QUEUE if card.suspended else REVIEW_QUEUE,
            0 if due is None else (due - crt_day).days, max(interval, 1), card.ease,
            len(graded), lapses, data, card.position)


def revlog_type(kind: int, day_type: int) -> tuple[int, int]:
    """Anki's ``revlog.type`` of a review of flashdl's ``kind``, and the type a same-day repeat
    after it takes: a new card's first review is learn (its repeats too), any other first
    review of a day is review (its repeats relearn). ``day_type``: the card's last one (LEARN
    before any). Both exports write this (.apkg here, the revlog CSV)."""
    if kind == NEW_KIND:
        return LEARN, LEARN
    if kind == REVIEW_KIND:
        return REVIEW, RELEARN
    if kind in (RESET_KIND, RESCHEDULE_KIND):  # no review: the day's repeats keep their type
        return MANUAL, day_type
    return day_type, day_type


def revlog_factor(kind: int, ease_after: int) -> int:
    """Anki's ``revlog.factor`` of a log row: the ease after it, but 0 on a Forget (Anki's
    ``log_manually_scheduled_review`` writes the reset card's factor, 0)."""
    return 0 if kind == RESET_KIND else ease_after


def revlog_rows(position: int, answers: Sequence[LoggedAnswer], used: set[int]) -> list[tuple[Any, ...]]:
    """``(id, position, ease, ivl, lastIvl, factor, time, type)`` of a card's log rows; ``used``
    holds the revlog ids taken so far (the id is the primary key: a clash moves on a ms)."""
    rows = []
    day_type = LEARN
    for answer in answers:
        kind, day_type = revlog_type(answer.kind, day_type)
        row_id = answer.reviewed_ms
        while row_id in used:
            row_id += 1
        used.add(row_id)
        rows.append((row_id, position, answer.rating, answer.interval_after, answer.interval_before,
                     revlog_factor(answer.kind, answer.ease_after),
                     min(max(answer.duration_ms, 0), MAX_ANSWER_MS), kind))
    return rows


def deck_config(deck: DeckSchedule) -> dict[str, Any]:
    """The keys of a schema-11 deck config that flashdl's options set (``merged_config``
    lays them over a full config)."""
    return {
        "name": f"flashdl: {deck.name}",
        "new": {"perDay": deck.new_per_day},
        "rev": {"perDay": NO_REVIEW_LIMIT if deck.reviews_per_day is None else deck.reviews_per_day},
        "lapse": {"leechFails": deck.leech_threshold, "leechAction": LEECH_ACTIONS[deck.leech_action]},
        "fsrsParams6": [] if deck.fsrs_parameters is None else [round(w, 4) for w in deck.fsrs_parameters],
        "desiredRetention": deck.desired_retention,
    }


def merged_config(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` laid over it, nested objects merged key by key."""
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merged_config(merged[key], value)
        else:
            merged[key] = value
    return merged
