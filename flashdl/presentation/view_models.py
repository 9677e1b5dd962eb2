"""Plain view-models for both front ends (the TUI and ``study --plain``): what they show, as text.

Pure functions and small dataclasses, no Textual and no database: screens
and commands pass in the services' records and render the strings returned
here, and the tests check the wording without running an app. State is
always spelled out in words or symbols (``✔ right``, ``new``), never carried
by colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from flashdl.clock import again_today
from flashdl.deck.model import has_tags, tag_search_words
from flashdl.errors import UsageError
from flashdl.presentation.card_rows import card_flags, due_text, ease_text, plural, schedule_lines
from flashdl.scheduler.leech import LEECH_TAG
from flashdl.scheduler.sm2 import PASS_GRADE, REPEAT_BELOW, Grade, ReviewKind

if TYPE_CHECKING:
    from flashdl.services.deck_list import DeckSummary
    from flashdl.services.views import (
        CardDetails,
        GradePreview,
        QueueCounts,
        ReviewEntry,
    )

GRADE_MEANINGS: dict[Grade, str] = {
    Grade.BLACKOUT: "blackout",
    Grade.WRONG_FAMILIAR: "wrong, familiar",
    Grade.WRONG_EASY_RECALL: "wrong, easy to recall",
    Grade.HARD: "right, hard",
    Grade.HESITANT: "right, hesitated",
    Grade.PERFECT: "perfect",
}
"""What each SM-2 grade (``sm2.Grade``, DESIGN §4) says, short enough for an 80-column grade bar."""

GRADE_SHORT: dict[Grade, str] = {
    Grade.BLACKOUT: "blackout", Grade.WRONG_FAMILIAR: "wrong", Grade.WRONG_EASY_RECALL: "nearly",
    Grade.HARD: "hard", Grade.HESITANT: "hesitated", Grade.PERFECT: "perfect",
}
DEFAULT_GRADE = Grade.HESITANT  # enter after the answer is shown
COMPUTED_WRONG_GRADE = Grade.WRONG_FAMILIAR  # a wrong typed answer is recorded as "wrong, familiar"
COMPUTED_DEFAULT_GRADE = Grade.HESITANT  # enter after a right typed answer
COMPUTED_RIGHT_GRADES = tuple(grade for grade in Grade if grade >= PASS_GRADE)  # 3, 4, 5


def grade_line(grades: Iterable[int] = tuple(Grade), *, default: int | None = None) -> str:
    """``0 blackout · 1 wrong, familiar · …``; the default grade is marked ``(enter)``."""
    parts = []
    for grade in grades:
        mark = " (enter)" if grade == default else ""
        parts.append(f"{grade} {GRADE_MEANINGS[Grade(grade)]}{mark}")
    return " · ".join(parts)


def interval_preview(previews: Iterable[GradePreview], today: date, grades: Iterable[int] = tuple(Grade)) -> str:
    """``0–2 again today, then 1d · 3 again today, then 6d · 4–5 6d``: where each grade sends the
    card (a grade below 4 also brings it back later today, DESIGN §4.5); neighbouring grades with
    the same effect share one entry."""
    wanted = set(grades)
    groups: list[tuple[int, int, str]] = []
    for preview in previews:
        if preview.grade not in wanted:
            continue
        if not preview.rescheduled:  # cram: the schedule stays; a grade < 4 still comes back
            label = "again this session" if preview.repeat_today else "unchanged"
        elif preview.due is None:
            label = "new"
        else:
            days = (preview.due - today).days
            label = "today" if days <= 0 else f"{days}d"
        if preview.repeat_today and preview.rescheduled:
            label = "again today" if label in ("today", "new") else f"again today, then {label}"
        if groups and groups[-1][2] == label and groups[-1][1] == preview.grade - 1:
            groups[-1] = (groups[-1][0], preview.grade, label)
        else:
            groups.append((preview.grade, preview.grade, label))
    return " · ".join(f"{lo}{'' if lo == hi else f'–{hi}'} {label}" for lo, hi, label in groups)


def leech_message(card: str, *, suspended: bool) -> str:
    """What the CLI, plain study and the TUI's toast say when a lapse makes a card a leech."""
    done = "suspended and tagged leech" if suspended else "tagged leech"
    return f"{card} is a leech (it keeps lapsing): {done}; find leeches with tag:leech"


