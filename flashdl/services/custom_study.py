"""Custom study, as Anki's filtered decks (docs/custom-study.md): which cards a session takes.

``CustomStudy`` says what to study beyond today's queue:

- ``ahead=N``: the cards due within N days (overdue and today's too; not those
  reviewed today), studied as real reviews: SM-2 computes from the day they
  are actually reviewed, so an early review moves the due date (as Anki's
  "review ahead" with rescheduling on).
- ``extra_new=N``: the day's new-card limits raised by the next N new cards
  beyond them (``study.extend_new_today``, Anki's "increase today's new card
  limit"), then today's queue.
- a search (``words``, ``deck``, ``tags``, ``states``, ``props``: the terms of
  ``flashdl.presentation.view_models.parse_search``, the one search parser,
  which the front ends run): the cards it finds, reviewed for real; with
  ``cram`` they are shown and graded but nothing is rescheduled (see
  ``StudySession.answer``).

Searches and review ahead take at most ``CARD_CAP`` cards (Anki's filtered
decks default to 100), in queue order; suspended, buried and retired cards
never come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flashdl.clock import again_today, buried_on
from flashdl.deck.model import has_tags, tag_search_words
from flashdl.scheduler.queue import QueueEntry, QueueKind
from flashdl.services.lookup import resolve_deck
from flashdl.store import queries
from flashdl.store.connection import Transaction

CARD_CAP = 100  # cards a search or review-ahead session takes, as Anki's filtered decks
_PAGE = 500  # search hits read at a time while filtering


class CustomStudyError(ValueError):
    """A custom study that cannot run (the CLI checks its input first; this guards the service)."""


@dataclass(frozen=True)
class CustomStudy:
    """What a custom study session takes (see the module docstring); exactly one kind."""

    ahead: int | None = None
    extra_new: int = 0
    search: bool = False
    words: tuple[str, ...] = ()
    deck: str | None = None
    tags: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    props: tuple[tuple[str, str, float], ...] = ()
    cram: bool = False

    def __post_init__(self) -> None:
        kinds = (self.ahead is not None) + (self.extra_new > 0) + self.search
        if kinds != 1:
            raise CustomStudyError("custom study takes one of: a search, review ahead, extra new cards")
        if self.cram and not self.search:
            raise CustomStudyError("cram needs a search")
        if self.ahead is not None and self.ahead < 1:
            raise CustomStudyError(f"review ahead needs 1 day or more, not {self.ahead}")

    def describe(self) -> str:
        """A short title: "review ahead 3 days", "cram: tag:conv"."""
        if self.ahead is not None:
            return f"review ahead {self.ahead} day" + ("" if self.ahead == 1 else "s")
        if self.extra_new:
            return f"{self.extra_new} extra new card" + ("" if self.extra_new == 1 else "s")
        terms = [*self.words, *(f"deck:{self.deck}",) * (self.deck is not None),
                 *(f"tag:{t}" for t in self.tags), *(f"is:{s}" for s in self.states),
                 *(f"prop:{n}{op}{v:g}" for n, op, v in self.props)]
        return ("cram: " if self.cram else "search: ") + " ".join(terms)


def custom_entries(conn: Transaction, custom: CustomStudy, today: date, deck: str | None
                   ) -> list[QueueEntry]:
    """The cards of a search or review-ahead session, in study order (at most ``CARD_CAP``)."""
    deck_id = resolve_deck(conn, deck)
    if custom.ahead is not None:
        return queries.due_within(conn, today, today + timedelta(days=custom.ahead),
                                  limit=CARD_CAP, deck_id_=deck_id)
    search_deck = resolve_deck(conn, custom.deck)
    if deck_id is not None and search_deck is not None and search_deck != deck_id:
        return []  # `flashdl study A --search deck:B`: no card is in both
    words = [*custom.words, *tag_search_words(custom.tags)]  # tags narrow the text search; has_tags decides
    entries: list[QueueEntry] = []
    offset = 0
    while len(entries) < CARD_CAP:
        hits = queries.search(conn, words, deck_id_=search_deck or deck_id, limit=_PAGE,
                              states=custom.states, props=custom.props, today=today,
                              offset=offset)
        for card in hits:
            if card.suspended or buried_on(card.buried_until, today):
                continue
            if not has_tags(card.all_tags, custom.tags):
                continue
            state = card.state
            due = state.due
            if due is None:
                kind = QueueKind.NEW
            elif again_today(state.repeat_pending, state.last_review, today):
                kind = QueueKind.LEARNING  # `is:due` finds it: a same-day repeat still to come
            else:
                kind = QueueKind.REVIEW
            entries.append(QueueEntry(card.id, card.deck_id, kind, due or today, card.position))
        if len(hits) < _PAGE:
            break
        offset += _PAGE
    return entries[:CARD_CAP]
