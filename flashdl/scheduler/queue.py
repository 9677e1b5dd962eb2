"""The day's study queue, as pure logic: which card comes next, and after an answer.

Order (DESIGN §4, issue 3): due reviews first (most overdue first), then new
cards up to each deck's allowance for the day (deck by deck, in file order),
then same-day repeats (cards graded < 4 today), which cycle until each is
graded >= 4. No I/O and no clock: the study service gathers the candidates
from the store and feeds answers back in.

``plan_queue`` is a pure function, and ``queue_parts`` the rule it applies
(a listing streams the parts without building the whole queue). ``SessionQueue`` is the in-memory cursor
a session walks: O(1) to peek and to answer the head, so fetching the next
card never re-queries 100,000 rows.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date
from enum import StrEnum
from itertools import chain
from operator import itemgetter
from typing import NamedTuple, TypeVar


class QueueKind(StrEnum):
    """Why a card is in today's queue (the ``kind`` of ``flashdl due``)."""

    REVIEW = "review"  # seen before, due on or before today
    NEW = "new"  # never seen
    LEARNING = "learning"  # graded < 4 today: comes back before the day ends


class QueueEntry(NamedTuple):
    """One card in the queue; ``due`` is its due study day (today for new cards).

    A named tuple rather than a dataclass: a session start builds one per
    due card (100,000 of them in the benchmark), and tuples build ~5x faster.
    """

    card_id: int
    deck_id: int
    kind: QueueKind
    due: date
    position: int = 0


_REVIEW_ORDER = itemgetter(3, 1, 4, 0)  # (due, deck_id, position, card_id)
_KIND = itemgetter(2)
_DECK = itemgetter(1)
R = TypeVar("R")  # a due review as the caller holds it: a ``QueueEntry``, or a row of a listing


def plan_queue(
    candidates: Iterable[QueueEntry],
    *,
    new_allowance: Mapping[int, int],
    deck_order: Mapping[int, int] | None = None,
    review_allowance: Mapping[int, int] | None = None,
    extra_new: int = 0,
) -> tuple[QueueEntry, ...]:
    """Today's queue from every candidate card: ``queue_parts`` of them, one after the other.

    The candidates may come in any order: the reviews are sorted most overdue first (then by
    deck id, file position, card id) before ``queue_parts`` chooses among them.
    """
    reviews: list[QueueEntry] = []
    new: list[QueueEntry] = []
    learning: list[QueueEntry] = []
    for entry in candidates:
        if entry.kind is QueueKind.REVIEW:
            reviews.append(entry)
        elif entry.kind is QueueKind.NEW:
            new.append(entry)
        else:
            learning.append(entry)
    reviews.sort(key=_REVIEW_ORDER)  # C-level key: this list may hold 100,000 cards
    parts = queue_parts(reviews, new, learning, review_deck=_DECK, new_allowance=new_allowance,
                        deck_order=deck_order, review_allowance=review_allowance, extra_new=extra_new)
    return tuple(chain.from_iterable(parts))


def queue_parts(
    reviews: Iterable[R],
    new: Iterable[QueueEntry],
    learning: Iterable[QueueEntry],
    *,
    review_deck: Callable[[R], int],
    new_allowance: Mapping[int, int],
    deck_order: Mapping[int, int] | None = None,
    review_allowance: Mapping[int, int] | None = None,
    extra_new: int = 0,
) -> tuple[Iterator[R], Iterator[QueueEntry], Iterator[QueueEntry]]:
    """Today's queue in its three parts, in study order: the reviews, the new cards, the
    same-day repeats (the one statement of the rule; ``plan_queue`` and the streamed listing
    of ``flashdl due`` both take the parts in this order).

    ``reviews`` must come in review order (most overdue first, then by deck id, file position,
    card id): the store reads them in it, so a listing of 100,000 of them is never held whole;
    they may be any records, ``review_deck`` giving a record's deck id. They are passed on
    lazily, in that order; ``review_allowance`` (a deck's reviews-per-day limit minus the
    reviews it had today; decks missing from it have no limit) keeps each deck's first
    reviews and drops the rest for today. ``new_allowance`` maps a deck id to how many new
    cards it may still show today (its daily limit minus the new cards already seen today);
    decks missing from it show none. New cards come deck by deck in ``deck_order`` (a rank
    per deck id; default: by id), in file order. ``extra_new`` more new cards (in all, not
    per deck) follow those the allowances admit, in the same order: Anki's "increase today's
    new card limit" (custom study). Same-day repeats come last, in the order given.
    """
    kept = iter(reviews) if not review_allowance else _within_allowance(reviews, review_allowance, review_deck)
    return kept, iter(_admitted_new(new, new_allowance, deck_order or {}, extra_new)), iter(learning)