def duration_text(seconds: float) -> str:
    """``45 s``, ``3 min 05 s``, ``1 h 02 min``."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def percent(part: int, whole: int) -> str:
    return "–" if whole == 0 else f"{round(100 * part / whole)}%"


# ----------------------------------------------------------------------- home


@dataclass(frozen=True)
class DeckLine:
    """One row of the home table (from a ``DeckSummary``)."""

    id: str
    name: str
    new: int
    learning: int
    due: int
    total: int
    today: str  # today's progress, in words


def deck_line(summary: DeckSummary) -> DeckLine:
    """A ``flashdl.services.deck_list.DeckSummary`` as the home table shows it."""
    done = summary.reviewed_today
    today = f"{done} done, {percent(summary.correct_today, done)} right" if done else "–"
    return DeckLine(
        id=summary.id,
        name=summary.name,
        new=summary.new,
        learning=summary.learning,
        due=summary.due,
        total=summary.total,
        today=today,
    )


def today_banner(summaries: Sequence[DeckSummary]) -> str:
    """The home screen's one-line summary of today across all decks."""
    reviewed = sum(s.reviewed_today for s in summaries)
    correct = sum(s.correct_today for s in summaries)
    seconds = sum(s.seconds_today for s in summaries)
    waiting = sum(s.new + s.learning + s.due for s in summaries)
    if reviewed == 0:
        head = "Nothing studied yet today"
    else:
        head = (
            f"Today: {plural(reviewed, 'review')}, {percent(correct, reviewed)} right, "
            f"{duration_text(seconds)}"
        )
    tail = f"{plural(waiting, 'card')} waiting" if waiting else "all caught up"
    return f"{head} · {tail}"


# ---------------------------------------------------------------------- study


def progress_text(done: int, counts: QueueCounts) -> str:
    """``12 done · 13 left: 5 new · 2 learning · 6 review`` (counts: ``QueueCounts``)."""
    return (
        f"{done} done · {counts.total} left: {counts.new} new · "
        f"{counts.learning} learning · {counts.review} review"
    )


@dataclass
class SessionTally:
    """What the summary screen reports, kept by the study screen as it goes.

    ``record`` after each graded review, ``unrecord`` after an undo.
    """

    answers: list[tuple[int, int, int, bool | None]] = field(default_factory=list)
    # (card id, grade, duration ms, computed answer right?) in order

    def record(self, card_id: int, grade: int, duration_ms: int, correct: bool | None = None) -> None:
        self.answers.append((card_id, grade, duration_ms, correct))

    def unrecord(self) -> None:
        if self.answers:
            self.answers.pop()

    @property
    def count(self) -> int:
        return len(self.answers)

    @property
    def cards(self) -> int:
        return len({card for card, _, _, _ in self.answers})

    @property
    def passed(self) -> int:
        return sum(1 for _, grade, _, _ in self.answers if grade >= PASS_GRADE)

    @property
    def seconds(self) -> float:
        return sum(ms for _, _, ms, _ in self.answers) / 1000

    @property
    def computed(self) -> tuple[int, int]:
        """(right, attempted) typed answers of computed cards."""
        typed = [ok for _, _, _, ok in self.answers if ok is not None]
        return sum(typed), len(typed)


@dataclass(frozen=True)
class SessionSummary:
    lines: tuple[tuple[str, str], ...]  # (label, value)


def summary_heading(tally: SessionTally, left: QueueCounts | None) -> str:
    """The summary's first line, true when a session ends early: ``14 new and 1 learning card
    left for today``; ``Session complete`` only when nothing is left."""
    parts = [(count, kind) for count, kind in
             ((left.new, "new"), (left.learning, "learning"), (left.review, "review")) if count] if left else []
    if not parts:
        return "Session complete" if tally.count else "Nothing left to study today"
    named = [f"{count} {kind}" for count, kind in parts]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"{listed} {'card' if parts[-1][0] == 1 else 'cards'} left for today"


