"""What plain ``flashdl show`` and the card screen print about one card besides its sides:
the rows of its schedule and the notes of its errata, with the few words they are made of.

Apart from ``view_models`` so that ``show``, a command scripts call often, loads neither the
other screens' view models nor the scheduler package (issue 17).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from flashdl.clock import buried_on
from flashdl.deck.model import CORRECTION_MARK

if TYPE_CHECKING:
    from flashdl.deck.model import Erratum
    from flashdl.services.card_views import CardSchedule


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def ease_text(ease_per_mille: int) -> str:
    return f"{ease_per_mille / 1000:.2f}"


def relative_day(day: date | None, today: date) -> str:
    """``today``, ``tomorrow``, ``in 6 days``, ``3 days ago``, ``new`` (never seen)."""
    if day is None:
        return "new"
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"in {delta} days" if delta > 0 else f"{-delta} days ago"


def due_text(due: date | None, today: date, *, again_today: bool = False) -> str:
    """The Due row. ``again_today``: graded below 4 earlier today, so the card is due again
    today (a same-day repeat, DESIGN §4 rule 5) before its scheduled day, ``due``."""
    if due is None:  # not "never reviewed": a forgotten card (Forget) is new with a history
        return "new"
    scheduled = f"{due.isoformat()} ({relative_day(due, today)})"
    return f"today (again: graded below 4), then {scheduled}" if again_today else scheduled


# scheduler.leech.LEECH_TAG, spelt out: importing it would load the scheduler package (issue 17)
LEECH_FLAG = "leech"


def card_flags(*, suspended: bool, retired: bool, today: date, buried_until: date | None = None,
               leech: bool = False, dated: bool = True) -> str:
    """``retired, suspended, leech, buried until DAY``: the card screen's and ``show``'s Flags
    row, browse's Flags column (``dated=False`` says ``buried`` alone: the day would take the
    width of the fronts at 80 columns). A bury shows only while in effect on study day ``today``
    (``clock.buried_on``): once its day has come the card is back in the queue."""
    flags = []
    if retired:
        flags.append("retired")
    if suspended:
        flags.append("suspended")
    if leech:
        flags.append(LEECH_FLAG)
    if buried_until is not None and buried_on(buried_until, today):
        flags.append(f"buried until {buried_until.isoformat()}" if dated else "buried")
    return ", ".join(flags)


def schedule_lines(schedule: CardSchedule, today: date) -> list[tuple[str, str]]:
    """A card's schedule now as (label, value) pairs: the card screen's rows and plain
    ``flashdl show``'s, the values of ``show --json``'s ``"schedule"``."""
    lines = [
        ("Scheduler", "FSRS" if schedule.scheduler == "fsrs" else "SM-2"),
        ("Due", due_text(schedule.due, today, again_today=schedule.again_today)),
        ("Interval", plural(schedule.interval, "day")),
        ("Ease", ease_text(schedule.ease)),
    ]
    if schedule.stability is not None:
        lines.append(("Stability", plural(round(schedule.stability), "day") if schedule.stability >= 10
                      else f"{schedule.stability:.2f} days"))
    if schedule.difficulty is not None:
        lines.append(("Difficulty", f"{schedule.difficulty:.2f} (1-10)"))
    if schedule.retrievability is not None:
        lines.append(("Retrievability", f"{schedule.retrievability:.0%} today"))
    lines.append(("Repetitions", str(schedule.repetitions)))
    return lines


def schedule_flags(schedule: CardSchedule, today: date) -> str:
    """The Flags row of plain ``flashdl show`` (empty: none), as the card screen words it."""
    return card_flags(suspended=schedule.suspended, retired=schedule.retired, today=today,
                      buried_until=schedule.buried_until, leech=schedule.leech)


def errata_notes(errata: Iterable[Erratum], side: str) -> list[str]:
    """The notes shown under ``side``: its own corrections and the card-wide ones."""
    return [e.note for e in errata if e.field in (side, None)]


def with_errata(text: str, errata: Iterable[Erratum], side: str) -> str:
    """A card side (Markdown) followed by the notes of the corrections made to it.

    Deck authors fix wrong answers from the source by hand and say so in
    ``errata``; the student sees the note, so a remembered wrong answer is
    corrected rather than silently replaced.
    """
    notes = errata_notes(errata, side)
    if not notes:
        return text
    return text.rstrip() + "\n\n" + "\n\n".join(f"> {CORRECTION_MARK}{note}" for note in notes)
