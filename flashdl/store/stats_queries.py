"""The SQL behind ``flashdl stats``: aggregates over the review log and the cards.

Every function runs inside the caller's ``Store.read()`` transaction and
returns a few small tuples: the database does the counting, no function
reads the log row by row into Python. The definitions (what is "learning",
"correct", a "lapse", which cards count) are documented in
``flashdl.services.stats``; this module states them in SQL.

Plain SQL on the transaction's DB-API connection (``tx.db``), as in
``scheduling``: a ``Store.read()``, or a ``Reader.read()`` from
``open_reader``, which reads a database already at the current schema with
the sqlite3 module alone, so ``flashdl stats`` need not import SQLAlchemy. The
statements are written for their query plans
(``tests/stats/test_stats_plans.py`` checks them); the review log, ten times
the size of the card table, is read from indexes alone:

- ``ix_review_log_day`` (study_day, kind, grade, interval_before,
  duration_ms, answer_correct, card_id): a range of days, the day totals,
  retention, typed answers, the streak's probes and the heat-map;
- ``ix_review_log_lapse`` (card_id, kind, grade) WHERE kind = 1 AND grade < 3:
  lapses per card, without reading the other 90 % of the log;
- ``ix_card_queue`` (due, ...): the forecast.

The card counts and both histograms read the card table in one pass (a
deck's cards through its (deck, slug) index). Schema 5 had a covering index
for them too; schema 6 dropped it, because every review moved the card's
entry in it, a third of the cost of recording a review.

A unary ``+`` keeps SQLite from using a column's index where that would be
the wrong plan (there are no ANALYZE statistics to tell it): with a deck,
review-log rows are kept by ``+card_id IN (the deck's cards)``, or SQLite
would seek the log card by card instead of reading a range of days, and
the forecast's cards by ``+deck_id``, so it reads the due range of the
queue index, not every card of the deck. Study days are ISO text, so ``BETWEEN``
and ``<`` on them order like the dates; review-log figures use the
``study_day`` each row was stored with (the day it counted for, in the zone
it was made in). ``deck_id=None`` means every deck.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from flashdl.store import connection
from flashdl.store.connection import Reader, Transaction
from flashdl.store.intervals import scheduled_interval

# The schema these statements are written for; a test ties it to schema.SCHEMA_VERSION,
# so a schema change is checked against them. Kept here so that reading needs no schema
# module (which needs SQLAlchemy).
STATS_SCHEMA_VERSION = 11

MATURE_INTERVAL = 21  # days: a card whose interval is at least this is mature (as Anki)
CATEGORIES = ("new", "learning", "young", "mature", "suspended")

# The SM-2 numbers the statements count by (``flashdl.scheduler.sm2``: PASS_GRADE, INITIAL_EASE,
# ReviewKind); a test ties them to it. Kept here so that ``flashdl stats`` need not import the
# scheduler package (its queue, enums and dataclasses: ~2 ms of a one-shot process).
PASS_GRADE = 3  # a grade >= 3 is a successful recall
INITIAL_EASE = 2500  # per-mille: a new card's E-Factor
_REVIEW = 1  # ReviewKind.REVIEW
_GRADED_BELOW = 3  # sm2.GRADED_BELOW: kinds 3 (Forget) and 4 (Set due date) are no reviews
_NEW = 0  # ReviewKind.NEW
_LOG_IN_DECK = "AND +card_id IN (SELECT id FROM card WHERE deck_id = :deck_id)"
_CARD_IN_DECK = "AND +deck_id = :deck_id"


def open_reader(path: Path | str) -> Reader | None:
    """A plain ``Reader`` (no SQLAlchemy) of the database at ``path`` when it is at
    ``STATS_SCHEMA_VERSION``; else None, and the caller opens it with ``open_store``."""
    return connection.open_reader(path, STATS_SCHEMA_VERSION)


def rollover_hour(tx: Transaction, default: int) -> int:
    """The ``rollover_hour`` setting (``flashdl.store.settings``), or ``default`` when unset."""
    row = tx.db.execute("SELECT value FROM setting WHERE key = 'rollover_hour'").fetchone()
    return default if row is None else int(json.loads(row[0]))


def _params(deck_id: int | None, **values: object) -> dict[str, object]:
    if deck_id is not None:
        values["deck_id"] = deck_id
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def deck_ids(tx: Transaction) -> dict[str, int]:
    """Every deck's id by its slug, in slug order."""
    return dict(tx.db.execute("SELECT slug, id FROM deck ORDER BY slug"))


