"""The review-history side file of a YAML export (``DECK.history.json``), both ways.

A deck file holds content only; this file holds everything the database
knows beyond it, per card: the SM-2 state, the suspended and buried flags,
and every review-log row with all its columns (the state before and after,
time taken, a computed card's variant and typed answer). Importing it back
gives the same database rows, so ``YAML -> db -> YAML`` keeps the history too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from flashdl.errors import InputError, SourcePosition
from flashdl.scheduler.sm2 import CardState

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


@dataclass(frozen=True)
class SavedCard:
    card: str  # card id within the deck
    state: CardState
    suspended: bool = False
    buried_until: date | None = None
    reviews: tuple[SavedReview, ...] = ()


@dataclass(frozen=True)
class SavedHistory:
    deck: str
    cards: tuple[SavedCard, ...]
    # The deck's own options (``flashdl.scheduler.deck_options``: only those it sets itself),
    # checked by the importer; None: the file has none (older exports).
    options: dict[str, Any] | None = None


def dump_history(history: SavedHistory) -> str:
    cards = [{"card": c.card, "state": _state(c.state), "suspended": c.suspended,
              "buried_until": _day(c.buried_until),
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
    return data


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def parse_history(text: str, filename: str) -> SavedHistory:
    where = SourcePosition(filename)
    try:
        data = json.loads(text)
    except ValueError as error:
        raise InputError(f"not JSON ({error})", where) from None
    if not isinstance(data, dict) or data.get("format") != HISTORY_FORMAT:
        raise InputError(f"not a flashdl history file (expected \"format\": \"{HISTORY_FORMAT}\")", where)
    try:
        cards = tuple(_saved_card(entry) for entry in data["cards"])
        options = data.get("options")
        if options is not None and not isinstance(options, dict):
            raise InputError("\"options\" is not a JSON object", where)
        return SavedHistory(deck=str(data["deck"]), cards=cards, options=options)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(f"malformed history entry ({error!r})", where) from None


def _saved_card(entry: dict[str, Any]) -> SavedCard:
    return SavedCard(card=str(entry["card"]), state=_read_state(entry["state"]),
                     suspended=bool(entry.get("suspended", False)),
                     buried_until=_read_day(entry.get("buried_until")),
                     reviews=tuple(_read_review(r) for r in entry.get("reviews", ())))


def _read_state(data: dict[str, Any]) -> CardState:
    return CardState(repetitions=int(data["repetitions"]), ease=int(data["ease"]),
                     interval=int(data["interval"]), due=_read_day(data.get("due")),
                     last_review=_read_day(data.get("last_review")),
                     repeat_pending=bool(data.get("repeat_pending", False)))


def _read_review(data: dict[str, Any]) -> SavedReview:
    day = _read_day(data["study_day"])
    if day is None:
        raise ValueError("review without a study_day")
    correct = data.get("answer_correct")
    return SavedReview(
        reviewed_ms=int(data["reviewed_ms"]), study_day=day, grade=int(data["grade"]),
        rating=int(data["rating"]), kind=int(data["kind"]), before=_read_state(data["before"]),
        after=_read_state(data["after"]), duration_ms=int(data.get("duration_ms") or 0),
        variant_params=data.get("variant_params"), typed_answer=data.get("typed_answer"),
        answer_correct=None if correct is None else bool(correct))


def _read_day(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(str(text))
