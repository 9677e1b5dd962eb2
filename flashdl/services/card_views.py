"""What ``flashdl show`` and the card screen return about one card: its content and its schedule.

Apart from ``flashdl.services.views`` so that ``show``, a command scripts call often, defines
only the two views it needs (each frozen dataclass costs a fraction of a millisecond to build
at import; issue 17). Units as in ``views``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flashdl.deck.model import EngineSpec, Erratum


@dataclass(frozen=True)
class CardContent:
    """One card's content as its deck file gives it (``flashdl show``), and, when asked for,
    how it is scheduled now."""

    card: str  # DECK/CARD
    deck: str
    front: str
    back: str
    tags: tuple[str, ...]
    engine: EngineSpec | None
    errata: tuple[Erratum, ...]
    markup: str  # how the text is shown: the card's own markup, else its deck's
    schedule: CardSchedule | None = None


@dataclass(frozen=True)
class CardSchedule:
    """How a card is scheduled now (``show --json``'s ``"schedule"``, the card screen's rows).

    ``due`` and ``interval`` are those of the card's scheduler (``interval``: days from its
    last review to ``due``); ``ease`` is SM-2's E-Factor, kept under either scheduler;
    ``stability`` (days), ``difficulty`` (1..10) and ``retrievability`` (predicted recall
    today) are FSRS's, None under SM-2 and for a card FSRS has not seen reviewed.
    ``again_today``: graded below 4 earlier on the study day, so due again today before
    ``due`` (DESIGN §4 rule 5). The flags are those the card screen shows: ``buried_until``
    only while the bury is in effect (None once its day has come).
    """

    scheduler: str  # sm2 | fsrs
    due: date | None
    interval: int
    ease: int  # per-mille
    repetitions: int
    stability: float | None = None
    difficulty: float | None = None
    retrievability: float | None = None
    again_today: bool = False
    suspended: bool = False
    buried_until: date | None = None
    leech: bool = False
    retired: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "scheduler": self.scheduler,
            "due": None if self.due is None else self.due.isoformat(),
            "interval": self.interval,
            "ease": self.ease / 1000,
            "repetitions": self.repetitions,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "retrievability": self.retrievability,
            "again_today": self.again_today,
            "suspended": self.suspended,
            "buried_until": None if self.buried_until is None else self.buried_until.isoformat(),
            "leech": self.leech,
            "retired": self.retired,
        }