# One integer per card state: bit 0 learning, 1 seen (has a due day), 2 suspended, then the ease
# (20 bits) and the interval (38 bits; 61 in all). SQLite writes the states of all the cards as
# one text and Python counts them (a GROUP BY would sort them: 49 ms on 100,000 cards by such a
# key, 66 ms by the columns). A card outside those bounds gets NULL, which group_concat skips
# (or a REAL value, a REAL key), and then the cards are grouped by their columns instead
# (_CARD_STATES_BY_COLUMNS). The CASE is written once, in the aggregate: from a subquery's
# column SQLite would evaluate it twice, once per aggregate reading it (35 ms instead of 23).
# A card's interval is the one its scheduler keeps (``store.intervals``): SM-2's column, or for a
# card with an FSRS state the days from its last review to its FSRS due day (as ``show`` reports it).
_INTERVAL = scheduled_interval()
_CARD_STATES = f"""
SELECT group_concat(
         CASE WHEN ease BETWEEN 0 AND 1048575 AND {_INTERVAL} BETWEEN 0 AND 274877906943 THEN
           ((({_INTERVAL} * 1048576 + ease) * 2 + (suspended <> 0)) * 2 + (due IS NOT NULL)) * 2
           + CASE WHEN repeat_pending AND last_review = :today
                       AND (buried_until IS NULL OR buried_until <= :today) THEN 1 ELSE 0 END
         END),
       count(*)
FROM card
WHERE +retired = 0 {{deck}}
"""
_CARD_STATES_BY_COLUMNS = f"""
SELECT {_INTERVAL} AS days, ease, suspended, count(*), count(due),
       count(CASE WHEN repeat_pending AND last_review = :today
                       AND (buried_until IS NULL OR buried_until <= :today) THEN 1 END)
FROM card
WHERE +retired = 0 {{deck}}
GROUP BY days, ease, suspended
"""


def _card_states(
    tx: Transaction, deck: str, params: dict[str, object]
) -> list[tuple[int, int, int, int, int, int]]:
    """(interval, ease, suspended, cards, seen, learning) per card state."""
    text, cards = tx.db.execute(_CARD_STATES.format(deck=deck), params).fetchone()
    counted = Counter(text.split(",")) if text else Counter()
    if sum(counted.values()) != cards or not all(state.isdigit() for state in counted):  # NULL, REAL
        return list(tx.db.execute(_CARD_STATES_BY_COLUMNS.format(deck=deck), params))
    states: dict[tuple[int, int, int], list[int]] = {}
    for state, count in sorted((int(state), count) for state, count in counted.items()):
        key = (state >> 23, (state >> 3) & 0xFFFFF, (state >> 2) & 1)
        totals = states.setdefault(key, [0, 0, 0])
        totals[0] += count
        totals[1] += count if state & 2 else 0
        totals[2] += count if state & 1 else 0
    return [(*key, totals[0], totals[1], totals[2]) for key, totals in states.items()]


_LEECHES = "SELECT count(*) FROM card WHERE leech = 1 AND retired = 0 {deck}"


def leech_count(tx: Transaction, *, deck_id: int | None) -> int:
    """Cards not retired that the leech rule tagged (``flashdl.scheduler.leech``), suspended or
    not: read off the partial index ``ix_card_leech``."""
    sql = _LEECHES.format(deck="" if deck_id is None else "AND deck_id = :deck_id")
    return int(tx.db.execute(sql, _params(deck_id)).fetchone()[0])


