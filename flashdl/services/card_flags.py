"""Taking cards out of study: suspend (until unsuspended) and bury (until tomorrow).

``suspend_card(store, card)`` / ``unsuspend_card(store, card)``
``suspend_cards(store, cards, suspended) -> list[str]``: many at once, one transaction
``set_leech(store, card, leech)``: the leech tag (``flashdl.scheduler.leech``) on or off
``bury_card(store, card, now) -> date``: hidden until the next study day
(returned); ``unbury_card(store, card)``.

Each is one transaction and bumps the card's revision (so a window still
showing the card notices). ``card`` is a store id or ``"DECK/CARD"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from flashdl.clock import study_day
from flashdl.services.lookup import (
    CardRef,
    UnknownCardError,
    card_in_study,
    require_aware,
    resolve_card,
)
from flashdl.store import Store, scheduling
from flashdl.store.connection import Transaction
from flashdl.store.settings import load_settings


def suspend_card(store: Store, card: CardRef) -> None:
    _set(store, card, suspended=True)


def unsuspend_card(store: Store, card: CardRef) -> None:
    _set(store, card, suspended=False)


def suspend_cards(store: Store, cards: Sequence[CardRef], suspended: bool) -> list[str]:
    """Suspend (or unsuspend) each of ``cards`` in one transaction (``flashdl card suspend``);
    their ``DECK/CARD`` names in the order given, each once. An unknown card, or a retired one
    (gone from its deck file: not studied either way), raises before anything is written."""
    names: dict[int, str] = {}
    with store.write() as conn:
        for ref in cards:
            card_id, loaded = card_in_study(conn, ref, options=False)
            names.setdefault(card_id, loaded.full_id)
        for card_id in names:
            _update(conn, card_id, card_id, suspended=suspended)
    return list(names.values())


def set_leech(store: Store, card: CardRef, leech: bool) -> None:
    """Tag a card leech, or take the tag off (Anki lets a student un-leech a card they fixed);
    its suspension is left as it is."""
    _set(store, card, leech=leech)


def bury_card(store: Store, card: CardRef, now: datetime) -> date:
    """Hide ``card`` until the study day after ``now``'s; returns that day."""
    require_aware(now)
    with store.write() as conn:
        today = study_day(now, rollover_hour=load_settings(conn).rollover_hour)
        until = today + timedelta(days=1)
        _update(conn, resolve_card(conn, card), card, buried_until=until)
    return until


def unbury_card(store: Store, card: CardRef) -> None:
    _set(store, card, buried_until=None)


def card_flags(store: Store, card: CardRef) -> tuple[bool, date | None]:
    """``(suspended, buried_until)`` of a card, to put back with ``restore_flags``."""
    with store.read() as conn:
        card_id = resolve_card(conn, card)
        found = scheduling.flags(conn, card_id)
    if found is None:
        raise UnknownCardError(f"unknown card {card!r}")
    return found


def restore_flags(store: Store, card: CardRef, suspended: bool, buried_until: date | None) -> None:
    """Put back flags read by ``card_flags`` (a session's undo of suspend or bury)."""
    _set(store, card, suspended=suspended, buried_until=buried_until)


def _set(store: Store, card: CardRef, **flags: object) -> None:
    with store.write() as conn:
        _update(conn, resolve_card(conn, card), card, **flags)


def _update(conn: Transaction, card_id: int, card: CardRef, **flags: object) -> None:
    if not scheduling.set_flags(conn, card_id, **flags):  # type: ignore[arg-type]
        raise UnknownCardError(f"unknown card {card!r}")
