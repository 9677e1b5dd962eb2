"""``card_schedule``: how one card is scheduled now, under its deck's scheduler.

Read inside the caller's read transaction (``show`` and the card screen each
read a card in one). The FSRS numbers are the card's stored state (the fold of
its log, docs/fsrs.md §7); retrievability is FSRS-6's forgetting curve at
today's study day, with the deck's weights.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from flashdl.clock import again_today, buried_on, study_day
from flashdl.scheduler.deck_options import FSRS, SM2
from flashdl.services.deck_options import review_options
from flashdl.services.card_views import CardSchedule
from flashdl.store import scheduling
from flashdl.store.connection import Transaction
from flashdl.store.settings import load_settings


def card_schedule(tx: Transaction, card_id: int, now: datetime) -> CardSchedule | None:
    """The schedule of card ``card_id`` at ``now`` (None: no such card), with the flags the
    card screen shows: a same-day repeat still to come, suspended, buried (while in effect),
    leech, retired."""
    loaded = scheduling.load_state(tx, card_id)
    flags = scheduling.shown_flags(tx, card_id)
    if loaded is None or flags is None:
        return None
    sm2 = loaded.state
    today = study_day(now, rollover_hour=load_settings(tx).rollover_hour)
    suspended, buried_until, leech = flags
    return replace(
        _schedule(loaded, today),
        again_today=again_today(sm2.repeat_pending, sm2.last_review, today),
        suspended=suspended,
        buried_until=buried_until if buried_on(buried_until, today) else None,
        leech=leech,
        retired=loaded.retired,
    )


def _schedule(loaded: scheduling.LoadedState, today: date) -> CardSchedule:
    """Due day, interval and memory state under the card's deck's scheduler."""
    sm2 = loaded.state
    options = review_options(loaded)
    if options is None or options.scheduler != FSRS:
        return CardSchedule(SM2, sm2.due, sm2.interval, sm2.ease, sm2.repetitions)
    if loaded.stability is None or loaded.difficulty is None or sm2.last_review is None:
        return CardSchedule(FSRS, loaded.due, 0, sm2.ease, sm2.repetitions)
    from flashdl.scheduler.fsrs_schedule import FsrsState, retrievability

    state = FsrsState(loaded.stability, loaded.difficulty, loaded.due, sm2.last_review, sm2.repeat_pending)
    interval = 0 if loaded.due is None else (loaded.due - sm2.last_review).days
    return CardSchedule(FSRS, loaded.due, interval, sm2.ease, sm2.repetitions, loaded.stability,
                        loaded.difficulty, retrievability(state, today, options.fsrs_config.parameters))