def card_groups(
    tx: Transaction,
    *,
    today: date,
    deck_id: int | None,
    ease_edges: Sequence[int],
    interval_edges: Sequence[int],
) -> list[tuple[str, int, int, int]]:
    """(category, ease bucket, interval bucket, cards) over the non-retired cards.

    Category, first match: ``suspended``; ``new`` (never scheduled: no due
    day); ``learning`` (graded < 4 on ``today`` and not buried: a same-day
    repeat is pending, as ``queries.census`` counts it); ``young``
    (interval < 21 days; a card with an FSRS state has FSRS's, ``_INTERVAL``);
    ``mature``. Buckets over ``ease_edges`` (per-mille)
    and ``interval_edges`` (days): bucket i holds [edges[i-1], edges[i]);
    -1 for cards never scheduled, which have no ease or interval yet.

    SQLite groups the cards by (interval, ease, suspended); the few thousand
    groups are then folded into categories and buckets here.
    """
    deck = "" if deck_id is None else "AND deck_id = :deck_id"
    folded: dict[tuple[str, int, int], int] = {}

    def add(category: str, ease_bucket: int, interval_bucket: int, count: int) -> None:
        if count:
            key = (category, ease_bucket, interval_bucket)
            folded[key] = folded.get(key, 0) + count

    for interval, ease, suspended, cards, seen, learning in _card_states(
        tx, deck, _params(deck_id, today=today)
    ):
        ease_bucket = bisect_right(ease_edges, ease)
        interval_bucket = bisect_right(interval_edges, interval)
        if suspended:
            add("suspended", ease_bucket, interval_bucket, seen)
            add("suspended", -1, -1, cards - seen)
            continue
        add("new", -1, -1, cards - seen)
        add("learning", ease_bucket, interval_bucket, learning)
        add("young" if interval < MATURE_INTERVAL else "mature", ease_bucket, interval_bucket,
            seen - learning)
    return [(*key, count) for key, count in folded.items()]


_FORECAST = """
SELECT max(due, :today) AS day, sum(n)
FROM (
    SELECT due, count(*) AS n FROM card
    WHERE due < :end AND +retired = 0 AND +suspended = 0 {deck}
    GROUP BY due
)
GROUP BY day
"""


def due_forecast(
    tx: Transaction, *, today: date, end: date, deck_id: int | None
) -> list[tuple[date, int]]:
    """(day, cards due) for days in [today, end); overdue cards are counted on ``today``.

    Active scheduled cards only (not new, suspended or retired).
    """
    sql = _FORECAST.format(deck="" if deck_id is None else _CARD_IN_DECK)
    rows = tx.db.execute(sql, _params(deck_id, today=today, end=end))
    return [(date.fromisoformat(day), n) for day, n in rows]


_PER_DAY = f"""
SELECT study_day, count(*), sum(grade >= {PASS_GRADE}) FROM review_log
WHERE study_day BETWEEN :first AND :last AND kind < {_GRADED_BELOW} {{deck}}
GROUP BY study_day
"""


def reviews_per_day(
    tx: Transaction, *, first: date, last: date, deck_id: int | None
) -> list[tuple[date, int, int]]:
    """(study day, reviews, reviews graded >= 3) for the days in [first, last] with reviews.

    Every logged review counts (new, review and drill).
    """
    sql = _PER_DAY.format(deck="" if deck_id is None else _LOG_IN_DECK)
    rows = tx.db.execute(sql, _params(deck_id, first=first, last=last))
    return [(date.fromisoformat(day), n, correct) for day, n, correct in rows]


_DAY_TOTALS = f"""
SELECT count(*), sum(grade >= {PASS_GRADE}), sum(kind = {_NEW}), sum(duration_ms)
FROM review_log WHERE study_day = :day AND kind < {_GRADED_BELOW} {{deck}}
"""


def day_totals(tx: Transaction, *, day: date, deck_id: int | None) -> tuple[int, int, int, int]:
    """(reviews, graded >= 3, new cards seen, milliseconds spent) on study day ``day``."""
    sql = _DAY_TOTALS.format(deck="" if deck_id is None else _LOG_IN_DECK)
    reviewed, correct, new_seen, spent = tx.db.execute(sql, _params(deck_id, day=day)).fetchone()
    return reviewed, correct or 0, new_seen or 0, spent or 0


