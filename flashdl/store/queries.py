"""Reading the collection: decks, cards, queue candidates, counts, search.

Each function runs inside the caller's ``Store.read()`` or ``write()`` and
returns plain records. Study days are compared as ISO text, which orders
like the dates themselves. Fixed SQL on the DB-API connection (``tx.db``):
these are the reads of the one-shot commands (``decks``, ``due``, ``show``),
which must not import SQLAlchemy (issue 17). Column names are those of
``schema.py``; the store tests run each of them on a created and a migrated schema.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from flashdl.deck.model import MARKUP_MARKDOWN, EngineSpec, Erratum, with_deck_tags
from flashdl.scheduler.leech import LEECH_TAG
from flashdl.scheduler.queue import QueueEntry, QueueKind
from flashdl.scheduler.sm2 import GRADED_BELOW, PASS_GRADE, CardState, ReviewKind
from flashdl.store.connection import Transaction
from flashdl.store.intervals import scheduled_interval
from flashdl.store.records import StoredCard, engine_from_json, errata_from_json, text_day

ListedReview = tuple[int, str, str, str]  # see ``listed_reviews``


@dataclass(frozen=True)
class DeckRecord:
    id: int
    slug: str
    name: str
    description: str | None
    source: str | None
    path: str | None
    tags: tuple[str, ...]
    new_per_day: int | None


@dataclass(frozen=True)
class DeckCensus:
    """Card counts of one deck on one study day (retired cards excluded)."""

    total: int = 0
    unseen: int = 0  # never reviewed, active (not suspended or buried)
    learning: int = 0  # same-day repeat pending today
    due: int = 0  # reviews due today or overdue
    suspended: int = 0
    buried: int = 0


def decks(tx: Transaction) -> list[DeckRecord]:
    rows = tx.db.execute(
        "SELECT id, slug, name, description, source, path, tags, new_per_day FROM deck ORDER BY slug"
    )
    return [
        DeckRecord(id=id_, slug=slug, name=name, description=description, source=source, path=path,
                   tags=tuple(json.loads(tags)), new_per_day=new_per_day)
        for id_, slug, name, description, source, path, tags, new_per_day in rows
    ]


def deck_id(tx: Transaction, slug: str) -> int | None:
    row = tx.db.execute("SELECT id FROM deck WHERE slug = ?", (slug,)).fetchone()
    return None if row is None else int(row[0])


def card_id(tx: Transaction, deck_slug: str, card_slug: str) -> int | None:
    row = tx.db.execute(
        "SELECT c.id FROM card AS c JOIN deck AS d ON d.id = c.deck_id WHERE d.slug = ? AND c.slug = ?",
        (deck_slug, card_slug),
    ).fetchone()
    return None if row is None else int(row[0])


def studied_cards(tx: Transaction, deck_slug: str) -> dict[str, tuple[str, str, EngineSpec | None]]:
    """``card id -> (front, back, engine)`` of the deck's cards in study with a schedule (reviewed,
    and not forgotten since): what the student has learnt, which a new release may change."""
    rows = tx.db.execute(
        "SELECT c.slug, c.front, c.back, c.engine FROM card AS c JOIN deck AS d ON d.id = c.deck_id "
        "WHERE d.slug = ? AND c.retired = 0 AND c.last_review IS NOT NULL", (deck_slug,))
    return {slug: (front, back, engine_from_json(engine)) for slug, front, back, engine in rows}


# The columns ``_stored_card`` reads, in its order.
_STORED_CARD = (
    "SELECT c.id, c.deck_id, d.slug, c.slug, c.position, c.front, c.back, c.tags, c.engine, "
    "c.errata, c.retired, c.suspended, c.buried_until, c.revision, c.repetitions, c.ease, "
    "c.interval, c.due, c.last_review, c.repeat_pending, "
    f"coalesce(c.markup, d.markup, '{MARKUP_MARKDOWN}'), c.leech, d.tags "
    "FROM card AS c JOIN deck AS d ON d.id = c.deck_id"
)
QUEUE_INTERVAL = scheduled_interval("c.")  # browse's Ivl, `prop:interval` and its sort
_SEARCHED_CARD = _STORED_CARD.replace("c.interval,", f"{QUEUE_INTERVAL},", 1)


def cards(tx: Transaction, card_ids: list[int]) -> dict[int, StoredCard]:
    """Full records of the given cards (missing ids are left out)."""
    found: dict[int, StoredCard] = {}
    for start in range(0, len(card_ids), 500):
        chunk = card_ids[start:start + 500]
        rows = tx.db.execute(f"{_STORED_CARD} WHERE c.id IN ({', '.join('?' * len(chunk))})", chunk)
        found.update((row[0], _stored_card(row)) for row in rows)
    return found


def deck_cards(tx: Transaction, deck_id_: int, *, include_retired: bool = False) -> list[StoredCard]:
    """A deck's cards in file order (for export)."""
    where = " WHERE c.deck_id = ?" + ("" if include_retired else " AND c.retired = 0")
    rows = tx.db.execute(f"{_STORED_CARD}{where} ORDER BY c.retired, c.position, c.id", (deck_id_,))
    return [_stored_card(row) for row in rows]


