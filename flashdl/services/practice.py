"""Practice on demand: fresh variants of computed cards, outside the SM-2 schedule.

``flashdl practice [DECK] [--family F] [--tag T] [--count N] [--weakest N]``
and the TUI's Practice screen run the same ``PracticeRun``:

- **Which cards**: every active card (not retired, not suspended) with an
  ``engine`` block, kept when it is in ``deck`` (its id), its family is
  ``family`` and its own tags include ``tag`` (case-insensitive); each
  filter given must hold (``choose_cards``).
- **Which order** (``practice_order``): weakest family first. A family's
  weakness is its accuracy over its last 10 typed answers, reviews and
  practice alike (DESIGN §6's ``last10``); a family never answered comes
  before any answered one; ties go to the family with fewer answers, then
  by name. The run deals one card per family in that order, round after
  round, so ``--count 5`` over 29 families practises the 5 weakest; a
  family's cards are shuffled, and a run longer than the cards repeats
  them (each time with new numbers). ``weakest=N`` keeps only the N
  weakest families. The order is fixed when the run starts.
- **What is asked**: always a fresh variant (``exercises.fresh_exercise``),
  whether or not the card has ``vary: true``: practice is for the method.
- **What is recorded** (``record``): one ``practice_attempt`` row per
  answer, in its own committed transaction (family, card, variant params,
  typed answer, verdict, time taken, moment). Nothing else: no review-log
  row, no scheduling change. An empty answer is "I don't know": the
  engine's ``Verdict.skipped``, recorded as wrong.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, overload

from flashdl.clock import study_day
from flashdl.errors import UsageError
from flashdl.services.lookup import require_aware, resolve_deck
from flashdl.services.settings import get_settings
from flashdl.store import practice as practice_store
from flashdl.store import queries
from flashdl.store.practice import ComputedCard, FamilyRecord
from flashdl.store.records import to_ms

if TYPE_CHECKING:
    from flashdl.deck.model import Erratum
    from flashdl.engine import Verdict
    from flashdl.services.exercises import ComputedExercise
    from flashdl.store import Store

DEFAULT_COUNT = 10


@dataclass(frozen=True)
class PracticeOptions:
    """What to practise (``None``: no filter) and how much."""

    deck: str | None = None
    family: str | None = None
    tag: str | None = None
    count: int = DEFAULT_COUNT
    weakest: int | None = None  # only the N weakest families

    def describe(self) -> str:
        """A short title: "practice · quiz-3 · family softmax"."""
        parts = [self.deck or "all decks"]
        if self.family:
            parts.append(f"family {self.family}")
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.weakest:
            parts.append(f"{self.weakest} weakest families")
        return " · ".join(parts)


@dataclass(frozen=True)
class PracticeItem:
    """One exercise of a run: the card it comes from and the fresh variant."""

    number: int  # 1-based position in the run
    card_id: int
    card: str  # DECK/CARD
    front: str
    back: str
    markup: str
    errata: tuple[Erratum, ...]
    exercise: ComputedExercise

    @property
    def family(self) -> str:
        return self.exercise.family


@dataclass(frozen=True)
class AttemptResult:
    attempt_id: int
    correct: bool
    skipped: bool  # an empty answer ("I don't know"), recorded as wrong


def matches(card: ComputedCard, options: PracticeOptions) -> bool:
    """The selection rule (module docstring): every filter given holds."""
    if options.deck is not None and card.deck != options.deck:
        return False
    if options.family is not None and card.engine.family != options.family:
        return False
    return options.tag is None or options.tag.casefold() in {t.casefold() for t in card.tags}


def choose_cards(store: Store, options: PracticeOptions) -> list[ComputedCard]:
    """The computed cards ``options`` select, deck by deck in file order.

    Raises ``UnknownDeckError`` for an unknown deck, ``UsageError`` for an
    unknown family (listing them).
    """
    if options.family is not None:
        from flashdl.engine import FAMILIES

        if options.family not in FAMILIES:
            raise UsageError(f"unknown family {options.family!r} (see flashdl engine families)")
    with store.read() as tx:
        resolve_deck(tx, options.deck)
        cards = practice_store.computed_cards(tx)
    return [card for card in cards if matches(card, options)]


def weakness(record: FamilyRecord | None) -> tuple[float, int]:
    """Sort key of a family, weakest first: (accuracy over the last 10, answers); -1 if never answered."""
    if record is None or record.recent == 0:
        return (-1.0, 0)
    return (record.recent_correct / record.recent, record.attempts)


def practice_order(
    cards: Sequence[ComputedCard], records: dict[str, FamilyRecord], *, count: int,
    rng: random.Random, weakest: int | None = None,
) -> list[ComputedCard]:
    """``count`` cards, weakest family first, one per family per round (module docstring). Pure."""
    return list(PracticePlan(cards, records, count=count, rng=rng, weakest=weakest))


class PracticePlan(Sequence[ComputedCard]):
    """``practice_order`` dealt on demand: ``--count`` may be 10⁹, and a run deals only the
    cards it reaches (a list of them all would hold gigabytes before the first exercise)."""

    def __init__(self, cards: Sequence[ComputedCard], records: dict[str, FamilyRecord], *, count: int,
                 rng: random.Random, weakest: int | None = None) -> None:
        by_family: dict[str, list[ComputedCard]] = {}
        for card in cards:
            by_family.setdefault(card.engine.family, []).append(card)
        families = sorted(by_family, key=lambda f: (*weakness(records.get(f)), f))
        if weakest is not None:
            families = families[:weakest]
        self._length = max(0, count) if families else 0
        self._deal = _rounds([_dealer(by_family[family], rng) for family in families])
        self._dealt: list[ComputedCard] = []

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> ComputedCard: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ComputedCard]: ...

    def __getitem__(self, index: int | slice) -> ComputedCard | Sequence[ComputedCard]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        while len(self._dealt) <= index:
            self._dealt.append(next(self._deal))
        return self._dealt[index]


def _rounds(dealers: list[Iterator[ComputedCard]]) -> Iterator[ComputedCard]:
    """One card from each family's dealer, in order, round after round."""
    while True:
        for dealer in dealers:
            yield next(dealer)