_HAS_REVIEWS = f"SELECT EXISTS (SELECT 1 FROM review_log WHERE study_day = :day AND kind < {_GRADED_BELOW} {{deck}})"
_STREAK = f"""
WITH RECURSIVE run(day) AS (
    SELECT :anchor
    UNION ALL
    SELECT date(run.day, '-1 day') FROM run
    WHERE EXISTS (SELECT 1 FROM review_log WHERE study_day = date(run.day, '-1 day')
                  AND kind < {_GRADED_BELOW} {{deck}})
)
SELECT count(*) FROM run
"""


def study_streak(tx: Transaction, *, today: date, deck_id: int | None) -> int:
    """Consecutive study days with at least one review, ending today, or yesterday if
    there is none today yet (so the streak survives until the day is over).

    One index probe per day of the streak (a recursive query), not a scan.
    """
    deck = "" if deck_id is None else _LOG_IN_DECK
    for anchor in (today, today - timedelta(days=1)):
        if tx.db.execute(_HAS_REVIEWS.format(deck=deck), _params(deck_id, day=anchor)).fetchone()[0]:
            return int(tx.db.execute(_STREAK.format(deck=deck), _params(deck_id, anchor=anchor)).fetchone()[0])
    return 0


# One pass over the period's range of ix_review_log_day for the reviews per day, the retention
# and whether any typed answer was checked: grouped by the index's leading columns (study_day,
# kind, grade), in index order, so SQLite needs no sorter, and a few hundred groups come back
# (7 ms on 70,000 reviews, where a query per figure read the range three times: 16 ms).
_PERIOD = f"""
SELECT study_day, kind = {_REVIEW}, grade >= {PASS_GRADE}, count(*),
       count(CASE WHEN interval_before >= {MATURE_INTERVAL} THEN 1 END), count(answer_correct)
FROM review_log
WHERE study_day BETWEEN :first AND :last AND kind < {_GRADED_BELOW} {{deck}}
GROUP BY study_day, kind, grade
"""


def period_reviews(
    tx: Transaction, *, first: date, last: date, deck_id: int | None
) -> tuple[list[tuple[date, int, int]], dict[bool, tuple[int, int]], int]:
    """The reviews of the study days in [first, last], from one read of the range.

    First what ``reviews_per_day`` gives: (study day, reviews, reviews graded
    >= 3) for the days with reviews, every logged review counted (new, review
    and drill). Then the retention: {mature?: (reviews, graded >= 3)} over the
    review-kind reviews; a review is mature when the card's interval before it
    was >= 21 days. Last the reviews with a checked typed answer (the attempts
    ``engine_attempts`` counts per family; none: it need not run).
    """
    sql = _PERIOD.format(deck="" if deck_id is None else _LOG_IN_DECK)
    per_day: dict[str, list[int]] = {}
    retention = {False: [0, 0], True: [0, 0]}
    typed = 0
    rows = tx.db.execute(sql, _params(deck_id, first=first, last=last))
    for day, review, passed, count, mature, checked in rows:
        typed += checked
        totals = per_day.setdefault(day, [0, 0])
        totals[0] += count
        if passed:
            totals[1] += count
        if review:
            retention[False][0] += count - mature
            retention[True][0] += mature
            if passed:
                retention[False][1] += count - mature
                retention[True][1] += mature
    days = [(date.fromisoformat(day), count, correct) for day, (count, correct) in per_day.items()]
    return days, {mature: (count, correct) for mature, (count, correct) in retention.items()}, typed