def first_cards(tx: Transaction, deck_slug: str, limit: int) -> list[tuple[str, str, str]]:
    """A deck's first ``limit`` active cards in file order, as ``(card slug, front, back)``."""
    return [tuple(row) for row in tx.db.execute(  # type: ignore[misc]
        "SELECT c.slug, c.front, c.back FROM card AS c JOIN deck AS d ON d.id = c.deck_id "
        "WHERE d.slug = ? AND NOT c.retired ORDER BY c.position, c.id LIMIT ?", (deck_slug, limit))]


_STUDY_CONTENT = (
    "SELECT d.slug, c.slug, c.front, c.back, c.tags, c.engine, c.errata, "
    f"coalesce(c.markup, d.markup, '{MARKUP_MARKDOWN}'), d.tags "
    "FROM card AS c JOIN deck AS d ON d.id = c.deck_id WHERE c.id = ?"
)


def study_content(
    tx: Transaction, card_id_: int
) -> tuple[str, str, str, str, tuple[str, ...], EngineSpec | None, tuple[Erratum, ...], str] | None:
    """(deck slug, card slug, front, back, tags, engine, errata, markup) of one card.

    ``markup`` is how its text is shown: the card's own, else its deck's; ``tags`` are its own
    and its deck's (``with_deck_tags``).
    On the driver connection: the study screen asks for it at every card.
    """
    row = tx.db.execute(_STUDY_CONTENT, (card_id_,)).fetchone()
    if row is None:
        return None
    deck_slug, card_slug, front, back, tags, engine, errata, markup, deck_tags = row
    return (deck_slug, card_slug, front, back, with_deck_tags(tuple(json.loads(tags)), _tag_tuple(deck_tags)),
            engine_from_json(engine),
            errata_from_json(errata), markup)


