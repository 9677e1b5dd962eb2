"""Schema upgrades: ordered, named steps bounded by versions (as Anki's ``upgrades``).

The version lives in SQLite's ``PRAGMA user_version``. A new database gets
the current schema from the models (``schema.Base.metadata``) in one
transaction with its version; an older one runs each step from its version
up, each in its own transaction together with the new ``user_version``
(SQLite DDL is transactional), so a crash between steps leaves a database
at a well-defined version. A database from a newer flashdl is refused.

To change the schema: edit the models in ``schema.py``, bump
``SCHEMA_VERSION``, append a ``Migration`` from the old version to the new,
and let ``tests/store/test_store_database.py``
(``test_schema_one_upgrades_with_data_intact``) check that a schema-1
database upgraded step by step equals a fresh one.

Each step is frozen: its DDL is written out as it was when the step was
made, never built from ``schema.py``'s constants, which describe today's
schema and will change again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from flashdl.store.errors import NewerSchemaError, NotADatabaseError, StoreError
from flashdl.store.schema import SCHEMA_VERSION, Base


@dataclass(frozen=True)
class Migration:
    name: str
    from_version: int
    to_version: int
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        name="bury until the next study day; review log indexed by study day",
        from_version=1,
        to_version=2,
        statements=(
            "ALTER TABLE card ADD COLUMN buried_until DATE",
            "CREATE INDEX ix_review_log_day ON review_log (study_day)",
        ),
    ),
    Migration(
        name="covering index for the study queue",
        from_version=2,
        to_version=3,
        statements=(
            "DROP INDEX ix_card_due",
            ("CREATE INDEX ix_card_queue ON card (deck_id, due, position, retired, suspended, "
             "buried_until, repeat_pending, last_review)"),
        ),
    ),
    Migration(
        name="queue index ordered by due date, for paged reviews",
        from_version=3,
        to_version=4,
        statements=(
            "DROP INDEX ix_card_queue",
            ("CREATE INDEX ix_card_queue ON card (due, deck_id, position, retired, suspended, "
             "buried_until, repeat_pending, last_review)"),
        ),
    ),
    Migration(
        name="covering indexes for the statistics",
        from_version=4,
        to_version=5,
        statements=(
            "DROP INDEX ix_review_log_day",
            ("CREATE INDEX ix_review_log_day ON review_log (study_day, kind, grade, interval_before, "
             "duration_ms, answer_correct, card_id)"),
            ("CREATE INDEX ix_review_log_lapse ON review_log (card_id, kind, grade) "
             "WHERE kind = 1 AND grade < 3"),
            ("CREATE INDEX ix_card_stats ON card (retired, interval, ease, suspended, repeat_pending, "
             "due, last_review, buried_until, deck_id)"),
        ),
    ),
    Migration(
        name="no statistics index on cards: a review moved its entry (a third of a review's time)",
        from_version=5,
        to_version=6,
        statements=("DROP INDEX IF EXISTS ix_card_stats",),
    ),
    Migration(
        name="how card text is shown: the deck file's markup, per deck and per card",
        from_version=6,
        to_version=7,
        statements=(
            "ALTER TABLE deck ADD COLUMN markup VARCHAR",
            "ALTER TABLE card ADD COLUMN markup VARCHAR",
        ),
    ),
    Migration(
        name="practice attempts: typed answers of practice runs, outside the schedule",
        from_version=7,
        to_version=8,
        statements=(
            ("CREATE TABLE practice_attempt ("
             "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "
             "card_id INTEGER NOT NULL, "
             "family VARCHAR NOT NULL, "
             "params TEXT NOT NULL, "
             "typed_answer TEXT NOT NULL, "
             "correct BOOLEAN NOT NULL, "
             "duration_ms INTEGER NOT NULL, "
             "attempted_ms INTEGER NOT NULL, "
             "study_day DATE NOT NULL, "
             "FOREIGN KEY(card_id) REFERENCES card (id))"),
            "CREATE INDEX ix_practice_attempt_day ON practice_attempt (study_day, family, correct, card_id)",
            "CREATE INDEX ix_practice_attempt_family ON practice_attempt (family, id)",
            ("CREATE INDEX ix_review_log_typed ON review_log (card_id, reviewed_ms, answer_correct, study_day) "
             "WHERE answer_correct IS NOT NULL"),
        ),
    ),
    Migration(
        name="deck options; a card's FSRS state and SM-2's due day while its deck uses FSRS",
        from_version=8,
        to_version=9,
        statements=(
            "ALTER TABLE deck ADD COLUMN options TEXT",
            "ALTER TABLE card ADD COLUMN fsrs_stability FLOAT",
            "ALTER TABLE card ADD COLUMN fsrs_difficulty FLOAT",
            "ALTER TABLE card ADD COLUMN sm2_due DATE",
        ),
    ),
    Migration(
        name="leeches: a card's leech flag, the flags a review that made one had before, their index",
        from_version=9,
        to_version=10,
        statements=(
            "ALTER TABLE card ADD COLUMN leech BOOLEAN NOT NULL DEFAULT 0",
            "ALTER TABLE review_log ADD COLUMN leech_flags_before INTEGER",
            "CREATE INDEX ix_card_leech ON card (deck_id, retired, leech) WHERE leech = 1",
        ),
    ),
    Migration(
        # No DDL: the version alone, so a flashdl from before refuses a log it would misread
        # (a Forget counted as a failed review, a Set due date as a new card's first review).
        name="Forget and Set due date: review-log kinds 3 (reset) and 4 (reschedule), rating 0",
        from_version=10,
        to_version=11,
        statements=(),
    ),
)


def schema_version(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def check_version(conn: Connection, where: str) -> int:
    """The database's schema version; refuses newer schemas and foreign databases."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"{where}: database schema {version} is newer than this flashdl reads "
            f"({SCHEMA_VERSION}); upgrade flashdl (the file was left untouched)"
        )
    if version == 0:
        tables = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).scalars().all()
        if tables:
            raise NotADatabaseError(
                f"{where}: an SQLite database, but not a flashdl one "
                f"(it holds {', '.join(sorted(tables)[:5])}); the file was left untouched"
            )
    return version


def migrate(conn: Connection, where: str) -> list[str]:
    """Bring the schema to SCHEMA_VERSION; returns the names of the steps applied.

    ``conn`` must not be inside a transaction. Each step reads the version
    again inside its own write transaction, so two processes opening one old
    (or new, empty) database at once do not both apply the same step.
    """
    applied: list[str] = []
    while True:
        with conn.begin():
            version = check_version(conn, where)
            if version == SCHEMA_VERSION:
                return applied
            if version == 0:
                Base.metadata.create_all(conn)
                conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
                applied.append(f"create schema {SCHEMA_VERSION}")
                continue
            step = next((m for m in MIGRATIONS if m.from_version == version), None)
            if step is None:
                raise StoreError(f"{where}: no upgrade from database schema {version}")
            for statement in step.statements:
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql(f"PRAGMA user_version = {step.to_version}")
            applied.append(step.name)
