"""Study sessions: the day's queue, the next card, answers, undo, suspend, bury.

``StudySession(store, now, deck=None)``
    Builds today's queue (one read transaction): due reviews first (most
    overdue first; read REVIEW_PAGE at a time as the session goes, so a
    session over 100,000 due cards starts at once), then new cards up to
    each deck's daily limit (minus those already started today), then
    same-day repeats. Then:

    - ``next_card(now=None) -> StudyCard | None``: the card to show (None:
      done); given ``now`` past the rollover into a new study day, the queue
      is first rebuilt for that day (as Anki does).
    - ``answer(card_id, grade, now, *, duration_ms=0, answer=None,
      expected_revision=None) -> ReviewResult``: records the review
      (``reviews.record_review``: one transaction) and moves the queue on;
      a grade < 4 sends the card to the back as LEARNING.
    - ``undo() -> UndoResult | FlagUndo | None``: takes back this session's
      last action (answer, suspend or bury; newest first, as deep as the
      session goes) and puts the card back at the head.
    - ``preview(card_id, now)``: what each grade would do to the card.
    - ``suspend(card_id)``, ``bury(card_id, now)``: through ``card_flags``,
      and off the queue; a new card's place goes to the next new card the
      day's limits allow, a review's to the next due review its deck's
      reviews-per-day limit allows (as in Anki), which an undo takes back out.
    - ``counts() -> QueueCounts``, ``today``, ``refresh(now)``.

    When an answer falls on a new study day (past the rollover hour), the
    queue is rebuilt for that day first; a same-day repeat of the day before
    that is not due on the new day is then refused (``StudyDayChangedError``):
    graded, it would be an early review of a card that is not due.

``study_queue(store, now, deck=None, limit=None) -> list[QueueItem]``
    Today's queue as ``flashdl due`` lists it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flashdl.clock import study_day
from flashdl.errors import FlashdlError
from flashdl.scheduler.queue import QueueEntry, QueueKind, SessionQueue, plan_queue
from flashdl.services import card_flags
from flashdl.scheduler.sm2 import MAX_GRADE, MIN_GRADE, REPEAT_BELOW
from flashdl.services.custom_study import CustomStudy, custom_entries
from flashdl.services.lookup import require_aware, resolve_deck
from flashdl.services.queue_listing import day_rules, queue_lines, rules_on
from flashdl.services.reviews import cram_answer, preview_review, record_review, undo_last_review
from flashdl.services.views import (
    ComputedAnswer,
    FlagUndo,
    QueueCounts,
    QueueItem,
    ReviewResult,
    StudyCard,
    GradePreview,
    UndoResult,
)
from flashdl.store import Store, queries
from flashdl.store.scheduling import LoadedState, load_state
from flashdl.store.settings import Settings, add_extra_new, load_settings

REVIEW_PAGE = 500  # reviews a session reads at a time
# a suspend or bury, for undo: (action, suspended and buried_until before it, new cards added,
# whether the card was in the queue)
_Flagged = tuple[str, bool, date | None, tuple[QueueEntry, ...], bool]


class StudyDayChangedError(FlashdlError):
    """A same-day repeat shown before the study day rolled over, answered after it, and not due
    on the new day: its repeat lapsed with its day, so the grade is not recorded."""


@dataclass(frozen=True)
class TodayPlan:
    today: date
    settings: Settings
    deck_id: int | None
    entries: tuple[QueueEntry, ...]
    unloaded_reviews: int  # due reviews beyond those in ``entries``


def plan_today(store: Store, now: datetime, deck: str | None, *, review_limit: int = -1,
               extra_new: int = 0) -> TodayPlan:
    """Today's queue in one read transaction, with at most ``review_limit`` reviews (-1: all)
    and ``extra_new`` new cards beyond the daily limits (custom study's ``--new N``)."""
    require_aware(now)
    with store.read() as conn:
        rules = day_rules(conn, now, deck)
        if rules.review_allowance:
            review_limit = -1  # the limits apply deck by deck, over every due review
        allowance = rules.new_allowance
        wanted = {d: a + extra_new for d, a in allowance.items()} if extra_new else allowance
        candidates = queries.queue_candidates(
            conn, rules.today, wanted, rules.deck_id, review_limit=review_limit,
            random_order=rules.random_order,
        )
        loaded = sum(1 for e in candidates if e.kind is QueueKind.REVIEW)
        unloaded = 0
        if review_limit >= 0 and loaded == review_limit:
            unloaded = queries.review_count(conn, rules.today, rules.deck_id) - loaded
    plan = plan_queue(candidates, new_allowance=allowance, deck_order=rules.deck_order,
                      review_allowance=rules.review_allowance, extra_new=extra_new)
    return TodayPlan(rules.today, rules.settings, rules.deck_id, plan, max(0, unloaded))


def extend_new_today(store: Store, now: datetime, deck: str | None, count: int) -> dict[int, int]:
    """Custom study's extra new cards (``--new N``; Anki's "increase today's new card limit"):
    the next ``count`` new cards beyond the decks' limits (in all, in deck and file order) raise
    those decks' limits for the rest of the study day, so quitting and coming back, ``decks``,
    ``due`` and home all see them; the session is then today's queue. One write transaction;
    returns the day's raises by deck id. Kept for the session only, the extras left after a quit
    were lost while its summary still counted them."""
    require_aware(now)
    with store.write() as tx:
        rules = day_rules(tx, now, deck)
        wanted = {d: a + count for d, a in rules.new_allowance.items()}
        candidates = [e for e in queries.queue_candidates(tx, rules.today, wanted, rules.deck_id, review_limit=0,
                                                          random_order=rules.random_order)
                      if e.kind is QueueKind.NEW]
        within = set(map(id, plan_queue(candidates, new_allowance=rules.new_allowance, deck_order=rules.deck_order)))
        extra: dict[int, int] = {}
        for entry in plan_queue(candidates, new_allowance=rules.new_allowance, deck_order=rules.deck_order,
                                extra_new=count):
            if id(entry) not in within:
                extra[entry.deck_id] = extra.get(entry.deck_id, 0) + 1
        return add_extra_new(tx, rules.today, extra)


def _still_queued(kind: QueueKind, loaded: LoadedState, today: date) -> bool:
    """Whether a card of the day's queue is still what it was queued as. Another window (browse's
    Forget or Set due date, ``flashdl card``, a grade) may have changed it since the session
    began: a review no longer due, a new card no longer new, a same-day repeat no longer to come
    leaves the session as a retired card does (graded, a postponed card was reviewed early and a
    forgotten one taken as a new card beyond the day's limit)."""
    state = loaded.state
    if kind is QueueKind.REVIEW:
        return loaded.due is not None and loaded.due <= today
    if kind is QueueKind.NEW:
        return loaded.due is None and state.last_review is None
    return state.repeat_pending and state.last_review == today


def study_queue(
    store: Store, now: datetime, deck: str | None = None, limit: int | None = None
) -> list[QueueItem]:
    """Today's queue, in study order (``queue_listing.queue_lines``, one item per card)."""
    return [
        QueueItem(card=card, front=front, kind=kind, due=date.fromisoformat(due))
        for lines in queue_lines(store, now, deck, limit)
        for card, front, kind, due in zip(lines.cards, lines.fronts, lines.kinds, lines.dues)
    ]


class StudySession:
    """One study session over one deck or all decks (see the module docstring).

    ``custom`` makes it a custom study session (``flashdl.services.custom_study``).
    """

    def __init__(self, store: Store, now: datetime, deck: str | None = None,
                 custom: CustomStudy | None = None) -> None:
        self._store = store
        self._deck = deck
        self.custom = custom
        # what undo takes back, newest last: a grade, or a suspend/bury with the flags before it and
        # the new cards that took the place of a new card taken out (``_top_up``)
        self._answered: list[tuple[QueueEntry, _Flagged | None]] = []
        self._results: list[ReviewResult] = []  # this session's grades, for undo in a cram session
        if custom is not None and custom.extra_new:  # the day's limits raised: then today's queue
            extend_new_today(store, now, deck, custom.extra_new)
        self.refresh(now)

    def refresh(self, now: datetime) -> None:
        """Rebuild the queue from the store (new study day, or changes elsewhere)."""
        custom = self.custom
        if custom is not None and custom.extra_new == 0:  # a search or review ahead
            with self._store.read() as conn:
                self.settings = load_settings(conn)
                self.today = study_day(now, rollover_hour=self.settings.rollover_hour)
                self._deck_id = resolve_deck(conn, self._deck)
                entries = custom_entries(conn, custom, self.today, self._deck)
            self._queue = SessionQueue(entries)
        else:
            plan = plan_today(self._store, now, self._deck, review_limit=REVIEW_PAGE)
            self.today, self.settings, self._deck_id = plan.today, plan.settings, plan.deck_id
            self._queue = SessionQueue(plan.entries, unloaded_reviews=plan.unloaded_reviews)
        self._answered.clear()
        self._results.clear()

    def _load_reviews(self) -> None:
        """The next page of due reviews, when the loaded ones are used up."""
        while self._queue.needs_reviews():
            with self._store.read() as conn:
                page = queries.review_page(
                    conn, self.today, after=self._queue.last_review_loaded(),
                    limit=REVIEW_PAGE, deck_id_=self._deck_id,
                )
            self._queue.add_reviews(page)

    def counts(self) -> QueueCounts:
        """Cards left in the session, by kind (reviews not yet loaded included)."""
        counts = self._queue.counts()
        return QueueCounts(
            new=counts[QueueKind.NEW],
            learning=counts[QueueKind.LEARNING],
            review=counts[QueueKind.REVIEW],
        )

    def _new_day(self, now: datetime) -> bool:
        """Whether ``now`` falls on a later study day than the queue's (the rollover passed)."""
        return study_day(now, rollover_hour=self.settings.rollover_hour) != self.today

    def next_card(self, now: datetime | None = None) -> StudyCard | None:
        """The card to show now, or None when today's queue is done.

        ``now`` (the front ends pass it): past the rollover into a new study day, the queue is
        rebuilt for that day first, as in Anki. Yesterday's queue would go on showing its same-day
        repeats (lapsed at the rollover; DESIGN §4 rule 5) and none of the new day's cards."""
        if now is not None and self._new_day(now):
            self.refresh(now)
        while True:
            self._load_reviews()
            entry = self._queue.peek()
            if entry is None:
                return None
            card = self._load(entry)
            if card is not None:
                return card

    def _load(self, entry: QueueEntry) -> StudyCard | None:
        """The card of ``entry``; None when it was retired since the queue was built (gone from
        its deck file, e.g. edited with ``E`` during the session) or, in the day's queue, is no
        longer what it was queued as (``_still_queued``): it leaves the queue, and its place goes
        to the next card the day's limits allow, as for a bury (``_top_up``)."""
        with self._store.read() as conn:
            content = queries.study_content(conn, entry.card_id)
            loaded = load_state(conn, entry.card_id)
        if content is None or loaded is None:  # cannot happen: cards are retired, never deleted
            self._queue.remove(entry.card_id)
            raise LookupError(f"card {entry.card_id} vanished")
        if loaded.retired or (self.custom is None and not _still_queued(entry.kind, loaded, self.today)):
            self._queue.remove(entry.card_id)
            self._top_up(entry)
            return None
        deck_slug, card_slug, front, back, tags, engine, errata, markup = content
        return StudyCard(
            id=entry.card_id,
            card=f"{deck_slug}/{card_slug}",
            deck=deck_slug,
            front=front,
            back=back,
            tags=tags,
            engine=engine,
            errata=errata,
            kind=entry.kind,
            state=loaded.state,
            revision=loaded.revision,
            markup=markup,
        )

    def answer(
        self,
        card_id: int,
        grade: int,
        now: datetime,
        *,
        duration_ms: int = 0,
        answer: ComputedAnswer | None = None,
        expected_revision: int | None = None,
    ) -> ReviewResult:
        """Record a grade for a card of this session and move the queue on.

        In a cram session nothing is rescheduled and the review log is left alone (it is the
        card's history: its state is a replay of it); a computed card's typed answer is kept
        as a practice attempt, as ``flashdl practice`` keeps it.

        An answer past the rollover into a new study day rebuilds the queue for that day first;
        a same-day repeat of the day before that the new day does not have (not due on it) is
        then refused with ``StudyDayChangedError``, nothing recorded: graded, it would move the
        card as an early review (as ``study --ahead``), which nobody asked for.
        """
        if self._new_day(now):
            shown, day = self._queue.find(card_id), self.today
            self.refresh(now)
            if shown is not None and shown.kind is QueueKind.LEARNING:
                self._check_still_due(card_id, day)
        if self.custom is not None and self.custom.cram:
            result = cram_answer(self._store, card_id, grade, now, duration_ms=duration_ms,
                                 answer=answer, rollover_hour=self.settings.rollover_hour)
        else:
            result = record_review(
                self._store, card_id, grade, now,
                duration_ms=duration_ms, answer=answer, expected_revision=expected_revision,
                rollover_hour=self.settings.rollover_hour,
            )
        entry = self._queue.find(card_id) or QueueEntry(
            card_id, 0, QueueKind.REVIEW, result.study_day
        )  # a card from outside the queue: undo puts it at the head
        if result.study_day != self.today:
            self.refresh(now)  # a new study day: a new queue
        else:
            # A leech suspended by this answer leaves the queue, learning step or not.
            repeat = result.repeat_today and not result.leech_suspended
            self._queue.answered(card_id, repeat=repeat, today=self.today)
        self._answered.append((entry, None))
        self._results.append(result)
        return result

    def _check_still_due(self, card_id: int, day: date) -> None:
        """Refuse a repeat of study day ``day`` that the new study day does not have: not due on
        it. A custom search or review ahead takes its cards due or not (they are reviewed early
        on purpose), and cram reschedules nothing: those go on."""
        custom = self.custom
        if custom is not None and custom.extra_new == 0:
            return
        with self._store.read() as conn:
            loaded = load_state(conn, card_id)
        if loaded is None or loaded.due is None or loaded.due <= self.today:
            return  # gone (the answer says so), new, or due on the new day: graded as a review
        raise StudyDayChangedError(
            f"a new study day began ({self.today.isoformat()}): {loaded.full_id} was a repeat of "
            f"{day.isoformat()} and is not due until {loaded.due.isoformat()}, so it is not graded; "
            "the new day's cards follow")

    def undo(self) -> UndoResult | FlagUndo | None:
        """Take back this session's last action (a grade, suspend or bury); the card is shown
        again next. Several steps deep, newest first. A grade the card's Forget or Set due date
        followed raises ``UndoBlockedError`` and leaves the undo steps (nothing is changed)."""
        if not self._answered:
            return None
        entry, flagged = self._answered.pop()
        if flagged is not None:
            action, suspended, buried_until, topped_up, queued = flagged
            card_flags.restore_flags(self._store, entry.card_id, suspended, buried_until)
            for added in topped_up:  # the queue as it was: the card back, its stand-in out
                self._queue.remove(added.card_id)
            if queued:  # a card already out (suspended as a leech by its grade) stays out
                self._queue.push_front(entry)
            with self._store.read() as conn:
                name = queries.fronts(conn, [entry.card_id])[entry.card_id][0]
            return FlagUndo(entry.card_id, name, action, requeued=queued)
        graded = self._results.pop() if self._results else None
        if self.custom is not None and self.custom.cram and graded is not None:
            self._queue.push_front(entry)  # nothing was rescheduled: nothing to restore
            return UndoResult(graded.review_id, graded.card_id, graded.card, graded.grade,
                              graded.kind, graded.reviewed_at, graded.before)
        # Forgotten or given a due date since (browse): ``UndoBlockedError`` says so; that grade
        # stays, out of the session's undo, and the next undo goes on to the actions before it.
        result = undo_last_review(self._store, card=entry.card_id)
        if result is not None:
            self._queue.push_front(entry)
        return result

    def preview(self, card_id: int, now: datetime) -> tuple[date, tuple[GradePreview, ...]]:
        """What each grade would do to the card now (``reviews.preview_review``); in a cram
        session, nothing but bringing it back this session on a grade < 4."""
        if self.custom is not None and self.custom.cram:
            return self.today, tuple(GradePreview(g, None, g < REPEAT_BELOW, rescheduled=False)
                                     for g in range(MIN_GRADE, MAX_GRADE + 1))
        return preview_review(self._store, card_id, now, rollover_hour=self.settings.rollover_hour)

    def suspend(self, card_id: int) -> None:
        self._flag(card_id, "suspend", lambda: card_flags.suspend_card(self._store, card_id))

    def bury(self, card_id: int, now: datetime) -> date:
        """Hide the card until the next study day; returns that day."""
        until: list[date] = []
        self._flag(card_id, "bury", lambda: until.append(card_flags.bury_card(self._store, card_id, now)))
        return until[0]

    def _flag(self, card_id: int, action: str, change: Callable[[], object]) -> None:
        """Suspend or bury, remembering the flags before it for undo; a new card taken out
        leaves its place to the next (``_top_up``)."""
        suspended, buried_until = card_flags.card_flags(self._store, card_id)
        queued = self._queue.find(card_id)
        entry = queued or QueueEntry(card_id, 0, QueueKind.REVIEW, self.today)
        change()
        self._queue.remove(card_id)
        topped_up = self._top_up(queued) if queued is not None else ()
        self._answered.append((entry, (action, suspended, buried_until, topped_up, queued is not None)))

    def _top_up(self, taken: QueueEntry) -> tuple[QueueEntry, ...]:
        """The cards the day's plan takes now that ``taken`` has left the queue, added to it: as
        in Anki, a buried or suspended card uses up neither the day's new-card limit nor its
        review limit. A new card's place goes to the next new card (each deck's new-per-day
        limit less the new cards seen today, in its new-card order); a review's, in a deck with
        a reviews-per-day limit, to the deck's next due review (without a limit every due review
        is queued already). So the session ends with the cards ``decks`` counts. A search or
        review-ahead session studies the cards it chose; an extra-new-cards session is today's
        queue under the day's raised limits (docs/custom-study.md rule 6), topped up the same way."""
        custom = self.custom
        if taken.kind is QueueKind.LEARNING or (custom is not None and custom.extra_new == 0):
            return ()
        with self._store.read() as conn:
            rules = rules_on(conn, self.today, self._deck)
            if taken.kind is QueueKind.REVIEW:
                limit = rules.review_allowance.get(taken.deck_id)
                if limit is None or limit <= 0:
                    return ()
                due = queries.review_page(conn, rules.today, limit=limit, deck_id_=taken.deck_id)
                return self._queue.top_up_reviews(due)
            candidates = queries.queue_candidates(conn, rules.today, rules.new_allowance, rules.deck_id,
                                                  review_limit=0, random_order=rules.random_order)
        planned = plan_queue([e for e in candidates if e.kind is QueueKind.NEW],
                             new_allowance=rules.new_allowance, deck_order=rules.deck_order)
        return self._queue.top_up_new(planned)

    def queued(self) -> Iterable[QueueEntry]:
        """The entries loaded so far, in order (reviews come a page at a time)."""
        return self._queue.entries()

