"""Progress statistics: one read transaction in, plain named tuples out.

``collection_stats(store, now, deck=None, days=30, calendar_days=0) -> StatsReport``
    Every figure of ``flashdl stats`` (DESIGN §6) for one deck or all,
    computed by SQL aggregates (``flashdl.store.stats_queries``) inside one
    ``Store.read()``, so the figures agree with each other. ``to_json()``
    gives the §6 contract. ``StatsService(store, clock)`` binds a store and
    a clock for the statistics screen.

``stats_of_file(path, now, deck=None, days=30) -> StatsReport``
    The same for the command line, in one read transaction on the database
    file: through a plain reader (``stats_queries.open_reader``, no SQLAlchemy)
    when the file is at the current schema (so a one-shot process does not pay for importing it),
    else through ``open_store``, which creates, upgrades or refuses it.

Definitions (the same in the CLI, the JSON and the screen):

- **Study day**: a day starts at the rollover hour (04:00 local time by
  default, the ``rollover_hour`` setting). "Today" is the study day of
  ``now`` in ``now``'s zone; a review counts for the ``study_day`` stored
  with it when it was made (the study day of its moment, in the zone of the
  clock that recorded it), so a review at 03:59 counts for the day before.
- **Correct**: a review graded >= 3 (SM-2's successful recall).
- **Lapse**: a review-kind review (not new, not drill) graded < 3: a seen
  card forgotten. Counted over all time.
- **Card counts** (retired cards count nowhere; each card in exactly one):
  ``suspended``; ``new`` (never reviewed); ``learning`` (graded < 4 today,
  so a same-day repeat is pending, and not buried: what ``flashdl decks``
  calls learning); ``young`` (interval < 21 days); ``mature`` (>= 21, as Anki).
  A card's **interval** is its scheduler's: SM-2's, or for a card with an FSRS
  state (FSRS deck) the days from its last review to its FSRS due day, the
  interval ``review`` and ``show`` report for it (docs/fsrs.md §8).
  Besides them, ``leeches``: cards tagged leech by the leech rule
  (``flashdl.scheduler.leech``), suspended or not (Anki's ``tag:leech``).
- **Today**: ``reviewed`` every review logged today (new, review and drill),
  ``correct`` those graded >= 3, ``new_seen`` first reviews of new cards,
  ``seconds`` the time taken (sum of the logged durations, in seconds).
- **Streak**: consecutive study days with at least one review, ending today
  (or yesterday while today has no review yet, so a streak is not lost
  before the day is over: the rule of Anki's Review Heatmap add-on).
  0 when neither today nor yesterday has a review.
- **Reviews by day**: every study day of the last ``days`` (today
  included, oldest first, zeros too): reviews of any kind and those correct.
- **Forecast**: every study day of the next ``days`` (from today): active
  scheduled cards (not new, suspended or retired) whose due day is that
  day; cards already overdue count on today.
- **Retention** (young and mature), over the review-kind reviews of the
  last ``days``: the share graded >= 3, each review classed young or mature
  by the card's interval *before* it as its log row keeps it (SM-2's, under
  FSRS too: the log holds no FSRS interval, docs/fsrs.md §1.7); a fraction
  in 0..1, or None with no such reviews.
- **Histograms** over the seen cards (not new; suspended included, retired
  not), each a list of ``{"min", "max", "count"}``, ``min`` inclusive,
  ``max`` exclusive, ``max`` null for the open last bucket, every bucket
  listed (zeros too). E-Factor buckets are 0.1 wide from 1.3 to 3.0, then
  3.0 and above; interval buckets in days: 0-1, 2-6, 7-13, 14-20, 21-29,
  30-59, 60-89, 90-179, 180-364, 365 and above.
- **Hardest**: up to 10 seen, non-retired cards with a lapse or an E-Factor
  below 2.5; most lapses first, then lowest E-Factor, then card id.
- **Engine**, per family over the last ``days``: ``attempts`` typed
  answers checked by the engine, in reviews of a computed card and in
  practice runs (``flashdl practice``) alike, ``correct`` those judged
  right, ``practice`` how many of the attempts were made in practice.
  ``last10``: right answers among the family's last 10 answers up to
  today, over all time, not only the period (reviews and practice, newest by
  moment; fewer when it has fewer, ``last10_attempts`` says how many), the
  mastery figure practice orders families by. Families in name order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from flashdl.clock import DEFAULT_ROLLOVER_HOUR, Clock, study_day
from flashdl.store import stats_queries

if TYPE_CHECKING:
    from flashdl.store import Store
    from flashdl.store.connection import Transaction

DEFAULT_DAYS = 30
HARDEST_LIMIT = 10
EASE_EDGES = tuple(range(1400, 3001, 100))  # per-mille; [1300, 1400) is the first bucket
EASE_FLOOR = 1300
INTERVAL_EDGES = (2, 7, 14, 21, 30, 60, 90, 180, 365)  # days; [0, 2) is the first bucket

# The records are named tuples, not frozen dataclasses: ``flashdl stats`` is a one-shot process,
# and the dataclasses module (with the inspect module it imports) and nine generated classes
# cost it ~10 ms of its start, where named tuples cost ~1 ms.


class CardCounts(NamedTuple):
    new: int = 0
    learning: int = 0
    young: int = 0
    mature: int = 0
    suspended: int = 0
    leeches: int = 0  # tagged leech (suspended or not): not a category, outside ``total``

    @property
    def total(self) -> int:
        return self.new + self.learning + self.young + self.mature + self.suspended


class TodaySummary(NamedTuple):
    reviewed: int
    correct: int
    new_seen: int
    seconds: float


class DayReviews(NamedTuple):
    date: date
    count: int  # type: ignore[assignment]  # the field hides tuple.count, as a NamedTuple field may
    correct: int


class DueDay(NamedTuple):
    date: date
    due: int


class Retention(NamedTuple):
    young: float | None
    mature: float | None
    young_reviews: int = 0
    mature_reviews: int = 0


class Bucket(NamedTuple):
    """``min <= value < max``; ``max`` None for the open last bucket."""

    min: float
    max: float | None
    count: int  # type: ignore[assignment]  # the field hides tuple.count


class HardCard(NamedTuple):
    card: str  # DECK/CARD
    lapses: int
    ease: int  # per-mille

    @property
    def ease_factor(self) -> float:
        return self.ease / 1000


class FamilyAccuracy(NamedTuple):
    family: str
    attempts: int
    correct: int
    last10: int = 0  # right among the family's last 10 answers up to today (all time)
    last10_attempts: int = 0  # how many answers that is: min(10, all the family's answers)
    practice: int = 0  # attempts (of ``attempts``) made in practice runs


class StatsReport(NamedTuple):
    deck: str | None  # None: every deck
    today: date
    days: int
    cards: CardCounts
    studied_today: TodaySummary
    streak_days: int
    reviews_by_day: tuple[DayReviews, ...]
    forecast: tuple[DueDay, ...]
    retention: Retention
    ease_histogram: tuple[Bucket, ...]
    interval_histogram: tuple[Bucket, ...]
    hardest: tuple[HardCard, ...]
    engine: tuple[FamilyAccuracy, ...]
    calendar: tuple[DayReviews, ...] = ()  # reviews per day, when asked

    def to_json(self) -> dict[str, Any]:
        """The ``flashdl stats --json`` document (DESIGN §6), keys exactly."""
        cards, today = self.cards, self.studied_today
        return {
            "cards": {
                "new": cards.new, "learning": cards.learning, "young": cards.young,
                "mature": cards.mature, "suspended": cards.suspended, "leeches": cards.leeches,
            },
            "today": {
                "reviewed": today.reviewed, "correct": today.correct,
                "new_seen": today.new_seen, "seconds": today.seconds,
            },
            "streak_days": self.streak_days,
            "reviews_by_day": [
                {"date": d.date.isoformat(), "count": d.count, "correct": d.correct}
                for d in self.reviews_by_day
            ],
            "forecast": [{"date": d.date.isoformat(), "due": d.due} for d in self.forecast],
            "retention": {"young": self.retention.young, "mature": self.retention.mature},
            "ease_histogram": [_bucket_json(b) for b in self.ease_histogram],
            "interval_histogram": [_bucket_json(b) for b in self.interval_histogram],
            "hardest": [
                {"card": h.card, "lapses": h.lapses, "ease": h.ease_factor} for h in self.hardest
            ],
            "engine": [
                {"family": f.family, "attempts": f.attempts, "correct": f.correct, "last10": f.last10,
                 "last10_attempts": f.last10_attempts, "practice": f.practice}
                for f in self.engine
            ],
        }


def _bucket_json(bucket: Bucket) -> dict[str, Any]:
    return {"min": bucket.min, "max": bucket.max, "count": bucket.count}


def collection_stats(
    store: Store,
    now: datetime,
    deck: str | None = None,
    days: int = DEFAULT_DAYS,
    *,
    calendar_days: int = 0,
) -> StatsReport:
    """Every statistic for ``deck`` (None: all decks) as of ``now``; see the module docstring.

    ``calendar_days`` > 0 also fills ``calendar``: reviews per day (and
    correct ones) over that many days up to today, for the screen's
    heat-map. Raises ``UnknownDeckError``.
    """
    with store.read() as tx:
        return _report(tx, now, deck, days, calendar_days)


def stats_of_file(
    path: Path | str,
    now: datetime,
    deck: str | None = None,
    days: int = DEFAULT_DAYS,
    *,
    calendar_days: int = 0,
) -> StatsReport:
    """``collection_stats`` of the database file at ``path`` (see the module docstring)."""
    reader = stats_queries.open_reader(path)
    if reader is None:
        from flashdl.store import open_store

        with open_store(path) as store:
            return collection_stats(store, now, deck, days, calendar_days=calendar_days)
    with reader, reader.read() as tx:
        return _report(tx, now, deck, days, calendar_days)


def _report(
    db: Transaction, now: datetime, deck: str | None, days: int, calendar_days: int
) -> StatsReport:
    """Every figure, inside the caller's read transaction on ``db``."""
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise ValueError("statistics need a timezone-aware datetime for 'now'")
    if days < 1:
        raise ValueError("days must be at least 1")
    rollover = stats_queries.rollover_hour(db, DEFAULT_ROLLOVER_HOUR)
    today = study_day(now, rollover_hour=rollover)
    deck_id = _deck_id(stats_queries.deck_ids(db), deck)
    first = today - timedelta(days=days - 1)
    groups = stats_queries.card_groups(
        db, today=today, deck_id=deck_id,
        ease_edges=EASE_EDGES, interval_edges=INTERVAL_EDGES,
    )
    reviewed, correct, new_seen, spent_ms = stats_queries.day_totals(
        db, day=today, deck_id=deck_id
    )
    streak = stats_queries.study_streak(db, today=today, deck_id=deck_id)
    by_day, retention, typed = stats_queries.period_reviews(db, first=first, last=today, deck_id=deck_id)
    due = stats_queries.due_forecast(
        db, today=today, end=today + timedelta(days=days), deck_id=deck_id
    )
    hardest = stats_queries.hardest_cards(
        db, deck_id=deck_id, limit=HARDEST_LIMIT, ease_below=stats_queries.INITIAL_EASE
    )
    engine = _engine_rows(db, first, today, deck_id, typed_reviews=typed)
    calendar: list[tuple[date, int, int]] = []
    if calendar_days > 0:
        calendar = stats_queries.reviews_per_day(
            db, first=today - timedelta(days=calendar_days - 1), last=today,
            deck_id=deck_id,
        )
    counts, ease_counts, interval_counts = _fold_card_groups(groups)
    counts = counts._replace(leeches=stats_queries.leech_count(db, deck_id=deck_id))
    young, mature = retention.get(False, (0, 0)), retention.get(True, (0, 0))
    due_on = dict(due)
    return StatsReport(
        deck=deck,
        today=today,
        days=days,
        cards=counts,
        studied_today=TodaySummary(reviewed, correct, new_seen, spent_ms / 1000),
        streak_days=streak,
        reviews_by_day=_daily_reviews(by_day, first, days),
        forecast=tuple(DueDay(day, due_on.get(day, 0)) for day in _days(today, days)),
        retention=Retention(
            young=_share(young), mature=_share(mature),
            young_reviews=young[0], mature_reviews=mature[0],
        ),
        ease_histogram=_buckets(ease_counts, [e / 1000 for e in (EASE_FLOOR, *EASE_EDGES)]),
        interval_histogram=_buckets(interval_counts, (0, *INTERVAL_EDGES)),
        hardest=tuple(HardCard(f"{d}/{c}", lapses, ease) for d, c, lapses, ease in hardest),
        engine=engine,
        calendar=(
            _daily_reviews(calendar, today - timedelta(days=calendar_days - 1), calendar_days)
            if calendar_days > 0 else ()
        ),
    )