def fronts(tx: Transaction, card_ids: list[int]) -> dict[int, tuple[str, str]]:
    """card id -> (DECK/CARD, front), for listing a queue."""
    found: dict[int, tuple[str, str]] = {}
    db = tx.db
    for start in range(0, len(card_ids), 500):
        chunk = card_ids[start:start + 500]
        rows = db.execute(
            "SELECT c.id, d.slug || '/' || c.slug, c.front FROM card AS c "
            f"JOIN deck AS d ON d.id = c.deck_id WHERE c.id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
        found.update((cid, (full, front)) for cid, full, front in rows)
    return found


def _stored_card(row: tuple[Any, ...]) -> StoredCard:
    """A row of ``_STORED_CARD`` as a record."""
    (id_, deck_id_, deck_slug, slug, position, front, back, tags, engine, errata, retired, suspended,
     buried_until, revision, repetitions, ease, interval, due, last_review, repeat_pending, markup,
     leech, deck_tags) = row
    return StoredCard(
        id=id_, deck_id=deck_id_, deck=deck_slug, slug=slug, position=position,
        front=front, back=back, tags=tuple(json.loads(tags)),
        engine=engine_from_json(engine), errata=errata_from_json(errata),
        retired=bool(retired), suspended=bool(suspended),
        buried_until=text_day(buried_until), revision=revision,
        state=CardState(
            repetitions=repetitions, ease=ease, interval=interval,
            due=text_day(due), last_review=text_day(last_review), repeat_pending=bool(repeat_pending),
        ),
        markup=markup,
        leech=bool(leech),
        deck_tags=_tag_tuple(deck_tags),
    )


def _tag_tuple(text: str | None) -> tuple[str, ...]:
    return () if not text or text == "[]" else tuple(json.loads(text))


_ACTIVE = "retired = 0 AND suspended = 0 AND (buried_until IS NULL OR buried_until <= ?1)"
_REVIEWS = (  # a card due on or before today cannot have been reviewed today (I >= 1)
    f"SELECT id, deck_id, due, position FROM card WHERE due <= ?1 AND {_ACTIVE}"
)
_REVIEW_ORDER = " ORDER BY due, deck_id, position, id LIMIT ?4"
_LEARNING = (
    "SELECT id, deck_id, position FROM card "
    f"WHERE repeat_pending = 1 AND last_review = ?1 AND {_ACTIVE}"
)
_NEW = (
    f"SELECT id, position FROM card WHERE due IS NULL AND deck_id = ?2 AND {_ACTIVE} "
    "ORDER BY position, id LIMIT ?3"
)
# New cards in "random" order: a fixed shuffle by card id (the same every day, as Anki's
# random order, which is drawn once when cards are added); the key stands in for the position.
RANDOM_KEY = "((id * 2654435761) % 4294967296)"
_NEW_RANDOM = (
    f"SELECT id, {RANDOM_KEY} FROM card WHERE due IS NULL AND deck_id = ?2 AND {_ACTIVE} "
    f"ORDER BY {RANDOM_KEY}, id LIMIT ?3"
)


def review_page(
    tx: Transaction,
    today: date,
    *,
    after: QueueEntry | None = None,
    limit: int = -1,
    deck_id_: int | None = None,
) -> list[QueueEntry]:
    """Reviews due by ``today`` in queue order (due, deck, position, id), after ``after``.

    Read straight off the ``ix_card_queue`` index; ``limit`` -1 means all.
    Plain SQL on the driver connection: this is how a session pages through
    100,000 due cards without reading them all at its start.
    """
    sql = _REVIEWS
    params: list[object] = [today.isoformat(), deck_id_, None, limit]
    if deck_id_ is not None:
        sql += " AND deck_id = ?2"
    if after is not None:
        sql += " AND (due, deck_id, position, id) > (?5, ?6, ?7, ?8)"
        params += [after.due.isoformat(), after.deck_id, after.position, after.card_id]
    db = tx.db
    fromiso, review = date.fromisoformat, QueueKind.REVIEW
    return [
        QueueEntry(cid, did, review, fromiso(due), position)
        for cid, did, due, position in db.execute(sql + _REVIEW_ORDER, params)  # type: ignore[union-attr]
    ]


# Every due review with what `flashdl due` shows of it, in queue order. The deck is tested with a
# unary plus: the queue index then serves the order, where the (deck, slug) index would make
# SQLite sort the whole deck, fronts and all, before the first row.
SMALL_CACHE_KIB = -2_000
_LISTED_REVIEWS = (
    "SELECT c.deck_id, d.slug || '/' || c.slug, c.due, c.front FROM card AS c "
    "JOIN deck AS d ON d.id = c.deck_id WHERE c.due <= ?1 AND c.retired = 0 AND c.suspended = 0 "
    "AND (c.buried_until IS NULL OR c.buried_until <= ?1)"
)


# Below this many due reviews the queue index serves a whole listing in a few ms, and counting
# the cards (1-3 ms on 100,000) to weigh a table scan is not worth it.
SCAN_FROM = 1_000


def listed_reviews(
    tx: Transaction, today: date, deck_id_: int | None = None, *, whole: bool = False
) -> Generator[ListedReview, None, None]:
    """``(deck id, DECK/CARD, due day as ISO text, front)`` of each review due by ``today``, in
    queue order (that of ``review_page``), read as the caller iterates: 100,000 of them are never
    held at once. Valid only inside the caller's transaction (see ``small_cache``).

    ``whole``: the caller reads them all. When they are also most of the cards, the card table
    is read through and sorted rather than visited in the queue index's order, one lookup per
    card: 100,000 due of 100,000 in 108 ms, not 194 ms (SQLite has no statistics to see this
    itself). The index stays far better when few are due or a listing stops early.
    """
    sql = _LISTED_REVIEWS
    if whole and (due := review_count(tx, today, deck_id_)) >= SCAN_FROM and 2 * due >= card_count(tx):
        sql = sql.replace("FROM card AS c ", "FROM card AS c NOT INDEXED ", 1)
    params: tuple[object, ...] = (today.isoformat(),)
    if deck_id_ is not None:  # an int: "+" drops the column's affinity, so '1' would never match
        sql, params = sql + " AND +c.deck_id = ?2", (today.isoformat(), deck_id_)
    rows = tx.db.execute(sql + " ORDER BY c.due, c.deck_id, c.position, c.id", params)
    try:
        yield from rows
    finally:
        rows.close()  # closed with the generator: no statement left running past the transaction


@contextmanager
def small_cache(tx: Transaction) -> Iterator[None]:
    """SQLite's default 2 MB page cache on the connection meanwhile, for a read of most of the
    file once (``listed_reviews`` of every card): the store's 16 MB would only add its size to
    the process (issue 17's 40 MB for a read command), for no measurable speed."""
    db = tx.db
    kept = int(db.execute("PRAGMA cache_size").fetchone()[0])
    db.execute(f"PRAGMA cache_size = {SMALL_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {kept}")


def due_within(tx: Transaction, today: date, last_day: date, *, limit: int,
               deck_id_: int | None = None) -> list[QueueEntry]:
    """Cards due by ``last_day`` and not reviewed on ``today`` (review ahead), in queue order.

    Suspended, retired and buried cards (buried past ``today``) are left out, as in a day's queue.
    """
    sql = ("SELECT id, deck_id, due, position FROM card WHERE due <= ?5 "
           f"AND (last_review IS NULL OR last_review < ?1) AND {_ACTIVE}")
    params: list[object] = [today.isoformat(), deck_id_, None, limit, last_day.isoformat()]
    if deck_id_ is not None:
        sql += " AND deck_id = ?2"
    fromiso, review = date.fromisoformat, QueueKind.REVIEW
    return [
        QueueEntry(cid, did, review, fromiso(due), position)
        for cid, did, due, position in tx.db.execute(sql + _REVIEW_ORDER, params)  # type: ignore[union-attr]
    ]


def card_count(tx: Transaction) -> int:
    """Every card of the collection, retired and suspended ones included."""
    return int(tx.db.execute("SELECT count(*) FROM card").fetchone()[0])  # type: ignore[union-attr]


def review_count(tx: Transaction, today: date, deck_id_: int | None = None) -> int:
    sql = f"SELECT count(*) FROM card WHERE due <= ?1 AND {_ACTIVE}"
    params: tuple[object, ...] = (today.isoformat(),)
    if deck_id_ is not None:
        sql += " AND deck_id = ?2"
        params += (deck_id_,)
    db = tx.db
    return int(db.execute(sql, params).fetchone()[0])  # type: ignore[union-attr]


def queue_candidates(
    tx: Transaction,
    today: date,
    new_allowance: Mapping[int, int],
    deck_id_: int | None = None,
    *,
    review_limit: int = -1,
    random_order: Collection[int] = (),
) -> list[QueueEntry]:
    """The cards to study on ``today``: the first ``review_limit`` reviews
    (-1: all), the same-day repeats, and per deck at most
    ``new_allowance[deck]`` new cards in file order (``random_order``: the
    decks whose new cards come in a fixed shuffle instead)."""
    entries = review_page(tx, today, limit=review_limit, deck_id_=deck_id_)
    day = today.isoformat()
    db = tx.db
    learning_sql: str = _LEARNING
    params: tuple[object, ...] = (day,)
    if deck_id_ is not None:
        learning_sql, params = learning_sql + " AND deck_id = ?2", (day, deck_id_)
    for cid, did, position in db.execute(learning_sql, params):  # type: ignore[union-attr]
        entries.append(QueueEntry(cid, did, QueueKind.LEARNING, today, position))
    for did, allowance in new_allowance.items():
        if allowance <= 0 or (deck_id_ is not None and did != deck_id_):
            continue
        sql = _NEW_RANDOM if did in random_order else _NEW
        for cid, position in db.execute(sql, (day, did, allowance)):  # type: ignore[union-attr]
            entries.append(QueueEntry(cid, did, QueueKind.NEW, today, position))
    return entries


def new_seen_on(tx: Transaction, day: date, kind: ReviewKind = ReviewKind.NEW) -> dict[int, int]:
    """Per deck id: how many new cards had their first review on study day ``day``
    (with ``kind=ReviewKind.REVIEW``: how many reviews of seen cards it had)."""
    rows = tx.db.execute(
        "SELECT c.deck_id, count(*) FROM review_log AS l JOIN card AS c ON c.id = l.card_id "
        "WHERE l.study_day = ? AND l.kind = ? GROUP BY c.deck_id",
        (day.isoformat(), int(kind)),
    )
    return {deck_id_: count for deck_id_, count in rows}


def reviews_on(tx: Transaction, day: date) -> dict[int, tuple[int, int, int]]:
    """Per deck id: (reviews, reviews graded >= 3, milliseconds spent) on study day ``day``."""
    rows = tx.db.execute(
        "SELECT c.deck_id, count(*), sum(l.grade >= 3), sum(l.duration_ms) "
        "FROM review_log AS l JOIN card AS c ON c.id = l.card_id "
        f"WHERE l.study_day = ? AND l.kind < {GRADED_BELOW} GROUP BY c.deck_id",
        (day.isoformat(),),
    )
    return {row[0]: (row[1], row[2] or 0, row[3] or 0) for row in rows}


_VISIBLE = "(buried_until IS NULL OR buried_until <= ?1)"
_LEARNING_TODAY = "repeat_pending = 1 AND last_review = ?1"
# Per deck, on study day ?1, of the cards not retired: all, unseen, learning, due, suspended,
# buried. Filtered counts over the unretired rows: 2.4x less CPU than sums of the whole conditions
# (25 against 60 ms on 100,000 cards), which is most of `flashdl decks` on such a collection.
_CENSUS = (
    "SELECT deck_id, count(*), "
    f"count(*) FILTER (WHERE suspended = 0 AND due IS NULL AND {_VISIBLE}), "
    f"count(*) FILTER (WHERE suspended = 0 AND {_LEARNING_TODAY} AND {_VISIBLE}), "
    f"count(*) FILTER (WHERE suspended = 0 AND due <= ?1 AND NOT ({_LEARNING_TODAY}) AND {_VISIBLE}), "
    "count(*) FILTER (WHERE suspended = 1), "
    "count(*) FILTER (WHERE suspended = 0 AND buried_until > ?1) "
    "FROM card WHERE retired = 0 GROUP BY deck_id"
)


def census(tx: Transaction, today: date) -> dict[int, DeckCensus]:
    """Per deck id: card counts on study day ``today`` (a deck without unretired cards is left out)."""
    return {row[0]: DeckCensus(*row[1:]) for row in tx.db.execute(_CENSUS, (today.isoformat(),))}


def due_by(tx: Transaction, day: date, deck_id_: int | None = None) -> int:
    """Active seen cards whose due study day is on or before ``day``."""
    sql = "SELECT count(*) FROM card WHERE retired = 0 AND suspended = 0 AND due IS NOT NULL AND due <= ?1"
    params: tuple[object, ...] = (day.isoformat(),)
    if deck_id_ is not None:
        sql += " AND deck_id = ?2"
        params += (deck_id_,)
    return int(tx.db.execute(sql, params).fetchone()[0])


def search(
    tx: Transaction,
    words: list[str],
    *,
    deck_id_: int | None = None,
    limit: int = 50,
    include_retired: bool = False,
    states: Sequence[str] = (),
    props: Sequence[tuple[str, str, float]] = (),
    today: date | None = None,
    offset: int = 0,
    order: str = "deck",
) -> list[StoredCard]:
    """Cards whose front, back or tags contain every word (case-insensitive for ASCII) and
    that meet every ``is:`` state (due on ``today`` or a same-day repeat still to come, new,
    suspended, leech) and ``prop:`` comparison.

    A lapse is a review-kind review graded < 3 (``LAPSE_INDEX_WHERE``); reviews count every
    graded review, drill included (a Forget or Set due date is none). ``order`` is a key of
    ``SEARCH_ORDERS``; ties keep deck and file order, so pages (``offset``) neither skip nor repeat cards.
    """
    conditions: list[str] = []
    params: list[object] = []
    for state in states:
        if state == "due":
            if today is None:
                raise ValueError("is:due needs today")
            # due by today, or waiting for a same-day repeat (graded < 4 today; Anki's is:due
            # takes learning cards too): the cards `flashdl due` lists as review or learning, so
            # neither suspended nor buried (as in Anki; browse listed both and counted more due
            # cards than `flashdl decks` and home)
            conditions.append("((c.due IS NOT NULL AND c.due <= ?) OR (c.repeat_pending = 1 AND c.last_review = ?)) "
                              "AND c.suspended = 0 AND (c.buried_until IS NULL OR c.buried_until <= ?)")
            params += [today.isoformat(), today.isoformat(), today.isoformat()]
        else:
            conditions.append(_SEARCH_STATES[state])
    for name, op, value in props:
        if op not in _SEARCH_OPERATORS:
            raise ValueError(f"bad operator {op!r}")
        conditions.append(f"{_SEARCH_PROPS[name]} {op} ?")
        params.append(per_mille(value) if name == "ease" else value)
    for word in words:
        # the deck's tags too: they apply to every card (``with_deck_tags``)
        tags = _TAG_WORDS if _JSON_MARKS.intersection(word) else _TAG_JSON
        text = f"(c.front || char(10) || c.back || char(10) || {tags})"
        forms = dict.fromkeys(_normalized(word))
        conditions.append("(" + " OR ".join(f"{text} LIKE ? ESCAPE '\\'" for _ in forms) + ")")
        params += [f"%{like_pattern(form)}%" for form in forms]
    if deck_id_ is not None:
        conditions.append("c.deck_id = ?")
        params.append(deck_id_)
    if not include_retired:
        conditions.append("c.retired = 0")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = tx.db.execute(
        f"{_SEARCHED_CARD}{where} ORDER BY {SEARCH_ORDERS[order]}d.slug, c.position, c.id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return [_stored_card(row) for row in rows]


def _tag_words(column: str) -> str:
    """A JSON tag list (``["a","b"]``, as ``records.dump_json`` writes it) as the words ``a b``."""
    return (f"replace(replace(replace(replace({column}, '\",\"', ' '), '[\"', ''), '\"]', ''), "
            "'[]', '')")


# A word is matched composed and decomposed (NFC, NFD: `é` is one character or `e` and an accent),
# as Anki, which keeps and searches text composed, finds both: a card pasted from a PDF often
# has the accents apart, and `café` typed did not find it.
# A word is matched against the card's tags too. Their JSON's marks made `[` and `]` find every
# card (and `,` every card with two tags) though no text had one; reading the tags as words costs
# 3x the time on 100,000 cards, so only a word with such a mark does (for others it is the same).
_JSON_MARKS = frozenset('[]",\\')
_TAG_JSON = "c.tags || char(10) || d.tags"
_TAG_WORDS = f"{_tag_words('c.tags')} || char(10) || {_tag_words('d.tags')}"


def _normalized(word: str) -> tuple[str, ...]:
    """``word`` composed and decomposed (NFC, NFD); ASCII has one form. ``unicodedata`` is
    imported here, not by every command that reads through this module (0.7 ms)."""
    if word.isascii():
        return (word,)
    import unicodedata

    return tuple(unicodedata.normalize(form, word) for form in ("NFC", "NFD"))


def per_mille(e_factor: float) -> float:
    """An E-Factor as typed (``4.02``) in the store's per-mille, exactly: ``4.02 * 1000`` is
    4019.999… in binary floating point, so ``prop:ease=4.02`` missed a card of ease 4020. The
    float's shortest decimal is what was typed; scaled as a decimal, it is exact."""
    from decimal import Decimal  # here: every command reads through this module (2 ms to import)

    return float(Decimal(repr(e_factor)) * 1000)


def like_pattern(word: str) -> str:
    """A search word as a LIKE pattern (``ESCAPE '\\'``): ``*`` stands for any run of characters,
    as in Anki (``conv*``), and ``\\*`` for a star itself; every other character, ``%``, ``_``
    and ``\\`` (LaTeX: ``\\sigma``) included, stands for itself."""
    parts = word.split("\\*")  # the stars written as \*
    escaped = [part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%")
               for part in parts]
    return "*".join(escaped)


_SEARCH_STATES = {
    "new": "c.due IS NULL",
    "suspended": "c.suspended = 1",
    # `is:leech`, `tag:leech`: flagged by the leech rule, or tagged so in its deck file (as in Anki)
    "leech": f"(c.leech = 1 OR c.tags LIKE '%\"{LEECH_TAG}\"%')",
}
_SEARCH_OPERATORS = frozenset({"<", "<=", ">", ">=", "=", "!="})
_SEARCH_PROPS = {
    "ease": "c.ease",  # per-mille; the query's number is the E-Factor
    "interval": QUEUE_INTERVAL,
    "lapses": (
        "(SELECT count(*) FROM review_log AS r WHERE r.card_id = c.id "
        f"AND r.kind = {ReviewKind.REVIEW.value} AND r.grade < {PASS_GRADE})"
    ),
    "reviews": f"(SELECT count(*) FROM review_log AS r WHERE r.card_id = c.id AND r.kind < {GRADED_BELOW})",
}
SEARCH_ORDERS = {  # browse's sort keys: the ORDER BY before deck and file order
    "deck": "",
    "due": "c.due IS NULL, c.due, ",  # new cards (no due day) last
    "interval": f"{QUEUE_INTERVAL} DESC, ",
    "ease": "c.ease, ",  # the hardest first
    "lapses": f"{_SEARCH_PROPS['lapses']} DESC, ",
    "reviews": f"{_SEARCH_PROPS['reviews']} DESC, ",
}
