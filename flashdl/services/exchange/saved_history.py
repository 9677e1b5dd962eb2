"""Applying a YAML export's history side file (``formats.history_json``).

A card with no reviews in the database gets its saved log rows and state
back exactly (ids aside), flags included. A card that already has reviews
gets the saved ones merged in and its log replayed (``history``), as any
other history import.
"""

from __future__ import annotations

from typing import Any

from flashdl.errors import InputError, SourcePosition
from flashdl.formats.history_json import SavedCard, SavedHistory
from flashdl.scheduler.sm2 import GRADED_BELOW, ReviewKind
from flashdl.services.exchange.history import Incoming, restore_exact
from flashdl.store import bulk as store_access
from flashdl.store.connection import Transaction
from flashdl.store.records import dump_json


def split_saved(db: Transaction, saved: list[tuple[SavedHistory, str]],
                ids: dict[str, int]) -> tuple[dict[int, list[Incoming]], tuple[int, int]]:
    """Restore what can be restored exactly; return the rest as reviews to merge, and
    ``(cards, reviews)`` restored exactly."""
    incoming: dict[int, list[Incoming]] = {}
    wanted: dict[int, SavedCard] = {}
    for history, filename in saved:
        for card in history.cards:
            card_id = ids.get(f"{history.deck}/{card.card}")
            if card_id is None:
                raise InputError(f"history of unknown card {history.deck}/{card.card}",
                                 SourcePosition(filename))
            wanted[card_id] = card
    existing = store_access.card_reviews(db, wanted)
    exact = restored = 0
    flags, leeches = [], []
    for card_id, card in wanted.items():
        flags.append((int(card.suspended), None if card.buried_until is None
                      else card.buried_until.isoformat(), card_id))
        leeches.append((int(card.leech), card_id))
        if card_id in existing:  # merged and replayed: its reviews since its last Forget (as Anki's are)
            incoming[card_id] = [Incoming(
                r.reviewed_ms, r.grade, r.duration_ms,
                None if r.variant_params is None else dump_json(r.variant_params), r.typed_answer,
                None if r.answer_correct is None else int(r.answer_correct), r.study_day.toordinal())
                for r in graded_since_reset(card.reviews)]
            continue
        restore_exact(db, card_id, [_row(card_id, r) for r in card.reviews], card.state)
        exact += 1
        restored += len(card.reviews)
    store_access.save_flags(db, flags)
    store_access.save_leech_flags(db, leeches)
    return incoming, (exact, restored)


def graded_since_reset(reviews: Any) -> list[Any]:
    """The graded reviews after the last Forget: what a replay can fold (``sm2.replay_rows``)."""
    kept: list[Any] = []
    for review in reviews:
        if review.kind == ReviewKind.RESET:
            kept = []
        elif review.kind < GRADED_BELOW:
            kept.append(review)
    return kept


def _row(card_id: int, r: Any) -> tuple[Any, ...]:
    before, after = r.before, r.after

    def iso(day: Any) -> str | None:
        return None if day is None else day.isoformat()

    return (card_id, r.reviewed_ms, r.study_day.isoformat(), r.grade, r.rating, r.kind,
            before.repetitions, after.repetitions, before.ease, after.ease, before.interval,
            after.interval, iso(before.due), iso(after.due), iso(before.last_review),
            int(before.repeat_pending), r.duration_ms,
            None if r.variant_params is None else dump_json(r.variant_params), r.typed_answer,
            None if r.answer_correct is None else int(r.answer_correct), r.leech_flags_before)