def _engine_rows(db: Transaction, first: date, last: date, deck_id: int | None, *,
                 typed_reviews: int) -> tuple[FamilyAccuracy, ...]:
    """Reviews and practice attempts per family in [first, last], with each family's last 10.

    ``typed_reviews``: the reviews in [first, last] with a checked typed answer; none, and the
    reviews' attempts per family are not looked for."""
    from flashdl.store import practice

    reviews = {f: (n, right) for f, n, right in (
        stats_queries.engine_attempts(db, first=first, last=last, deck_id=deck_id) if typed_reviews else ())}
    practised = practice.practice_per_family(db, first=first, last=last, deck_id=deck_id)
    records: dict[str, practice.FamilyRecord] = {}
    if reviews or practised:  # the period first; all time up to today only for families with < 10 in it
        records = practice.family_records(db, deck_id=deck_id, first=first, last=last)
        if any(r.recent < practice.RECENT for r in records.values()):
            records.update(practice.family_records(db, deck_id=deck_id, last=last))
    rows = []
    for family in sorted(reviews.keys() | practised.keys()):
        (n, right), (p, p_right) = reviews.get(family, (0, 0)), practised.get(family, (0, 0))
        record = records.get(family)
        rows.append(FamilyAccuracy(
            family, n + p, right + p_right,
            last10=record.recent_correct if record else 0,
            last10_attempts=record.recent if record else 0,
            practice=p,
        ))
    return tuple(rows)