def session_summary(tally: SessionTally, *, due_tomorrow: int | None) -> SessionSummary:
    repeats = tally.count - tally.cards
    lines = [
        ("Cards", f"{tally.cards}"
         + (f" ({plural(repeats, 'repeat')} of cards graded below {REPEAT_BELOW})" if repeats else "")),
        ("Answers", f"{tally.count}, {tally.passed} right (graded 3–5)"),
        ("Accuracy", percent(tally.passed, tally.count)),
        ("Time", duration_text(tally.seconds)
         + (f", {duration_text(tally.seconds / tally.count)} a card" if tally.count else "")),
    ]
    right, typed = tally.computed
    if typed:
        lines.append(("Typed answers", f"{right} of {typed} right"))
    if due_tomorrow is not None:
        lines.append(("Due tomorrow", plural(due_tomorrow, "review")))
    return SessionSummary(tuple(lines))


# ---------------------------------------------------------------------- browse


SEARCH_STATES = ("due", "new", "suspended", "leech")
SEARCH_PROPS = ("ease", "interval", "lapses", "reviews")
SEARCH_OPERATORS = ("<=", ">=", "!=", "<", ">", "=")  # longest first: `<=` is not `<` then `=2`
# SQLite refuses an expression deeper than 1,000 (each term is one more AND) and a LIKE pattern
# over 50,000 bytes: a pasted page of text crashed browse with a traceback. Far above any search.
MAX_SEARCH_TERMS = 200
MAX_SEARCH_CHARS = 10_000


class SearchSyntaxError(UsageError):
    """A search term that looks like a filter but is not one (``is:dew``, ``prop:ease<x``)."""


@dataclass(frozen=True)
class SearchQuery:
    """What a search means (DESIGN §3): words, ``deck:ID``, ``tag:NAME``, ``is:STATE``,
    ``prop:NAME<OP>NUMBER``; every term must hold."""

    words: tuple[str, ...]
    deck: str | None
    tags: tuple[str, ...]
    states: tuple[str, ...] = ()
    props: tuple[tuple[str, str, float], ...] = ()

    @property
    def text(self) -> str:
        """The words the store matches in text: the search's, and its tags' (narrowing only;
        ``matches_tags`` decides)."""
        return " ".join((*self.words, *tag_search_words(self.tags)))


def parse_search(text: str) -> SearchQuery:
    """Split a search into its terms; a malformed ``is:``/``prop:`` term is an error, not a word."""
    words: list[str] = []
    tags: list[str] = []
    states: list[str] = []
    props: list[tuple[str, str, float]] = []
    deck = None
    tokens = text.split()
    if len(tokens) > MAX_SEARCH_TERMS or len(text) > MAX_SEARCH_CHARS:
        terms = f"{len(tokens):,} term{'' if len(tokens) == 1 else 's'}"
        raise SearchSyntaxError(f"search too long: {terms}, {len(text):,} characters "
                                f"(at most {MAX_SEARCH_TERMS} terms, {MAX_SEARCH_CHARS:,} characters)")
    for index, token in enumerate(tokens):
        if token.lower() == "and" and 0 < index < len(tokens) - 1 and tokens[index - 1].lower() != "and":
            continue  # Anki's and, between two terms: what every two terms mean already
        if token.startswith("\\-"):  # a word that starts with a dash: -log
            words.append(token[1:])
            continue
        token = _unquoted(token)
        key, colon, value = token.partition(":")
        key = key.lower()
        if colon and value and key == "deck":
            if deck is not None and deck != value:
                raise SearchSyntaxError(f"search terms deck:{deck} and {token}: a card is in one deck")
            deck = value
        elif colon and value and key == "tag":
            if value.lower() == LEECH_TAG:  # the leech rule's tag, or a deck file's (store search)
                states.append(LEECH_TAG)
            else:
                tags.append(value)
        elif colon and key == "is":
            if value.lower() not in SEARCH_STATES:
                raise SearchSyntaxError(
                    f"unknown search term {token!r}: is: takes {', '.join(SEARCH_STATES)}"
                )
            states.append(value.lower())
        elif colon and key == "prop":
            props.append(_parse_prop(token, value))
        else:
            words.append(token)
    return SearchQuery(tuple(words), deck, tuple(tags), tuple(states), tuple(props))


def _unquoted(token: str) -> str:
    """The term as it is read, quotes taken off (``"or"`` is the word or, ``"tag:x"`` a tag, as
    in Anki). Anki's syntax flashdl lacks is an error rather than a word that silently matches
    nothing: ``-term`` (not), ``or``, an ``and`` joining nothing, a quoted phrase with spaces."""
    if token.startswith('"'):
        if len(token) < 3 or not token.endswith('"') or '"' in token[1:-1]:
            raise _unsupported(token, "a phrase: search its words")
        return token[1:-1]
    if token.startswith("-") and len(token) > 1:
        raise _unsupported(token, f"as a word: \\{token}")
    if token.lower() in ("or", "and"):
        raise _unsupported(token, f'as a word: "{token}"')
    return token


