"""Plain frozen records the store hands out: rows never leave ``flashdl.store``.

Also the small conversions between Python values and their stored form
(JSON text for tags/engine/errata, ISO text for study days, UTC ms).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from flashdl.deck.model import EngineSpec, Erratum, with_deck_tags
from flashdl.scheduler.sm2 import CardState


@dataclass(frozen=True)
class StoredCard:
    """A card's content and scheduling, as stored."""

    id: int  # store id (stable within one database)
    deck_id: int
    deck: str  # deck slug
    slug: str  # card id within the deck
    position: int
    front: str
    back: str
    tags: tuple[str, ...]
    engine: EngineSpec | None
    errata: tuple[Erratum, ...]
    retired: bool
    suspended: bool
    buried_until: date | None
    revision: int
    state: CardState
    markup: str = "markdown"  # how the text is shown: the card's own markup, else its deck's
    leech: bool = False  # the leech flag (schema 10, ``flashdl.scheduler.leech``)
    deck_tags: tuple[str, ...] = ()  # its deck's tags, which apply to it too

    @property
    def full_id(self) -> str:
        return f"{self.deck}/{self.slug}"

    @property
    def all_tags(self) -> tuple[str, ...]:
        """Its own tags and its deck's (``with_deck_tags``); ``tags`` alone are its own."""
        return with_deck_tags(self.tags, self.deck_tags)


@dataclass(frozen=True)
class LoggedReview:
    """One review-log row (units as in ``schema.ReviewLogRow``)."""

    id: int
    card_id: int
    reviewed_ms: int
    study_day: date
    grade: int
    rating: int
    kind: int
    before: CardState
    after: CardState
    duration_ms: int
    variant_params: dict[str, Any] | None
    typed_answer: str | None
    answer_correct: bool | None


def to_ms(moment: datetime) -> int:
    """UTC milliseconds since the epoch of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: flashdl needs timezone-aware moments")
    return int(round(moment.timestamp() * 1000))


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def day_text(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def text_day(text: str | date | None) -> date | None:
    if text is None or isinstance(text, date):
        return text
    return date.fromisoformat(text)


def dump_json(value: Any) -> str:
    # Key order kept as written: an exported deck file reads like the one imported.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def engine_json(engine: EngineSpec | None) -> str | None:
    if engine is None:
        return None
    return dump_json({"family": engine.family, "params": engine.params, "vary": engine.vary})


def engine_from_json(text: str | None) -> EngineSpec | None:
    if not text:
        return None
    data = json.loads(text)
    return EngineSpec(family=data["family"], params=data.get("params", {}), vary=data.get("vary", False))


def errata_json(errata: tuple[Erratum, ...]) -> str | None:
    if not errata:
        return None
    return dump_json([{"note": e.note, "field": e.field, "original": e.original} for e in errata])


def errata_from_json(text: str | None) -> tuple[Erratum, ...]:
    if not text:
        return ()
    return tuple(Erratum(note=e["note"], field=e.get("field"), original=e.get("original"))
                 for e in json.loads(text))
