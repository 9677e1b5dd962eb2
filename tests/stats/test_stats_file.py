"""``stats_of_file``: sqlite3 alone on a current database, the store's opening otherwise."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from stats_helpers import add_deck, grade

from flashdl.clock import DEFAULT_ROLLOVER_HOUR
from flashdl.errors import FlashdlError
from flashdl.services import settings as settings_service
from flashdl.services.stats import collection_stats, stats_of_file
from flashdl.store import SCHEMA_VERSION, open_store
from flashdl.store.settings import Settings
from flashdl.store.stats_queries import STATS_SCHEMA_VERSION, open_reader

NOW = datetime(2025, 3, 10, 12, tzinfo=UTC)


def test_the_statements_are_written_for_the_current_schema() -> None:
    """A schema change must be checked against the stats statements (and their plans)."""
    assert STATS_SCHEMA_VERSION == SCHEMA_VERSION
    assert Settings().rollover_hour == DEFAULT_ROLLOVER_HOUR


def test_the_statements_count_by_the_scheduler_numbers() -> None:
    """The SM-2 numbers the statements keep (so as not to import the scheduler) are its own."""
    from flashdl.scheduler import sm2
    from flashdl.store import stats_queries

    assert stats_queries.PASS_GRADE == sm2.PASS_GRADE
    assert stats_queries.INITIAL_EASE == sm2.INITIAL_EASE
    assert (stats_queries._REVIEW, stats_queries._NEW) == (sm2.ReviewKind.REVIEW, sm2.ReviewKind.NEW)
    assert stats_queries._GRADED_BELOW == sm2.GRADED_BELOW


def test_file_and_store_give_the_same_figures(db_path: Path) -> None:
    with open_store(db_path) as store:
        add_deck(store, "d", 3)
        grade(store, "d/000", 4, NOW)
        grade(store, "d/001", 1, NOW)
        expected = collection_stats(store, NOW, calendar_days=10)
    reader = open_reader(db_path)
    assert reader is not None
    reader.close()
    assert stats_of_file(db_path, NOW, calendar_days=10) == expected


# Schema 9's columns (deck options, FSRS state) and schema 10's (leeches), dropped to go back
# to an older schema.
SCHEMA_8_COLUMNS = ("ALTER TABLE deck DROP COLUMN options; ALTER TABLE card DROP COLUMN fsrs_stability;"
                    "ALTER TABLE card DROP COLUMN fsrs_difficulty; ALTER TABLE card DROP COLUMN sm2_due;"
                    "DROP INDEX ix_card_leech; ALTER TABLE card DROP COLUMN leech;"
                    "ALTER TABLE review_log DROP COLUMN leech_flags_before;")


def test_an_older_database_is_upgraded_through_the_store(db_path: Path) -> None:
    with open_store(db_path) as store:
        add_deck(store, "d", 1)
        grade(store, "d/000", 5, NOW)
    db = sqlite3.connect(db_path)
    db.executescript(  # back to schema 4's indexes (no markup columns, added in 7; no practice, 8; no options, 9)
        "DROP TABLE practice_attempt; DROP INDEX ix_review_log_typed;"
        "ALTER TABLE card DROP COLUMN markup; ALTER TABLE deck DROP COLUMN markup;" + SCHEMA_8_COLUMNS +
        "DROP INDEX ix_review_log_lapse; DROP INDEX ix_review_log_day;"
        "CREATE INDEX ix_review_log_day ON review_log (study_day); PRAGMA user_version = 4;")
    db.close()
    assert open_reader(db_path) is None
    assert stats_of_file(db_path, NOW).studied_today.reviewed == 1
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ix_review_log_lapse'").fetchone()[0]
    assert not db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ix_card_stats'").fetchone()[0]
    db.close()


def test_a_missing_file_becomes_an_empty_collection(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    assert stats_of_file(path, NOW).cards.total == 0
    assert path.exists()


def test_a_file_that_is_no_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n" * 100)
    with pytest.raises(FlashdlError, match="not an SQLite database"):
        stats_of_file(path, NOW)
    assert path.read_text() == "not a database\n" * 100


def test_the_rollover_setting_moves_the_day(db_path: Path) -> None:
    with open_store(db_path) as store:
        add_deck(store, "d", 1)
        settings_service.update_settings(store, rollover_hour=0)
        grade(store, "d/000", 4, datetime(2025, 3, 10, 1, 30, tzinfo=UTC))
    report = stats_of_file(db_path, datetime(2025, 3, 10, 2, 0, tzinfo=UTC))
    assert report.today == date(2025, 3, 10)
    assert report.studied_today.reviewed == 1


def test_schema_5_loses_its_card_statistics_index(db_path: Path) -> None:
    """Schema 6 dropped it: every review moved the card's entry in it."""
    with open_store(db_path) as store:
        add_deck(store, "d", 1)
        grade(store, "d/000", 5, NOW)
    db = sqlite3.connect(db_path)
    db.executescript(
        "DROP TABLE practice_attempt; DROP INDEX ix_review_log_typed;"
        "ALTER TABLE card DROP COLUMN markup; ALTER TABLE deck DROP COLUMN markup;" + SCHEMA_8_COLUMNS +
        "CREATE INDEX ix_card_stats ON card (retired, interval, ease, suspended, repeat_pending, "
        "due, last_review, buried_until, deck_id); PRAGMA user_version = 5;")
    db.close()
    assert stats_of_file(db_path, NOW).studied_today.reviewed == 1
    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 6
    assert not db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ix_card_stats'").fetchone()[0]
    db.close()
