"""Time, injected: the core never reads the clock, the shell passes ``now`` in.

A study day starts at a rollover hour (04:00 local time by default, as in
Anki), so a review at 01:30 still counts for the evening before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol

from flashdl.errors import UsageError

DEFAULT_ROLLOVER_HOUR = 4
# The moments flashdl acts at: from the Unix epoch (review logs count milliseconds from it)
# to a year far enough from the calendar's end (9999) that a due date a century on still fits.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class MomentRangeError(ValueError):
    """A well-formed moment outside the range flashdl acts in (see ``parse_moment``)."""


class LocalZoneError(UsageError):
    """The machine's time zone is one Python's datetime cannot hold (see ``local_now``)."""


def local_now() -> datetime:
    """Now, in the machine's local zone.

    POSIX allows offsets of a whole day (``TZ=UTC+24``) that ``datetime`` refuses; every
    command would end in a traceback, so the zone is named instead (one line, exit 2)."""
    try:
        return datetime.now().astimezone()
    except (ValueError, OverflowError):
        import os

        zone = os.environ.get("TZ")
        named = f" (TZ={zone})" if zone else ""
        raise LocalZoneError(f"the local time zone{named} is a day or more from UTC, which flashdl "
                             "cannot count study days in; set TZ to a zone less than 24 hours from "
                             "UTC (e.g. TZ=Etc/GMT+12)") from None


class Clock(Protocol):
    def now(self) -> datetime: ...


# The clocks are small plain classes, not dataclasses: every command makes one, and the
# dataclasses module (with the inspect module it imports) costs a one-shot process ~6 ms to load.
class SystemClock:
    """The real time, as an aware datetime in the machine's local zone."""

    __slots__ = ()

    def now(self) -> datetime:
        return local_now()

    def __repr__(self) -> str:
        return "SystemClock()"

    def __eq__(self, other: object) -> bool:
        return True if other.__class__ is self.__class__ else NotImplemented

    def __hash__(self) -> int:
        return hash(SystemClock)


class FixedClock:
    """Always the same moment: for ``--now`` and for tests."""

    __slots__ = ("_moment",)

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._moment = moment

    @property
    def moment(self) -> datetime:
        return self._moment

    def now(self) -> datetime:
        return self._moment

    def __repr__(self) -> str:
        return f"FixedClock(moment={self._moment!r})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, FixedClock)
        return self._moment == other._moment

    def __hash__(self) -> int:
        return hash((FixedClock, self._moment))


def parse_moment(text: str, *, local: tzinfo | None = None) -> datetime:
    """An ISO-8601 moment between ``EARLIEST`` and ``LATEST``; one without an offset is local time.

    ``ValueError`` for anything else, including dates the calendar arithmetic
    of a study day or a due date could not handle (year 1, year 9999).
    """
    moment = datetime.fromisoformat(text.strip())
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=local) if local else moment.astimezone()
        inside = EARLIEST <= moment < LATEST
    except (OverflowError, ValueError):  # a local offset pushed it past year 1 or 9999
        if local is None:
            local_now()  # or the local zone is one datetime cannot hold: say so instead
        inside = False
    if not inside:
        raise MomentRangeError(f"{text.strip()!r} is outside {EARLIEST.year}..{LATEST.year - 1}")
    return moment


def study_day(moment: datetime, *, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> date:
    """The study day ``moment`` belongs to, in ``moment``'s own time zone."""
    if moment.tzinfo is None:
        raise ValueError("study_day needs a timezone-aware datetime")
    return (moment - timedelta(hours=rollover_hour)).date()


def day_start(day: date, tz: tzinfo, *, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> datetime:
    """The first moment of study day ``day`` in zone ``tz``."""
    return datetime(day.year, day.month, day.day, rollover_hour, tzinfo=tz)


def buried_on(buried_until: date | None, today: date) -> bool:
    """Whether a card buried until study day ``buried_until`` is still hidden on ``today``:
    a bury ends when that day starts (the queries' ``buried_until <= today`` is visible)."""
    return buried_until is not None and buried_until > today


def again_today(repeat_pending: bool, last_review: date | None, today: date) -> bool:
    """Whether a card waits for a same-day repeat on ``today`` (DESIGN §4 rule 5): graded
    below 4 on ``today`` itself; a repeat left pending on an earlier day has lapsed."""
    return repeat_pending and last_review == today
