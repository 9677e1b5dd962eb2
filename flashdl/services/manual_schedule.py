"""Anki's browser actions Forget (reset card) and Set due date: one transaction for all cards.

``forget_cards(store, cards, now) -> list[ManualResult]``
    Each card new again (``sm2.forget``), and its FSRS state with it; it keeps its place in
    its deck's new cards (flashdl's new order is the deck file's), its lapses and leech tag.
``set_due_cards(store, cards, spec, now, rng=None) -> list[ManualResult]``
    Each card due ``spec``'s days from today (``sm2.set_due``; a range drawn per card).

Each card gets one review-log row (kind RESET or RESCHEDULE, grade and rating 0, the state
before and after as for a review), so its state stays the fold of its log. A card named
twice is changed once. An unknown or retired card, or a due day past 9999, raises before
anything is written (the transaction rolls back).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flashdl.clock import study_day
from flashdl.errors import FlashdlError
from flashdl.scheduler import sm2
from flashdl.scheduler.due_spec import DueSpec
from flashdl.scheduler.sm2 import CardState, Rating, ReviewKind, ReviewOutcome
from flashdl.services.lookup import CardRef, card_in_study, require_aware
from flashdl.store import Store, scheduling
from flashdl.store.connection import Transaction
from flashdl.store.records import from_ms, to_ms
from flashdl.store.scheduling import LoadedState
from flashdl.store.settings import load_settings


Change = Callable[[CardState, date], CardState]


class InvalidDueError(FlashdlError):
    """A Set due date that cannot be applied (a due day past the year 9999)."""


class BeforeLogError(FlashdlError):
    """A Forget or Set due date at a moment before the card's latest log row (a clock or
    ``--now`` set back): appended after that row, it would fold after it, but exports and
    history files order the log by time and would fold it before."""


@dataclass(frozen=True)
class ManualResult:
    """One card after Forget or Set due date: ``state`` is SM-2's, ``due`` the day the queue
    follows (FSRS's for a card with an FSRS state)."""

    card_id: int
    card: str
    kind: ReviewKind
    study_day: date
    before: CardState
    state: CardState
    due: date | None
    revision: int
    fsrs: bool = False  # the card kept an FSRS memory state: ``interval`` is FSRS's

    @property
    def interval(self) -> int:
        """Days between the last review and the due day under FSRS (as the card screen shows
        it); SM-2's interval otherwise."""
        last = self.state.last_review
        if self.fsrs and self.due is not None and last is not None:
            return (self.due - last).days
        return self.state.interval


def forget_cards(store: Store, cards: Sequence[CardRef], now: datetime) -> list[ManualResult]:
    """Forget every card of ``cards`` (see the module docstring)."""
    return _apply(store, cards, now, ReviewKind.RESET, lambda state, _day: sm2.forget(state))


def set_due_cards(store: Store, cards: Sequence[CardRef], spec: DueSpec, now: datetime,
                  rng: random.Random | None = None) -> list[ManualResult]:
    """Set the due day of every card of ``cards`` (see the module docstring)."""
    draw = rng or random.Random()  # noqa: S311  (a due day, not a secret)

    def change(state: CardState, day: date) -> CardState:
        try:
            return sm2.set_due(state, day, spec.draw(draw), set_interval=spec.set_interval)
        except ValueError as error:
            raise InvalidDueError(str(error)) from None

    return _apply(store, cards, now, ReviewKind.RESCHEDULE, change)


def _apply(store: Store, cards: Sequence[CardRef], now: datetime, kind: ReviewKind,
           change: Change) -> list[ManualResult]:
    require_aware(now)
    reviewed_ms = to_ms(now)
    results = []
    with store.write() as conn:
        day = study_day(now, rollover_hour=load_settings(conn).rollover_hour)
        seen: set[int] = set()
        for ref in cards:
            card_id, loaded = card_in_study(conn, ref)
            if card_id in seen:
                continue
            seen.add(card_id)
            results.append(_one(conn, card_id, loaded, day, reviewed_ms, kind, change))
    return results


def _one(conn: Transaction, card_id: int, loaded: LoadedState, day: date, reviewed_ms: int,
         kind: ReviewKind, change: Change) -> ManualResult:
    latest = scheduling.latest_moment(conn, card_id, manual=False)
    if latest is not None and latest.reviewed_ms > reviewed_ms:
        raise BeforeLogError(f"card {loaded.full_id}: {from_ms(reviewed_ms).isoformat()} is before its latest "
                             f"review-log row, at {from_ms(latest.reviewed_ms).isoformat()}")
    after = change(loaded.state, day)
    due: date | None = after.due
    fsrs = kind != ReviewKind.RESET and loaded.stability is not None
    if not fsrs:
        # no FSRS state (or Forget: it starts over): the card as under SM-2 alone
        scheduling.save_schedule(conn, card_id, after, None, None, None)
    else:  # Set due date keeps FSRS's memory state; both schedulers' due day is the one set
        scheduling.save_schedule(conn, card_id, after, after.due, loaded.stability, loaded.difficulty)
    # as Anki (schedule_cards_as_new, set_due_date: queue new / review): the card is back in
    # study, so a suspended leech forgotten to be learnt again does come up; the leech tag stays
    scheduling.set_flags(conn, card_id, suspended=False, buried_until=None)
    outcome = ReviewOutcome(before=loaded.state, after=after, grade=0, kind=kind, rating=Rating.MANUAL, day=day)
    scheduling.append_review(conn, card_id, outcome, reviewed_ms=reviewed_ms)
    revision = loaded.revision + 2  # save_schedule and set_flags each bump it
    return ManualResult(card_id, loaded.full_id, kind, day, loaded.state, after, due, revision, fsrs)
