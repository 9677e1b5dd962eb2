"""The database schema, as typed SQLAlchemy models (the current version, SCHEMA_VERSION).

Units are part of the schema: times are UTC milliseconds since the epoch
(``*_ms``), study days are ISO dates (``YYYY-MM-DD`` text, as SQLAlchemy's
``Date`` stores them on SQLite), intervals are whole days, eases are SM-2
E-Factors in per-mille (2500 = 2.5, as Anki stores them). Every enum stored
is an ``IntEnum`` with explicit values in ``flashdl.scheduler.sm2``
(``ReviewKind``, ``Rating``, ``Grade``).

Tables:
- ``deck``: one per deck file; ``slug`` is the deck's id in its file.
- ``card``: content (front/back/tags/engine/errata, from the deck file) and
  the SM-2 scheduling state, one row per card; identity is (deck, ``slug``),
  shown as ``DECK/CARD``. Cards gone from their file are ``retired``, never
  deleted. ``revision`` grows at every scheduling change, so a caller can
  check that the card was not changed under it.
- ``review_log``: append-only (only undo removes its own last row), one row
  per graded review, with the state before and after (see ``ReviewLogRow``).
- ``practice_attempt``: append-only, one row per answer in a practice run
  (``flashdl.services.practice``): computed-card variants answered outside
  the SM-2 schedule, so they move no due date and are not in ``review_log``.
- ``setting``: key -> JSON value (``flashdl.store.settings``).

Schema history (``flashdl.store.migrations``): 1 first release; 2 added
``card.buried_until`` (bury until the next study day) and the ``review_log``
index by study day; 3 replaced the ``card.due`` index by a covering index
for building the queue; 4 put ``due`` first in it, so a session reads its
reviews a page at a time instead of all at once; 5 added covering indexes
for the statistics (``flashdl.store.stats_queries``): the study-day index
also holds the review facts, lapses have a partial index, and the cards
one by interval and ease; 6 dropped that card index again; 7 added ``deck.markup`` and
``card.markup``: how the text is shown (the deck file's ``markup:``; NULL on a deck is
``markdown``, NULL on a card is its deck's); 8 added ``practice_attempt``: typed answers
of practice runs (``flashdl practice``), outside the schedule, and a partial index of the
review log's typed answers (each family's last 10); 9 added deck options and a card's FSRS state;
10 added leeches: ``card.leech`` (the card lapsed to its deck's leech threshold, ``flashdl.scheduler.leech``;
shown as Anki's ``leech`` tag), ``review_log.leech_flags_before`` (the card's leech and suspended flags
before the review that made it a leech, so undo restores them) and a partial index of the leeches;
11 changed no table: ``review_log`` may hold Forget and Set due date rows (``ReviewKind.RESET``, ``RESCHEDULE``;
grade and rating 0), which an older flashdl would misread as reviews.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Defined apart (no SQLAlchemy there): ``open_store`` reads it to decide whether to migrate at all.
from flashdl.store.schema_version import SCHEMA_VERSION as SCHEMA_VERSION

# Due first: reviews are read a page at a time in (due, deck, position) order,
# and a deck's new cards (due NULL) in file order, both straight off the index.
QUEUE_INDEX_COLUMNS = (
    "due", "deck_id", "position", "retired", "suspended", "buried_until", "repeat_pending",
    "last_review",
)
# Statistics (schema 5): the review log's figures are read from indexes alone. Schema 5's card
# index (``ix_card_stats``, see ``migrations``) was dropped in schema 6: every review had to move
# its entry, which cost a third of a review's time, and the card figures read the table in 0.1 s
# without it.
# Days of the review log with what is counted per day (totals, retention, typed answers):
REVIEW_DAY_INDEX_COLUMNS = (
    "study_day", "kind", "grade", "interval_before", "duration_ms", "answer_correct", "card_id",
)
# Practice attempts per family over a range of days (schema 8), from the index alone:
PRACTICE_DAY_INDEX_COLUMNS = ("study_day", "family", "correct", "card_id")
# Typed answers of computed cards (schema 8), for each family's last 10 (``store.practice``):
# a few per cent of the log, read from this partial index alone.
TYPED_INDEX_COLUMNS = ("card_id", "reviewed_ms", "answer_correct", "study_day")
TYPED_INDEX_WHERE = "answer_correct IS NOT NULL"
LAPSE_INDEX_COLUMNS = ("card_id", "kind", "grade")
LAPSE_INDEX_WHERE = "kind = 1 AND grade < 3"  # a lapse: a review-kind review graded < 3
# Leeches (schema 10): `is:leech` and the statistics' count read this partial index alone.
LEECH_INDEX_COLUMNS = ("deck_id", "retired", "leech")
LEECH_INDEX_WHERE = "leech = 1"


class Base(DeclarativeBase):
    pass


class DeckRow(Base):
    __tablename__ = "deck"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String, unique=True)  # the `id:` of the deck file
    name: Mapped[str] = mapped_column(String)
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String)  # the deck file's `source:` field
    path: Mapped[str | None] = mapped_column(String)  # the file it was last imported from
    tags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of deck-wide tags
    new_per_day: Mapped[int | None] = mapped_column(Integer)  # None: the global setting
    markup: Mapped[str | None] = mapped_column(String)  # `markup:` of the file; None: markdown
    options: Mapped[str | None] = mapped_column(Text)  # JSON: the deck's own options; None: defaults
    created_ms: Mapped[int] = mapped_column(Integer)
    modified_ms: Mapped[int] = mapped_column(Integer)


class CardRow(Base):
    __tablename__ = "card"
    __table_args__ = (
        UniqueConstraint("deck_id", "slug", name="uq_card_deck_slug"),
        # Covers the queue, the deck counts and the new cards of a deck in file order.
        Index("ix_card_queue", *QUEUE_INDEX_COLUMNS),
        Index("ix_card_leech", *LEECH_INDEX_COLUMNS, sqlite_where=text(LEECH_INDEX_WHERE)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deck_id: Mapped[int] = mapped_column(ForeignKey("deck.id"))
    slug: Mapped[str] = mapped_column(String)  # the card's `id:` in its deck file
    position: Mapped[int] = mapped_column(Integer)  # order in the deck file
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    engine: Mapped[str | None] = mapped_column(Text)  # JSON {"family","params","vary"}
    errata: Mapped[str | None] = mapped_column(Text)  # JSON [{"note","field","original"}]
    markup: Mapped[str | None] = mapped_column(String)  # the card's own `markup:`; None: the deck's
    retired: Mapped[bool] = mapped_column(default=False)  # gone from its deck file
    created_ms: Mapped[int] = mapped_column(Integer)
    modified_ms: Mapped[int] = mapped_column(Integer)  # last content change
    # SM-2 state (flashdl.scheduler.sm2.CardState) and queue flags:
    repetitions: Mapped[int] = mapped_column(Integer, default=0)
    ease: Mapped[int] = mapped_column(Integer, default=2500)  # per-mille
    interval: Mapped[int] = mapped_column(Integer, default=0)  # days
    due: Mapped[date | None] = mapped_column(Date)  # study day (by the deck's scheduler); None: new
    last_review: Mapped[date | None] = mapped_column(Date)  # study day of the last review
    repeat_pending: Mapped[bool] = mapped_column(default=False)  # graded < 4 on last_review
    suspended: Mapped[bool] = mapped_column(default=False)
    buried_until: Mapped[date | None] = mapped_column(Date)  # hidden before this study day
    revision: Mapped[int] = mapped_column(Integer, default=0)  # bumps on scheduling changes
    # FSRS state (flashdl.scheduler.fsrs_schedule.FsrsState; its due day is ``due`` and its last
    # review and same-day flag are SM-2's), and SM-2's due day while the deck uses FSRS:
    fsrs_stability: Mapped[float | None] = mapped_column(Float)
    fsrs_difficulty: Mapped[float | None] = mapped_column(Float)
    sm2_due: Mapped[date | None] = mapped_column(Date)
    # A leech (schema 10): lapsed to its deck's threshold (``flashdl.scheduler.leech``). Shown and
    # searched as Anki's `leech` tag; kept apart from ``tags``, which the deck file owns.
    leech: Mapped[bool] = mapped_column(default=False, server_default=text("0"))


class ReviewLogRow(Base):
    """One graded review (DESIGN §4, INTEROP §3d). Append-only.

    ``reviewed_ms`` UTC ms; ``study_day`` the study day it counted for;
    ``grade`` SM-2 q 0..5; ``rating`` Anki 1..4; ``kind`` ReviewKind
    (0 new, 1 review, 2 drill; schema 11: 3 Forget, 4 Set due date, no reviews,
    with grade and rating 0); ``*_before``/``*_after`` the card's SM-2
    state around the review (interval days, ease per-mille); ``duration_ms``
    time taken; for computed cards ``variant_params`` (JSON), ``typed_answer``
    and ``answer_correct``.
    """

    __tablename__ = "review_log"
    __table_args__ = (
        Index("ix_review_log_card", "card_id", "id"),
        Index("ix_review_log_day", *REVIEW_DAY_INDEX_COLUMNS),
        Index("ix_review_log_lapse", *LAPSE_INDEX_COLUMNS, sqlite_where=text(LAPSE_INDEX_WHERE)),
        Index("ix_review_log_typed", *TYPED_INDEX_COLUMNS, sqlite_where=text(TYPED_INDEX_WHERE)),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"))
    reviewed_ms: Mapped[int] = mapped_column(Integer)
    study_day: Mapped[date] = mapped_column(Date)
    grade: Mapped[int] = mapped_column(Integer)
    rating: Mapped[int] = mapped_column(Integer)
    kind: Mapped[int] = mapped_column(Integer)
    repetitions_before: Mapped[int] = mapped_column(Integer)
    repetitions_after: Mapped[int] = mapped_column(Integer)
    ease_before: Mapped[int] = mapped_column(Integer)
    ease_after: Mapped[int] = mapped_column(Integer)
    interval_before: Mapped[int] = mapped_column(Integer)
    interval_after: Mapped[int] = mapped_column(Integer)
    due_before: Mapped[date | None] = mapped_column(Date)
    due_after: Mapped[date | None] = mapped_column(Date)
    last_review_before: Mapped[date | None] = mapped_column(Date)
    pending_before: Mapped[bool] = mapped_column(default=False)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    variant_params: Mapped[str | None] = mapped_column(Text)
    typed_answer: Mapped[str | None] = mapped_column(Text)
    answer_correct: Mapped[bool | None] = mapped_column()
    # Set only on a review that made the card a leech: its flags before (``leech.flag_bits``).
    leech_flags_before: Mapped[int | None] = mapped_column(Integer)


class PracticeAttemptRow(Base):
    """One answer in a practice run (schema 8). Append-only.

    ``family`` is the engine family of the variant (stored, not read from the
    card, so a card edited later keeps its history's family); ``params`` the
    variant (JSON); ``typed_answer`` as typed ('' = "I don't know", counted
    wrong); ``correct`` the engine's verdict; ``duration_ms`` time taken;
    ``attempted_ms`` UTC ms and ``study_day`` the study day it counted for.
    """

    __tablename__ = "practice_attempt"
    __table_args__ = (
        Index("ix_practice_attempt_day", *PRACTICE_DAY_INDEX_COLUMNS),
        Index("ix_practice_attempt_family", "family", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"))
    family: Mapped[str] = mapped_column(String)
    params: Mapped[str] = mapped_column(Text)  # JSON
    typed_answer: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column()
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    attempted_ms: Mapped[int] = mapped_column(Integer)
    study_day: Mapped[date] = mapped_column(Date)


class SettingRow(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


# Typed as the Tables they are (the ORM declares ``__table__`` as a FromClause).
deck_table = cast(Table, DeckRow.__table__)
card_table = cast(Table, CardRow.__table__)
review_log_table = cast(Table, ReviewLogRow.__table__)
setting_table = cast(Table, SettingRow.__table__)
practice_attempt_table = cast(Table, PracticeAttemptRow.__table__)