def _dealer(cards: list[ComputedCard], rng: random.Random) -> Iterator[ComputedCard]:
    """The cards shuffled, then shuffled again each time they run out."""
    while True:
        hand = list(cards)
        rng.shuffle(hand)
        yield from hand


class PracticeRun:
    """One practice run over a store (see the module docstring).

    ``next_seed`` gives each variant's seed (tests fix it). ``next_item()``
    returns the next exercise or None at the end; ``record(item, typed,
    verdict, now, duration_ms)`` commits the attempt.
    """

    def __init__(self, store: Store, options: PracticeOptions, next_seed: Callable[[], int]) -> None:
        self._store = store
        self.options = options
        self._next_seed = next_seed
        cards = choose_cards(store, options)
        with store.read() as tx:
            records = practice_store.family_records(tx)
        self._rollover = get_settings(store).rollover_hour
        self.plan = PracticePlan(cards, records, count=options.count, rng=random.Random(next_seed()),
                                 weakest=options.weakest)
        self._position = 0
        self.right = 0
        self.answered = 0

    @property
    def total(self) -> int:
        return len(self.plan)

    def next_item(self) -> PracticeItem | None:
        from flashdl.services.exercises import fresh_exercise

        while self._position < len(self.plan):
            card = self.plan[self._position]
            self._position += 1
            exercise = fresh_exercise(card.engine, self._next_seed(), card_id=card.id)
            if exercise is None:  # the engine cannot use this card's block: skip it
                continue
            with self._store.read() as tx:
                content = queries.study_content(tx, card.id)
            if content is None:
                continue
            _, _, front, back, _, _, errata, markup = content
            return PracticeItem(self._position, card.id, card.full_id, front, back, markup, errata, exercise)
        return None

    def record(self, item: PracticeItem, typed: str, verdict: Verdict, now: datetime, *,
               duration_ms: int = 0) -> AttemptResult:
        """Commit one attempt (one write transaction); an empty answer counts as wrong."""
        require_aware(now)
        correct = bool(verdict.correct) and not verdict.skipped
        with self._store.write() as tx:
            attempt_id = practice_store.append_attempt(
                tx, card_id=item.card_id, family=item.family, params=item.exercise.params, typed=typed,
                correct=correct, duration_ms=duration_ms, attempted_ms=to_ms(now),
                day=study_day(now, rollover_hour=self._rollover),
            )
        self.answered += 1
        self.right += correct
        return AttemptResult(attempt_id, correct, bool(verdict.skipped))