def _deck_id(known: dict[str, int], deck: str | None) -> int | None:
    if deck is None:
        return None
    if deck not in known:
        # Imported here: the lookup module brings the whole query layer with it,
        # and ``flashdl stats`` starts faster without it.
        from flashdl.services.lookup import UnknownDeckError

        listed = ", ".join(list(known)[:10]) or "none imported yet"
        raise UnknownDeckError(f"unknown deck {deck!r} (decks: {listed})")
    return known[deck]


def _fold_card_groups(
    groups: Sequence[tuple[str, int, int, int]],
) -> tuple[CardCounts, list[int], list[int]]:
    per_category = dict.fromkeys(stats_queries.CATEGORIES, 0)
    ease = [0] * (len(EASE_EDGES) + 1)
    interval = [0] * (len(INTERVAL_EDGES) + 1)
    for category, ease_bucket, interval_bucket, count in groups:
        per_category[category] += count
        if ease_bucket >= 0:
            ease[ease_bucket] += count
            interval[interval_bucket] += count
    return CardCounts(**per_category), ease, interval


def _buckets(counts: Sequence[int], lows: Sequence[float]) -> tuple[Bucket, ...]:
    """Buckets from their lower edges, the last one open."""
    highs: list[float | None] = [*lows[1:], None]
    return tuple(Bucket(low, high, count) for low, high, count in zip(lows, highs, counts))


def _days(first: date, days: int) -> list[date]:
    return [first + timedelta(days=offset) for offset in range(days)]


def _daily_reviews(
    rows: Sequence[tuple[date, int, int]], first: date, days: int
) -> tuple[DayReviews, ...]:
    """One entry per day from ``first``, zeros where ``rows`` has none."""
    found = {day: (count, correct) for day, count, correct in rows}
    return tuple(DayReviews(day, *found.get(day, (0, 0))) for day in _days(first, days))


def _share(pair: tuple[int, int]) -> float | None:
    total, correct = pair
    return None if total == 0 else correct / total


class StatsService:
    """Statistics bound to a store and a clock (what the statistics screen is given)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def report(self, deck: str | None = None, *, days: int = DEFAULT_DAYS,
               calendar_days: int = 0) -> StatsReport:
        return collection_stats(self.store, self.clock.now(), deck, days,
                                calendar_days=calendar_days)

    def deck_ids(self) -> list[str]:
        """Every deck's id, in order (the screen steps through them)."""
        with self.store.read() as tx:
            return list(stats_queries.deck_ids(tx))
