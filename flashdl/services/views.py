"""What the services return: plain frozen dataclasses, never database rows.

Units: ``ease`` fields are SM-2 E-Factors in per-mille (2500 = 2.5; the
``ease_factor`` properties give the float), intervals are whole days, dates
are study days, datetimes are timezone-aware (UTC for logged times).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flashdl.deck.model import MARKUP_MARKDOWN, EngineSpec, Erratum
from flashdl.scheduler.queue import QueueKind
from flashdl.scheduler.sm2 import INITIAL_EASE, CardState, Rating, ReviewKind
from flashdl.services.card_views import CardSchedule


@dataclass(frozen=True)
class ComputedAnswer:
    """For a computed card: the variant shown, what the student typed, the verdict."""

    params: dict[str, Any]
    typed: str
    correct: bool


@dataclass(frozen=True)
class StudyCard:
    """A card to show: content, why it is in the queue, and its scheduling."""

    id: int  # store id: pass it back to answer/suspend/bury
    card: str  # DECK/CARD
    deck: str
    front: str
    back: str
    tags: tuple[str, ...]
    engine: EngineSpec | None
    errata: tuple[Erratum, ...]
    kind: QueueKind
    state: CardState
    revision: int  # pass back as expected_revision to detect changes under you
    markup: str = MARKUP_MARKDOWN  # how the text is shown (``flashdl.presentation.card_text``)


@dataclass(frozen=True)
class QueueItem:
    """One line of ``flashdl due``."""

    card: str
    front: str
    kind: QueueKind
    due: date


@dataclass(frozen=True)
class QueueCounts:
    """Cards left in a session, by kind (for the study screen's header)."""

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class ReviewResult:
    """One recorded review (durable when returned)."""

    review_id: int
    card_id: int
    card: str
    grade: int
    rating: Rating
    kind: ReviewKind
    reviewed_at: datetime
    study_day: date
    before: CardState
    state: CardState  # after the review
    revision: int
    fsrs_due: date | None = None  # the due day FSRS gave, when the card's deck uses FSRS
    rescheduled: bool = True  # False: a cram grade, which changed no schedule (custom study)
    leech: bool = False  # this review (a lapse) made the card a leech (``flashdl.scheduler.leech``)
    leech_suspended: bool = False  # ... and it is suspended now (the deck's leech action)

    @property
    def due(self) -> date | None:
        """When the card is next due, by its deck's scheduler."""
        return self.fsrs_due if self.fsrs_due is not None else self.state.due

    @property
    def repeat_today(self) -> bool:
        """Graded < 4: the card comes back later this study day."""
        return self.state.repeat_pending

    @property
    def ease_factor(self) -> float:
        return self.state.ease / 1000


@dataclass(frozen=True)
class GradePreview:
    """What one grade would do to a card now: its next due day and whether it comes back today."""

    grade: int
    due: date | None
    repeat_today: bool
    rescheduled: bool = True  # False in a cram session: the grade changes no schedule


@dataclass(frozen=True)
class FlagUndo:
    """A suspend or bury of a study session taken back: the card's flags are as before it."""

    card_id: int
    card: str
    action: str  # "suspend" or "bury"
    requeued: bool = True  # back in the session; False: it was out already (suspended as a leech)


@dataclass(frozen=True)
class UndoResult:
    """A review taken back: the card's state is ``restored`` exactly as before it."""

    review_id: int
    card_id: int
    card: str
    grade: int
    kind: ReviewKind
    reviewed_at: datetime
    restored: CardState


@dataclass(frozen=True)
class ReviewEntry:
    """One row of a card's review history."""

    review_id: int
    reviewed_at: datetime
    study_day: date
    grade: int
    rating: Rating
    kind: ReviewKind
    interval_before: int
    interval_after: int
    ease_before: int
    ease_after: int
    duration_ms: int
    variant_params: dict[str, Any] | None
    typed_answer: str | None
    answer_correct: bool | None
    due_after: date | None = None  # the SM-2 due day after it (a Set due date's day)


@dataclass(frozen=True)
class CardDetails:
    """Everything about one card: content, flags, scheduling and history."""

    id: int
    card: str
    deck: str
    deck_name: str
    front: str
    back: str
    tags: tuple[str, ...]
    engine: EngineSpec | None
    errata: tuple[Erratum, ...]
    state: CardState
    suspended: bool
    buried_until: date | None
    retired: bool
    revision: int
    history: tuple[ReviewEntry, ...]
    markup: str = MARKUP_MARKDOWN
    schedule: CardSchedule | None = None  # when asked for with a moment (the card screen)
    leech: bool = False  # tagged leech by the leech rule (``flashdl.scheduler.leech``)


@dataclass(frozen=True)
class SearchHit:
    id: int
    card: str
    deck: str
    front: str
    back: str
    tags: tuple[str, ...]
    due: date | None
    suspended: bool
    retired: bool
    markup: str = MARKUP_MARKDOWN
    buried_until: date | None = None
    interval: int = 0  # days
    ease: int = INITIAL_EASE  # per-mille
    leech: bool = False  # tagged leech by the leech rule (``flashdl.scheduler.leech``)


@dataclass(frozen=True)
class DeckSyncResult:
    deck: str
    path: str | None
    added: int
    updated: int
    retired: int
    restored: int
    unchanged: int
    created: bool


@dataclass(frozen=True)
class SyncReport:
    """What an import changed, deck by deck (all of it in one transaction)."""

    decks: tuple[DeckSyncResult, ...]

    @property
    def added(self) -> int:
        return sum(d.added for d in self.decks)

    @property
    def updated(self) -> int:
        return sum(d.updated for d in self.decks)

    @property
    def retired(self) -> int:
        return sum(d.retired for d in self.decks)

    @property
    def restored(self) -> int:
        return sum(d.restored for d in self.decks)
