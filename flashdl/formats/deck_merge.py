"""Merging a freshly parsed deck into the committed one without losing curation.

Reviews are keyed on card ids, and people curate committed decks by hand
(``engine`` blocks, ``errata``, tags), so regenerating a bundled deck from its
source must neither renumber cards nor drop what was added. A parsed card is
matched to a committed one by the source text both came from
(``Card.source_text``, which sees through errata), first with the same id,
then anywhere (the source renumbered it); failing that, by id with one side
unchanged (the source was edited). A matched card keeps its id and every
curated key; an edited one takes the new source text. Unmatched parsed cards
are new and get a free id; committed cards the source no longer has are kept
(and reported) unless the caller asks to drop them, which is reported too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flashdl.deck.model import Card, Deck, Erratum

SIDES = ("front", "back")
DEFAULT_ID_DIGITS = 3


@dataclass(frozen=True)
class MergeReport:
    unchanged: int = 0
    added: tuple[str, ...] = ()  # ids of new cards
    edited: tuple[str, ...] = ()  # ids whose source text changed
    moved: tuple[tuple[str, str], ...] = ()  # (source's new id, kept committed id)
    missing: tuple[str, ...] = ()  # committed ids the source no longer has
    dropped: tuple[str, ...] = ()  # of those, the ones removed on request
    stale_errata: tuple[str, ...] = ()  # ids whose corrections were made to changed text

    @property
    def changed(self) -> bool:
        return bool(self.added or self.edited or self.moved or self.dropped)

    def lines(self) -> list[str]:
        out = [f"{self.unchanged} unchanged"]
        if self.added:
            out.append(f"added: {', '.join(self.added)}")
        if self.edited:
            out.append(f"source text changed: {', '.join(self.edited)}")
        if self.moved:
            out.append("renumbered in the source, id kept: "
                       + ", ".join(f"{new} -> {kept}" for new, kept in self.moved))
        kept = [card_id for card_id in self.missing if card_id not in self.dropped]
        if kept:
            out.append(f"no longer in the source, kept: {', '.join(kept)}")
        if self.dropped:
            out.append(f"no longer in the source, dropped: {', '.join(self.dropped)}")
        if self.stale_errata:
            out.append(f"errata dropped (their text changed, re-check): {', '.join(self.stale_errata)}")
        return out


@dataclass(frozen=True)
class MergeResult:
    deck: Deck
    report: MergeReport


def _source_key(card: Card) -> tuple[str, str]:
    return card.source_text("front"), card.source_text("back")


def merge_deck(committed: Deck | None, parsed: Deck, *, drop_missing: bool = False) -> MergeResult:
    if committed is None:
        return MergeResult(parsed, MergeReport(added=tuple(card.id for card in parsed.cards)))
    matches = _match(committed, parsed)
    taken = {committed_card.id for committed_card, _ in matches.values()}
    used_ids = set(taken)
    merged: list[Card] = []
    added: list[str] = []
    edited: list[str] = []
    moved: list[tuple[str, str]] = []
    stale: list[str] = []
    unchanged = 0
    for index, card in enumerate(parsed.cards):
        if index in matches:
            old, how = matches[index]
            if how == "edited":
                new_card, dropped_errata = _edited(old, card)
                edited.append(old.id)
                if dropped_errata:
                    stale.append(old.id)
            else:
                new_card = old
                unchanged += 1
                if old.id != card.id:
                    moved.append((card.id, old.id))
            merged.append(new_card)
        else:
            new_id = _free_id(card.id, used_ids, committed)
            used_ids.add(new_id)
            merged.append(replace(card, id=new_id))
            added.append(new_id)
    missing = [card for card in committed.cards if card.id not in taken]
    if not drop_missing:
        merged = _with_missing(merged, missing, committed)
    deck = replace(committed, cards=tuple(merged), source=parsed.source or committed.source)
    report = MergeReport(
        unchanged=unchanged,
        added=tuple(added),
        edited=tuple(edited),
        moved=tuple(moved),
        missing=tuple(card.id for card in missing),
        dropped=tuple(card.id for card in missing) if drop_missing else (),
        stale_errata=tuple(stale),
    )
    return MergeResult(deck, report)


def _match(committed: Deck, parsed: Deck) -> dict[int, tuple[Card, str]]:
    """Parsed card index -> (committed card, "same" | "edited"), each committed card used once."""
    by_id = {card.id: card for card in committed.cards}
    by_text: dict[tuple[str, str], list[Card]] = {}
    for card in committed.cards:
        by_text.setdefault(_source_key(card), []).append(card)
    used: set[str] = set()
    matches: dict[int, tuple[Card, str]] = {}

    def take(index: int, card: Card, how: str) -> None:
        matches[index] = (card, how)
        used.add(card.id)

    for index, card in enumerate(parsed.cards):  # 1: same id, same text
        old = by_id.get(card.id)
        if old is not None and _source_key(old) == _source_key(card):
            take(index, old, "same")
    for index, card in enumerate(parsed.cards):  # 2: same text elsewhere (renumbered)
        if index not in matches:
            for old in by_text.get(_source_key(card), []):
                if old.id not in used:
                    take(index, old, "same")
                    break
    for index, card in enumerate(parsed.cards):  # 3: same id, one side unchanged (edited)
        old = by_id.get(card.id)
        if (index not in matches and old is not None and old.id not in used
                and any(old.source_text(side) == card.source_text(side) for side in SIDES)):
            take(index, old, "edited")
    return matches


def _edited(old: Card, new: Card) -> tuple[Card, bool]:
    """``old`` with ``new``'s source text; errata correcting text that changed are dropped."""
    errata: list[Erratum] = []
    dropped = False
    sides = {"front": new.front, "back": new.back}
    for erratum in old.errata:
        side = erratum.field
        if side is not None and erratum.original is not None:
            if erratum.original == new.source_text(side):
                sides[side] = getattr(old, side)  # the source kept the text the erratum fixes
            else:
                dropped = True
                continue
        errata.append(erratum)
    tags = old.tags + tuple(tag for tag in new.tags if tag not in old.tags)
    card = replace(old, front=sides["front"], back=sides["back"], errata=tuple(errata), tags=tags)
    return card, dropped


def _free_id(wanted: str, used_ids: set[str], committed: Deck) -> str:
    """``wanted`` unless a committed card ever had it (ids are never reused), else the next number."""
    taken = {card.id for card in committed.cards} | used_ids
    if wanted not in taken:
        return wanted
    width = max((len(card_id) for card_id in taken if card_id.isdigit()), default=DEFAULT_ID_DIGITS)
    candidate = max((int(card_id) for card_id in taken if card_id.isdigit()), default=0) + 1
    return f"{candidate:0{width}d}"


def _with_missing(merged: list[Card], missing: list[Card], committed: Deck) -> list[Card]:
    """``merged`` with each missing committed card put back after its committed predecessor."""
    missing_ids = {card.id for card in missing}
    result = list(merged)
    previous: str | None = None
    for card in committed.cards:
        if card.id in missing_ids:
            after = [i for i, kept in enumerate(result) if kept.id == previous]
            result.insert(after[0] + 1 if after else 0, card)
        previous = card.id
    return result