_LAPSES = f"""
SELECT card_id, count(*) AS lapses FROM review_log
WHERE kind = {_REVIEW} AND grade < {PASS_GRADE} {{deck}}
GROUP BY card_id HAVING count(*) >= :at_least
"""
_HARDEST = """
WITH lapsed AS MATERIALIZED ({lapses})
SELECT d.slug, c.slug, l.lapses, c.ease
FROM lapsed AS l JOIN card AS c ON c.id = l.card_id JOIN deck AS d ON d.id = c.deck_id
WHERE c.retired = 0 AND c.due IS NOT NULL
  AND l.lapses >= coalesce(
      (SELECT lapses FROM lapsed ORDER BY lapses DESC LIMIT 1 OFFSET :floor), 0)
ORDER BY l.lapses DESC, c.ease, d.slug, c.slug
LIMIT :limit
"""
_LOW_EASE = f"""
SELECT d.slug, c.slug, 0, c.ease
FROM card AS c JOIN deck AS d ON d.id = c.deck_id
WHERE c.retired = 0 AND c.due IS NOT NULL AND c.ease < :ease_below {{deck}}
  AND NOT EXISTS (SELECT 1 FROM review_log
                  WHERE card_id = c.id AND kind = {_REVIEW} AND grade < {PASS_GRADE})
ORDER BY c.ease, d.slug, c.slug
LIMIT :limit
"""


def hardest_cards(
    tx: Transaction, *, deck_id: int | None, limit: int, ease_below: int
) -> list[tuple[str, str, int, int]]:
    """(deck slug, card slug, lapses, ease per-mille) of the hardest seen, non-retired cards.

    A lapse is a review-kind review graded < 3 (all time). Cards with a lapse
    or an ease below ``ease_below`` qualify; most lapses first, then lowest
    ease, then deck and card id. Suspended cards are included (leeches often
    are). Only the cards with at least as many lapses as the ``limit``-th
    most lapsed card are joined to the card table, and the cards that lapsed
    twice or more are tried first: most lapsed cards lapsed once (75,000 of
    the 100,000 cards in the benchmark's collection), and keeping and sorting
    them all cost a third of the query (33 ms -> 23 ms). Whenever ``limit``
    cards come back, they are the hardest (each has at least as many lapses
    as any card left out); if fewer do (fewer such cards, or retired ones
    among them), the query runs again with every lapsed card.
    """
    lapses = _LAPSES.format(deck="" if deck_id is None else _LOG_IN_DECK)
    params = _params(deck_id, limit=limit, floor=limit - 1, at_least=2)
    rows = tx.db.execute(_HARDEST.format(lapses=lapses), params).fetchall()
    if len(rows) < limit:
        params.update(at_least=1, floor=1 << 62)  # no floor: OFFSET past the end gives NULL
        rows = tx.db.execute(_HARDEST.format(lapses=lapses), params).fetchall()
    if len(rows) < limit:
        low = _LOW_EASE.format(deck="" if deck_id is None else "AND c.deck_id = :deck_id")
        rows += tx.db.execute(
            low, _params(deck_id, ease_below=ease_below, limit=limit - len(rows))
        ).fetchall()
    return rows


_ENGINE = """
SELECT json_extract(c.engine, '$.family') AS family, sum(a.attempts), sum(a.correct)
FROM (
    SELECT card_id, count(*) AS attempts, sum(answer_correct) AS correct FROM review_log
    WHERE study_day BETWEEN :first AND :last AND answer_correct IS NOT NULL {deck}
    GROUP BY card_id
) AS a JOIN card AS c ON c.id = a.card_id
WHERE c.engine IS NOT NULL
GROUP BY family HAVING family IS NOT NULL
ORDER BY family
"""


def engine_attempts(
    tx: Transaction, *, first: date, last: date, deck_id: int | None
) -> list[tuple[str, int, int]]:
    """(engine family, attempts, right) over reviews on days in [first, last].

    An attempt is a review of a computed card whose typed answer was checked
    (``answer_correct`` not null); right when the check said so. The family
    is the card's ``engine.family``. Counted per card first, so the JSON of
    each card is read once, not once per review.
    """
    sql = _ENGINE.format(deck="" if deck_id is None else _LOG_IN_DECK)
    rows = tx.db.execute(sql, _params(deck_id, first=first, last=last))
    return [(family, attempts, correct or 0) for family, attempts, correct in rows]
