"""The review-history side file of a YAML export (``DECK.history.json``), both ways.

A deck file holds content only; this file holds everything the database
knows beyond it, per card: the SM-2 state, the suspended and buried flags,
and every review-log row with all its columns (the state before and after,
time taken, a computed card's variant and typed answer). Importing it back
gives the same database rows, so ``YAML -> db -> YAML`` keeps the history too.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flashdl import bounded_json
from flashdl.deck.yaml_deck import ID_PATTERN, params_problem
from flashdl.errors import InputError, SourcePosition
from flashdl.formats.review_bounds import (
    KINDS,
    RATINGS,
    grade_problem,
    last_review_problem,
    state_problem,
    study_day_problem,
    time_problem,
)
from flashdl.scheduler.leech import LeechFlags, flag_bits
from flashdl.scheduler.sm2 import GRADED_BELOW, CardState

HISTORY_FORMAT = "flashdl-history/1"
REVIEW_KEYS = ("reviewed_ms", "study_day", "grade", "rating", "kind", "before", "after",
               "duration_ms", "variant_params", "typed_answer", "answer_correct")


@dataclass(frozen=True)
class SavedReview:
    reviewed_ms: int
    study_day: date
    grade: int
    rating: int
    kind: int
    before: CardState
    after: CardState
    duration_ms: int = 0
    variant_params: dict[str, Any] | None = None
    typed_answer: str | None = None
    answer_correct: bool | None = None
    # The card's leech flags before this review, when it made the card a leech
    # (``leech.flag_bits``, for undo); written only when set, so older files read the same.
    leech_flags_before: int | None = None


@dataclass(frozen=True)
class SavedCard:
    card: str  # card id within the deck
    state: CardState
    suspended: bool = False
    buried_until: date | None = None
    reviews: tuple[SavedReview, ...] = ()
    leech: bool = False  # tagged leech (``flashdl.scheduler.leech``); written only when true


@dataclass(frozen=True)
class SavedHistory:
    deck: str
    cards: tuple[SavedCard, ...]
    # The deck's own options (``flashdl.scheduler.deck_options``: only those it sets itself),
    # checked by the importer; None: the file has none (older exports).
    options: dict[str, Any] | None = None


def dump_history(history: SavedHistory) -> str:
    cards = [{"card": c.card, "state": _state(c.state), "suspended": c.suspended,
              "buried_until": _day(c.buried_until), **({"leech": True} if c.leech else {}),
              "reviews": [_review(r) for r in c.reviews]} for c in history.cards]
    data: dict[str, Any] = {"format": HISTORY_FORMAT, "deck": history.deck}
    if history.options is not None:
        data["options"] = history.options
    data["cards"] = cards
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _state(state: CardState) -> dict[str, Any]:
    return {"repetitions": state.repetitions, "ease": state.ease, "interval": state.interval,
            "due": _day(state.due), "last_review": _day(state.last_review),
            "repeat_pending": state.repeat_pending}


def _review(review: SavedReview) -> dict[str, Any]:
    data = {key: getattr(review, key) for key in REVIEW_KEYS}
    data["study_day"] = review.study_day.isoformat()
    data["before"], data["after"] = _state(review.before), _state(review.after)
    if review.leech_flags_before is not None:
        data["leech_flags_before"] = review.leech_flags_before
    return data


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def parse_history(text: str, filename: str, *, now_ms: int | None = None) -> SavedHistory:
    """A history side file, every review and state within ``review_bounds``.

    Errors name the card (the file is one JSON document: a line would say little).
    """
    where = SourcePosition(filename)
    try:
        data = bounded_json.loads(text, max_depth=MAX_DEPTH)
    except ValueError as error:
        raise InputError(f"not JSON ({error})", where) from None
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(data):
        raise InputError("text with a lone surrogate (\\udXXX): not a Unicode string", where)
    if not isinstance(data, dict) or data.get("format") != HISTORY_FORMAT:
        raise InputError(f"not a flashdl history file (expected \"format\": \"{HISTORY_FORMAT}\")", where)
    try:
        deck = _identifier(data["deck"], "deck")
        cards = []
        for entry in data["cards"]:
            try:
                cards.append(_saved_card(entry, now_ms))
            except _Refused as refused:
                card = entry.get("card") if isinstance(entry, dict) else None
                raise InputError(f"card {card!r}: {refused}", where) from None
        options = data.get("options")
        if options is not None and not isinstance(options, dict):
            raise InputError("\"options\" is not a JSON object", where)
        return SavedHistory(deck=deck, cards=tuple(cards), options=options)
    except _Refused as refused:
        raise InputError(str(refused), where) from None
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as error:
        raise InputError(f"malformed history entry ({error!r})", where) from None


LEECH_BITS = frozenset(flag_bits(LeechFlags(leech, suspended))
                       for leech in (False, True) for suspended in (False, True))
MAX_DEPTH = 32  # cards, card, reviews, review, variant params (at most 16 of their own)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _Refused(ValueError):
    """A value that is well-formed but outside what flashdl can store."""


def _has_lone_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def _identifier(value: Any, what: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise _Refused(f"{what} {value!r} is not a flashdl id")
    return value


def _bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise _Refused(f"{what} {value!r} is not true or false")
    return value


INT64 = 1 << 63


def _int(value: Any, what: str) -> int:
    """A whole number as JSON writes one (``3``, not ``true``, ``"3"`` or ``1e400``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Refused(f"{what} {value!r} is not a whole number")
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise _Refused(f"{what} {value!r} is not a whole number")
        value = int(value)
    if not -INT64 <= value < INT64:  # what SQLite stores; a larger one fails at the write, unnamed
        raise _Refused(f"{what} {value} is out of range")
    return int(value)


def _check(problem: str | None) -> None:
    if problem is not None:
        raise _Refused(problem)


def _saved_card(entry: dict[str, Any], now_ms: int | None) -> SavedCard:
    state = _read_state(entry["state"])
    _check(last_review_problem(state.last_review, now_ms))
    return SavedCard(card=_identifier(entry["card"], "card id"), state=state,
                     suspended=bool(entry.get("suspended", False)),
                     buried_until=_read_day(entry.get("buried_until")),
                     leech=_bool(entry.get("leech", False), "leech"),
                     reviews=tuple(_read_review(r, now_ms) for r in entry.get("reviews", ())))


def _read_state(data: dict[str, Any]) -> CardState:
    state = CardState(repetitions=_int(data["repetitions"], "repetitions"),
                      ease=_int(data["ease"], "ease"), interval=_int(data["interval"], "interval"),
                      due=_read_day(data.get("due")), last_review=_read_day(data.get("last_review")),
                      repeat_pending=bool(data.get("repeat_pending", False)))
    _check(state_problem(state.repetitions, state.ease, state.interval))
    return state


def _read_review(data: dict[str, Any], now_ms: int | None) -> SavedReview:
    day = _read_day(data["study_day"])
    if day is None:
        raise ValueError("review without a study_day")
    correct = data.get("answer_correct")
    review = SavedReview(
        reviewed_ms=_int(data["reviewed_ms"], "reviewed_ms"), study_day=day,
        grade=_int(data["grade"], "grade"), rating=_int(data["rating"], "rating"),
        kind=_int(data["kind"], "kind"), before=_read_state(data["before"]),
        after=_read_state(data["after"]), duration_ms=_int(data.get("duration_ms") or 0, "duration_ms"),
        variant_params=data.get("variant_params"), typed_answer=data.get("typed_answer"),
        answer_correct=None if correct is None else bool(correct),
        leech_flags_before=_leech_bits(data.get("leech_flags_before")))
    _check(time_problem(review.reviewed_ms, now_ms))
    _check(study_day_problem(review.study_day, review.reviewed_ms))
    _check(grade_problem(review.grade))
    if review.rating not in RATINGS:
        raise _Refused(f"rating {review.rating} out of range (1..4)")
    if review.kind not in KINDS:
        raise _Refused(f"review kind {review.kind} unknown (0 new, 1 review, 2 drill, 3 forget, 4 set due date)")
    if review.kind < GRADED_BELOW and review.rating == 0:
        raise _Refused("rating 0 out of range (1..4; 0 only on a forget or set due date row)")
    if review.kind >= GRADED_BELOW and (review.rating, review.grade) != (0, 0):
        raise _Refused(f"a forget or set due date row (kind {review.kind}) has rating and grade 0, "
                       f"not {review.rating} and {review.grade}")
    if review.duration_ms < 0:
        raise _Refused(f"duration_ms {review.duration_ms} is negative")
    if review.variant_params is not None:
        if not isinstance(review.variant_params, dict):
            raise _Refused("variant_params must be a JSON object")
        problem = params_problem(review.variant_params)  # the rule for engine params in decks
        if problem is not None:
            raise _Refused(f"variant_params {problem}")
    if review.typed_answer is not None and not isinstance(review.typed_answer, str):
        raise _Refused("typed_answer must be text")
    return review


def _leech_bits(value: Any) -> int | None:
    """``leech_flags_before``: absent, or the bits ``leech.flag_bits`` writes."""
    if value is None:
        return None
    bits = _int(value, "leech_flags_before")
    if bits not in LEECH_BITS:
        raise _Refused(f"leech_flags_before {bits} out of range (0..3: bit 0 leech, bit 1 suspended)")
    return bits


def _read_day(text: Any) -> date | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise _Refused(f"day {text!r} is not a YYYY-MM-DD date")
    return date.fromisoformat(text)
