"""What a custom study request means, from the command line or the TUI's form (docs/custom-study.md).

``custom_study(search=, ahead=, new=, cram=)`` turns the user's text into a
``flashdl.services.custom_study.CustomStudy``: the search goes through
``parse_search``, the one search parser (browse uses it too); numbers must be
whole and in range. Anything wrong is a ``UsageError`` with one line to show.
"""

from __future__ import annotations

from flashdl.errors import UsageError
from flashdl.presentation.view_models import parse_search, plural
from flashdl.services.custom_study import CARD_CAP, CustomStudy
from flashdl.services.views import QueueCounts

MAX_AHEAD_DAYS = 36_500  # a century: further ahead leaves the calendar
MAX_EXTRA_NEW = 9_999


def custom_study(*, search: str | None = None, ahead: str | int | None = None,
                 new: str | int | None = None, cram: bool = False) -> CustomStudy | None:
    """The custom study asked for, or None for an ordinary session (nothing asked)."""
    asked = [name for name, value in (("--search", search), ("--ahead", ahead), ("--new", new))
             if value is not None]
    if not asked:
        if cram:
            raise UsageError("--cram needs --search QUERY (the cards to cram)")
        return None
    if len(asked) > 1:
        raise UsageError(f"custom study takes one of --search, --ahead, --new, not {' and '.join(asked)}")
    if ahead is not None:
        if cram:
            raise UsageError("--cram goes with --search, not --ahead (review ahead is real reviews)")
        return CustomStudy(ahead=_whole("--ahead", ahead, MAX_AHEAD_DAYS))
    if new is not None:
        if cram:
            raise UsageError("--cram goes with --search, not --new")
        return CustomStudy(extra_new=_whole("--new", new, MAX_EXTRA_NEW))
    assert search is not None
    if not search.strip():
        raise UsageError("--search needs a query, e.g. --search 'tag:conv is:due'")
    query = parse_search(search)
    return CustomStudy(search=True, words=query.words, deck=query.deck, tags=query.tags,
                       states=query.states, props=query.props, cram=cram)


def _whole(option: str, value: str | int, maximum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a whole number") from None
    if not 1 <= number <= maximum:
        raise UsageError(f"{option} {value!r} must be 1..{maximum:,}")
    return number


def session_heading(custom: CustomStudy, left: QueueCounts) -> str:
    """The line a custom session starts with: what it studies, how many cards, and the cap when hit."""
    total = left.new + left.learning + left.review
    text = f"custom study: {custom.describe()} · {plural(total, 'card')}"
    if custom.cram:
        text += " · graded, not rescheduled"
    if custom.extra_new == 0 and total >= CARD_CAP:
        text += f" (the first {CARD_CAP}: a custom session takes at most {CARD_CAP}, as Anki's)"
    return text