def _within_allowance(reviews: Iterable[R], allowance: Mapping[int, int],
                      review_deck: Callable[[R], int]) -> Iterator[R]:
    """Each deck's first reviews, up to its allowance (decks without one keep all)."""
    shown: dict[int, int] = {}
    for review in reviews:
        deck = review_deck(review)
        limit = allowance.get(deck)
        count = shown.get(deck, 0)
        if limit is None or count < limit:
            shown[deck] = count + 1
            yield review


def _admitted_new(new: Iterable[QueueEntry], allowance: Mapping[int, int], rank: Mapping[int, int],
                  extra_new: int) -> list[QueueEntry]:
    ordered = sorted(new, key=lambda e: (rank.get(e.deck_id, e.deck_id), e.position, e.card_id))
    taken: dict[int, int] = {}
    admitted: list[QueueEntry] = []
    for entry in ordered:
        count = taken.get(entry.deck_id, 0)
        if count < allowance.get(entry.deck_id, 0):
            taken[entry.deck_id] = count + 1
            admitted.append(entry)
    if extra_new > 0:
        chosen = set(map(id, admitted))
        admitted += [e for e in ordered if id(e) not in chosen][:extra_new]
    return admitted


class SessionQueue:
    """A study session's position in its queue (mutable, in memory, no I/O).

    ``peek()`` is the next card; ``answered(card_id, repeat=...)`` takes the
    card off the queue and, when the grade asks for a same-day repeat, puts it
    at the end as LEARNING. ``push_front`` serves undo.

    Reviews may arrive in pages: ``unloaded_reviews`` says how many more are
    due; while ``needs_reviews()`` the caller loads the next page (those after
    ``last_review_loaded()``) with ``add_reviews`` before peeking, so new
    cards never jump ahead of reviews not yet loaded.
    """

    def __init__(self, plan: Iterable[QueueEntry], *, unloaded_reviews: int = 0) -> None:
        entries = list(plan)
        self._reviews: deque[QueueEntry] = deque(e for e in entries if e.kind is QueueKind.REVIEW)
        self._new: deque[QueueEntry] = deque(e for e in entries if e.kind is QueueKind.NEW)
        self._repeats: deque[QueueEntry] = deque(e for e in entries if e.kind is QueueKind.LEARNING)
        self._counts = {kind: 0 for kind in QueueKind}
        self._counts.update(Counter(map(_KIND, entries)))
        self._unloaded = unloaded_reviews
        self._last_review = self._reviews[-1] if self._reviews else None

    def _append(self, queue: deque[QueueEntry], entry: QueueEntry, *, left: bool = False) -> None:
        queue.appendleft(entry) if left else queue.append(entry)
        self._counts[entry.kind] += 1

    def needs_reviews(self) -> bool:
        return not self._reviews and self._unloaded > 0

    def last_review_loaded(self) -> QueueEntry | None:
        return self._last_review

    def add_reviews(self, page: Iterable[QueueEntry]) -> None:
        """The next page of reviews, in order; an empty page means none are left."""
        added = 0
        for entry in page:
            self._append(self._reviews, entry)
            self._last_review = entry
            added += 1
        self._unloaded = max(0, self._unloaded - added) if added else 0

    def __len__(self) -> int:
        return len(self._reviews) + len(self._new) + len(self._repeats) + self._unloaded

    def peek(self) -> QueueEntry | None:
        for queue in (self._reviews, self._new, self._repeats):
            if queue:
                return queue[0]
        return None

    def entries(self) -> tuple[QueueEntry, ...]:
        """The loaded entries, in order."""
        return (*self._reviews, *self._new, *self._repeats)

    def counts(self) -> dict[QueueKind, int]:
        """Cards left, by kind (what a study screen shows as new / learning / review)."""
        counts = dict(self._counts)
        counts[QueueKind.REVIEW] += self._unloaded
        return counts

    def find(self, card_id: int) -> QueueEntry | None:
        """The entry of a card (O(1) for the head, the usual case)."""
        head = self.peek()
        if head is not None and head.card_id == card_id:
            return head
        for entry in self.entries():
            if entry.card_id == card_id:
                return entry
        return None

    def remove(self, card_id: int) -> QueueEntry | None:
        """Take a card off the queue wherever it is (answered, suspended, buried)."""
        queues = (self._reviews, self._new, self._repeats)
        for queue in queues:
            if queue and queue[0].card_id == card_id:
                return self._taken(queue.popleft())
        for queue in queues:
            for entry in queue:
                if entry.card_id == card_id:
                    queue.remove(entry)
                    return self._taken(entry)
        return None

    def _taken(self, entry: QueueEntry) -> QueueEntry:
        self._counts[entry.kind] -= 1
        return entry

    def answered(self, card_id: int, *, repeat: bool, today: date) -> None:
        """The card was graded: drop it, or send it to the back when it must come again."""
        entry = self.remove(card_id)
        if repeat and entry is not None:
            self._append(self._repeats, entry._replace(kind=QueueKind.LEARNING, due=today))

    def top_up_new(self, planned: Sequence[QueueEntry]) -> tuple[QueueEntry, ...]:
        """Bring the new cards up to ``planned``: today's new cards as the day's plan takes them
        now, in order (``plan_queue`` of fresh candidates). Those not in the queue join its new
        cards, which keep the plan's order; returned, for undo to take back out. A new card
        buried or suspended thus leaves its place to the next one, as in Anki: taking a card
        out does not use up the day's new-card limit."""
        queued = {entry.card_id for entry in self.entries()}
        added = tuple(entry for entry in planned if entry.kind is QueueKind.NEW and entry.card_id not in queued)
        if added:
            rank = {entry.card_id: i for i, entry in enumerate(planned)}
            # stable sort: a queued new card the plan no longer has (changed elsewhere) stays first
            self._new = deque(sorted([*self._new, *added], key=lambda e: rank.get(e.card_id, -1)))
            self._counts[QueueKind.NEW] += len(added)
        return added

    def top_up_reviews(self, planned: Sequence[QueueEntry]) -> tuple[QueueEntry, ...]:
        """Bring a deck's reviews up to ``planned``: its due reviews its reviews-per-day limit
        takes now, in review order. Those not in the queue join its reviews at their place in
        review order (a card undone back to the head stays there); returned, for undo to take
        back out. A review buried or suspended thus leaves its place to the next due one, as in
        Anki: taking a card out does not use up the day's review limit."""
        queued = {entry.card_id for entry in self.entries()}
        added = tuple(entry for entry in planned if entry.kind is QueueKind.REVIEW and entry.card_id not in queued)
        for entry in sorted(added, key=_REVIEW_ORDER):
            key = _REVIEW_ORDER(entry)
            place = next((i for i, queued_entry in enumerate(self._reviews)
                          if queued_entry.kind is QueueKind.REVIEW and _REVIEW_ORDER(queued_entry) > key),
                         len(self._reviews))
            self._reviews.insert(place, entry)
            self._counts[QueueKind.REVIEW] += 1
        return added

    def push_front(self, entry: QueueEntry) -> None:
        """Put a card back at the head (after undoing its review)."""
        self.remove(entry.card_id)
        self._append(self._reviews, entry, left=True)