def _unsupported(token: str, hint: str) -> SearchSyntaxError:
    return SearchSyntaxError(
        f"search term {token!r}: no or, - (not) or \"phrases\"; terms are ANDed ({hint})"
    )


def _parse_prop(token: str, term: str) -> tuple[str, str, float]:
    for op in SEARCH_OPERATORS:
        name, found, number = term.partition(op)
        if found:
            break
    else:
        name, number = term, ""
    name = name.lower()
    if name not in SEARCH_PROPS or not found:
        raise SearchSyntaxError(
            f"unknown search term {token!r}: prop: takes {', '.join(SEARCH_PROPS)} "
            f"with one of {' '.join(SEARCH_OPERATORS)} and a number, e.g. prop:ease<2"
        )
    try:
        value = float(number)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value):
        raise SearchSyntaxError(f"search term {token!r}: {number!r} is not a number")
    return name, op, value


def matches_tags(card_tags: Iterable[str], wanted: Iterable[str]) -> bool:
    """Whether a card's tags meet every ``tag:`` term (``deck.model.has_tags``: Anki's rule)."""
    return has_tags(card_tags, wanted)


def scheduling_lines(details: CardDetails, today: date) -> list[tuple[str, str]]:
    """A ``CardDetails``' scheduling as (label, value) pairs: due day and interval of the
    card's scheduler, with FSRS's memory state when the card has one (the rows of ``show
    --json``'s ``"schedule"``)."""
    state = details.state
    schedule = details.schedule
    # a Forget or Set due date is in the history but is no review (grade 0, not a failed recall)
    graded = [entry for entry in details.history if entry.kind < ReviewKind.RESET]
    if schedule is not None:
        lines = schedule_lines(schedule, today)
    else:
        again = again_today(state.repeat_pending, state.last_review, today)
        lines = [("Due", due_text(state.due, today, again_today=again)), ("Interval", plural(state.interval, "day")),
                 ("Ease", ease_text(state.ease)), ("Repetitions", str(state.repetitions))]
    lines += [
        ("Reviews", f"{len(graded)}, {sum(1 for e in graded if e.grade >= PASS_GRADE)} right"),
    ]
    flags = card_flags(suspended=details.suspended, retired=details.retired, today=today,
                       buried_until=details.buried_until, leech=details.leech)
    if flags:
        lines.append(("Flags", flags))
    if details.engine is not None:
        vary = ", fresh numbers each review" if details.engine.vary else ""
        lines.append(("Computed", f"{details.engine.family}{vary}"))
    return lines


KIND_NAMES = {kind: kind.name.lower() for kind in ReviewKind}  # new, review, drill (reset, reschedule)
KIND_NAMES[ReviewKind.RESET] = "forgotten"


def history_row(entry: ReviewEntry) -> tuple[str, str, str, str, str, str]:
    """(when, grade, kind, interval, ease, typed) for one ``ReviewEntry``."""
    when = entry.reviewed_at.astimezone().strftime("%Y-%m-%d %H:%M")
    if entry.kind == ReviewKind.RESCHEDULE:  # a Set due date: no grade, the day it set
        due = "?" if entry.due_after is None else entry.due_after.isoformat()
        return (when, "", f"due set to {due}", f"{entry.interval_before}→{entry.interval_after} d",
                f"{ease_text(entry.ease_before)}→{ease_text(entry.ease_after)}", "")
    if entry.kind == ReviewKind.RESET:  # a Forget: no grade
        grade = ""
    else:
        grade = f"{entry.grade} {GRADE_SHORT[Grade(entry.grade)]}"
    interval = f"{entry.interval_before}→{entry.interval_after} d"
    ease = f"{ease_text(entry.ease_before)}→{ease_text(entry.ease_after)}"
    if entry.typed_answer is None:
        typed = ""
    else:
        mark = "✔" if entry.answer_correct else "✘"
        typed = f"{mark} {entry.typed_answer}"
    return when, grade, KIND_NAMES[ReviewKind(entry.kind)], interval, ease, typed
