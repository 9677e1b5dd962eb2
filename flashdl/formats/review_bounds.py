"""What review history from outside may say: one set of bounds for every format that carries it.

A review dated 9999-12-31 accepted once makes every later review of its card
fail ("before the card's last review"); a grade of 9 is stored and then cannot
be exported and read back. So revlog CSV, ``.apkg`` history and history side
files are held to the same bounds here, before anything is written: a review
happens after 1973-03-03 (``EARLIEST_MS``: before it, a time is seconds read as
milliseconds) and no later than a day past the importer's ``now``
(clock skew between machines), grades are SM-2's 0..5, Anki buttons 1..4 (0:
a manual reschedule, not a review), and a saved card state has an
interval and a repetition count within bounds and an ease SM-2 can produce.
Pure: ``now_ms`` comes from the caller.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flashdl.scheduler.sm2 import MAX_GRADE, MIN_GRADE, MINIMUM_EASE, Rating, ReviewKind

# 10^11 ms, 1973-03-03: no review log holds an earlier review, and a log written in seconds
# (1,700,000,000 for 2023-11-14) reads as January 1970 in milliseconds, every review on two days.
EARLIEST_MS = 100_000_000_000
CLOCK_SKEW_MS = 24 * 3600 * 1000  # a review up to a day "in the future" is another machine's clock
MAX_EASE = 100_000  # per-mille; SM-2 adds at most 100 per review: ~1,000 perfect reviews
MAX_INTERVAL_DAYS = date.max.toordinal()  # history replay clamps there too
MAX_REPETITIONS = 1_000_000  # a review a day for 2,700 years; far below SQLite's 64-bit integers
RATINGS = frozenset(int(rating) for rating in Rating)
KINDS = frozenset(int(kind) for kind in ReviewKind)
MAX_DAY_OFFSET = 2  # time zones span -12..+14 h, plus the rollover hour


def time_problem(ms: int, now_ms: int | None) -> str | None:
    """Why a review at ``ms`` (ms since the epoch) cannot be imported, or None."""
    if ms < 0:
        return f"review time {ms} is before 1970"
    if ms < EARLIEST_MS:
        return (f"review time {ms} is {_moment(ms)} in milliseconds, as review logs count; "
                f"if it counts seconds ({_moment(ms * 1000)}), multiply it by 1000")
    if now_ms is not None and ms > now_ms + CLOCK_SKEW_MS:
        return f"review time {ms} ({_moment(ms)}) is in the future (now is {_moment(now_ms)})"
    if ms > MAX_MS:
        return f"review time {ms} is not a date (after 9999)"
    return None


def study_day_problem(day: date, ms: int) -> str | None:
    """A review's study day must be its moment's date somewhere on Earth (give or take the
    rollover hour): a far-off day would put the card's history out of order."""
    if abs(day.toordinal() - _utc_day(ms)) <= MAX_DAY_OFFSET:
        return None
    return f"study day {day.isoformat()} is not the day of its review time ({_moment(ms)})"


def last_review_problem(day: date | None, now_ms: int | None) -> str | None:
    if day is None or now_ms is None or day.toordinal() <= _utc_day(now_ms) + MAX_DAY_OFFSET:
        return None
    return f"last review {day.isoformat()} is in the future (now is {_moment(now_ms)})"


def grade_problem(grade: int) -> str | None:
    if MIN_GRADE <= grade <= MAX_GRADE:
        return None
    return f"grade {grade} out of range ({MIN_GRADE}..{MAX_GRADE})"


def state_problem(repetitions: int, ease: int, interval: int) -> str | None:
    """Why a saved SM-2 state cannot be restored as it is, or None."""
    if repetitions < 0:
        return f"repetitions {repetitions} is negative"
    if repetitions > MAX_REPETITIONS:
        return f"repetitions {repetitions} out of range (0..{MAX_REPETITIONS})"
    if not MINIMUM_EASE <= ease <= MAX_EASE:
        return f"ease {ease} out of range ({MINIMUM_EASE}..{MAX_EASE} per mille)"
    if not 0 <= interval <= MAX_INTERVAL_DAYS:
        return f"interval {interval} out of range (0..{MAX_INTERVAL_DAYS} days)"
    return None


MAX_MS = int((datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC))
             .total_seconds()) * 1000


def _utc_day(ms: int) -> int:
    return date(1970, 1, 1).toordinal() + ms // 86_400_000


def _moment(ms: int) -> str:
    if not 0 <= ms <= MAX_MS:
        return "not a date"
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
