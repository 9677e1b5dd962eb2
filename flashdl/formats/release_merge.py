"""Three-way merge of a bundled deck: the user's copy with a new flashdl release.

A bundled deck is copied into the user's data directory the first time it is
imported, and every edit goes to that copy. When a later release ships the
deck changed, ``merge_release(base, ours, theirs)`` brings the release's
changes into the copy without losing the user's: ``base`` is the release the
copy was made from (or last merged with), ``ours`` the user's copy, ``theirs``
the new release. Cards are matched by their stable id, and each field (front,
back, tags, engine, errata, markup; the deck's name, description, source,
tags, markup) is merged on its own:

* changed on one side only: that side's value;
* changed on both sides to the same value: that value;
* changed on both sides differently: a conflict; the user's text is kept and
  the conflict reported.

Cards: a card new in the release is added (after its predecessor in the
release); a card the release deleted is removed if the user never edited it,
else kept and reported; a card the user deleted stays deleted (reported if
the release changed it); a card the user added stays. An id added by both
sides with different content keeps the user's card and is reported.
Pure: decks in, a deck and a report out.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from flashdl.deck.model import Card, Deck

CARD_FIELDS = tuple(f.name for f in fields(Card) if f.name not in ("id", "line"))
DECK_FIELDS = ("name", "description", "source", "tags", "markup")

# Why a conflict is one (``Conflict.kind``).
BOTH_CHANGED = "both-changed"  # the field was changed by the user and, differently, by the release
DELETED_BY_RELEASE = "deleted-by-release"  # the user edited a card the release deleted: kept
DELETED_BY_YOU = "deleted-by-you"  # the release changed a card the user deleted: stays deleted
ADDED_BY_BOTH = "added-by-both"  # one new id, two different cards: the user's kept


@dataclass(frozen=True)
class Conflict:
    """One place the release and the user disagree; the user's side was kept."""

    card: str | None  # the card's id; None for a field of the deck itself
    field: str | None  # None: the whole card
    kind: str

    def message(self, deck: str) -> str:
        where = f"{deck}/{self.card}" if self.card is not None else deck
        if self.kind == BOTH_CHANGED:
            return f"{where}: {self.field} changed by you and by the new release; kept yours"
        if self.kind == DELETED_BY_RELEASE:
            return f"{where}: the new release deleted this card, which you edited; kept yours"
        if self.kind == DELETED_BY_YOU:
            return f"{where}: the new release changed this card, which you deleted; it stays deleted"
        return f"{where}: you and the new release both added a card with this id; kept yours"


@dataclass(frozen=True)
class ReleaseMerge:
    deck: Deck
    conflicts: tuple[Conflict, ...] = ()
    added: tuple[str, ...] = ()  # ids the release added
    removed: tuple[str, ...] = ()  # ids the release deleted (unedited by the user)
    updated: tuple[str, ...] = ()  # ids that took at least one field from the release


def merge_value(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """The merged value of one field and whether it is a conflict (then the user's value)."""
    if ours == theirs or theirs == base:
        return ours, False
    if ours == base:
        return theirs, False
    return ours, True


def merge_release(base: Deck, ours: Deck, theirs: Deck) -> ReleaseMerge:
    conflicts: list[Conflict] = []
    deck_values: dict[str, Any] = {}
    for name in DECK_FIELDS:
        value, clash = merge_value(getattr(base, name), getattr(ours, name), getattr(theirs, name))
        deck_values[name] = value
        if clash:
            conflicts.append(Conflict(None, name, BOTH_CHANGED))
    base_cards = {card.id: card for card in base.cards}
    their_cards = {card.id: card for card in theirs.cards}
    our_ids = {card.id for card in ours.cards}
    merged: list[Card] = []
    removed: list[str] = []
    updated: list[str] = []
    for card in ours.cards:
        old, new = base_cards.get(card.id), their_cards.get(card.id)
        if new is None:
            if old is not None and _same(card, old):
                removed.append(card.id)
                continue
            if old is not None:
                conflicts.append(Conflict(card.id, None, DELETED_BY_RELEASE))
            merged.append(card)
        elif old is None:
            if not _same(card, new):
                conflicts.append(Conflict(card.id, None, ADDED_BY_BOTH))
            merged.append(card)
        else:
            values: dict[str, Any] = {}
            for name in CARD_FIELDS:
                value, clash = merge_value(getattr(old, name), getattr(card, name), getattr(new, name))
                values[name] = value
                if clash:
                    conflicts.append(Conflict(card.id, name, BOTH_CHANGED))
            result = replace(card, **values)
            if not _same(result, card):
                updated.append(card.id)
            merged.append(result)
    added: list[str] = []
    for card in theirs.cards:
        if card.id in our_ids:
            continue
        old = base_cards.get(card.id)
        if old is None:
            added.append(card.id)
        elif not _same(old, card):
            conflicts.append(Conflict(card.id, None, DELETED_BY_YOU))
    merged = _insert_new(merged, [c for c in theirs.cards if c.id in set(added)], theirs)
    deck = replace(ours, cards=tuple(merged), **deck_values)
    return ReleaseMerge(deck=deck, conflicts=tuple(conflicts), added=tuple(added),
                        removed=tuple(removed), updated=tuple(updated))


def _same(a: Card, b: Card) -> bool:
    """Equal in every merged field (``Card`` equality, which ignores the line number)."""
    return a == replace(b, id=a.id)


def _insert_new(merged: list[Card], new: list[Card], theirs: Deck) -> list[Card]:
    """``merged`` with each new card placed right after its nearest predecessor in the
    release that is in the result (at the start when it has none)."""
    if not new:
        return merged
    new_ids = {card.id for card in new}
    result = list(merged)
    present = {card.id for card in result}
    previous: str | None = None
    for card in theirs.cards:
        if card.id in new_ids:
            at = next((i + 1 for i, kept in enumerate(result) if kept.id == previous), 0)
            result.insert(at, card)
            present.add(card.id)
        if card.id in present:
            previous = card.id
    return result
