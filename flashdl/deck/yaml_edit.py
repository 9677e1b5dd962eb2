"""Editing one card of a deck file in place: the rest of the text stays as it was.

A deck file is written by hand as often as by flashdl, with comments, blank
lines and its own quoting. Re-dumping the whole deck to change one card would
rewrite all of that, so ``edit_card_text`` replaces only the lines of that one
card's list entry with the edited card (``dump_yaml``'s layout, shifted to the
entry's indent) and checks that the new text parses to the old deck with just
that card changed; if it does not, nothing is returned but an error.

Errata (DESIGN §2, ``Erratum``): a card of a deck parsed from a source
document (``source:``) keeps the source's text. Editing its front or back
records the text before the edit as the erratum's ``original`` with the note
``USER_EDIT_NOTE``, unless that side already has an ``original`` (which is
then still the source's text, so it stays). Editing a side back to the
source's text drops the note this module added (a hand-written one stays).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import yaml

from flashdl.deck.model import Card, Deck, Erratum
from flashdl.deck.yaml_deck import TAG_PATTERN, card_to_data, parse_deck
from flashdl.deck.yaml_syntax import DeckLoader, control_problem, dump_yaml
from flashdl.errors import InputError, SourcePosition

USER_EDIT_NOTE = "edited by user"
_ENTRY_START = re.compile(r"[ ]*-[ ]+")


def edited_card(card: Card, front: str, back: str, tags: Sequence[str], *, from_source: bool) -> Card:
    """``card`` with new text and tags, its errata kept as the module docstring says.

    Raises ``InputError`` (no position) for text a deck file cannot hold.
    """
    # A side the file already holds empty (an importer's ``incomplete`` card) may stay so: a tags-only
    # edit of such a card was refused with "a card needs a non-empty front and back".
    kept_empty = tuple(side for side, new, old in (("front", front, card.front), ("back", back, card.back))
                       if new == old)
    problem = edit_problem(front, back, tags, may_stay_empty=kept_empty)
    if problem is not None:
        raise InputError(f"card {card.id!r}: {problem}")
    errata = list(card.errata)
    if from_source:
        for side, new, old in (("front", front, card.front), ("back", back, card.back)):
            if new == old:
                continue
            if not any(e.field == side and e.original is not None for e in errata):
                errata.append(Erratum(note=USER_EDIT_NOTE, field=side, original=old))
            elif new == card.source_text(side):
                errata = [e for e in errata
                          if not (e.field == side and e.original is not None and e.note == USER_EDIT_NOTE)]
    return replace(card, front=front, back=back, tags=tuple(tags), errata=tuple(errata))


def edit_problem(front: str, back: str, tags: Sequence[str], *,
                 may_stay_empty: Sequence[str] = ()) -> str | None:
    """Why this text cannot be a card (the deck format's rules), or None.

    ``may_stay_empty``: sides (``front``, ``back``) that may be blank, as the deck format
    allows one side to be (never both)."""
    blank = [side for side, text in (("front", front), ("back", back)) if not text.strip()]
    if len(blank) == 2 or any(side not in may_stay_empty for side in blank):
        return "a card needs a non-empty front and back"
    for side, text in (("front", front), ("back", back)):
        if (problem := control_problem(text)) is not None:
            return f"{side}: {problem}"
    for tag in tags:
        if not TAG_PATTERN.match(tag):
            return f"tag {tag!r} must be one word (no spaces or commas)"
    if len(set(tags)) != len(tags):
        return "a tag is given twice"
    return None


def edit_card_text(text: str, filename: str, card_id: str, *, front: str, back: str,
                   tags: Sequence[str], from_source: bool | None = None) -> tuple[str, Deck]:
    """The deck file ``text`` with card ``card_id`` edited, and the deck it now holds.

    Every byte outside that card's list entry is kept. Unchanged input gives
    ``text`` itself. Raises ``InputError`` for a broken file, an unknown card,
    unusable text, or an entry that cannot be replaced on its own (e.g. a
    card list written in flow style). ``from_source``: whether the card's text came from the
    deck's source document (its edits become errata); by default, whether the deck has one.
    """
    before = parse_deck(text, filename)
    index = next((i for i, card in enumerate(before.cards) if card.id == card_id), None)
    if index is None:
        raise InputError(f"no card {card_id!r} in deck {before.id!r}", SourcePosition(filename))
    old = before.cards[index]
    if from_source is None:
        from_source = before.source is not None
    new = edited_card(old, front, back, tags, from_source=from_source)
    if new == old:
        return text, before
    wanted = replace(before, cards=before.cards[:index] + (new,) + before.cards[index + 1:])
    for start, end, indent in entry_spans(text, index):
        entry = card_entry(new, indent)
        candidate = text[:start] + entry + text[end:]
        try:
            after = parse_deck(candidate, filename)
        except InputError:
            continue
        if after == wanted:
            return candidate, after
    line = old.line if old.line is not None else None
    raise InputError(f"cannot edit card {card_id!r} in place (its entry is not a block mapping "
                     "in a block list); edit the file by hand", SourcePosition(filename, line))


def card_entry(card: Card, indent: int) -> str:
    """The card as one list entry in ``dump_deck``'s layout, ``- `` at column ``indent``
    (literal blocks for multi-line text; a block's empty lines stay empty)."""
    dumped = dump_yaml([card_to_data(card)])
    if dumped.endswith("\n...\n"):  # the document end after a ``|+`` block: not here
        dumped = dumped[:-4]
    pad = " " * indent
    return "".join(pad + line if line.strip("\n") else line for line in dumped.splitlines(keepends=True))


def entry_spans(text: str, index: int) -> list[tuple[int, int, int]]:
    """Where the ``index``-th card's entry is: (start, end, indent of its ``-``), best guess first.

    The entry starts at the start of the line of its ``-`` and ends after the
    line of its last scalar (or flow collection): comments and blank lines
    after it belong to what follows. The second guess keeps the blank lines a
    ``|+`` block may own.
    """
    depth = 0
    root_nodes = 0  # nodes at the root mapping's level: keys and values alternate
    cards_next = False  # the last root key was "cards"
    in_cards = False
    seen = -1
    start: int | None = None
    last_end = 0
    flows: list[bool] = []
    for event in yaml.parse(text, Loader=DeckLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            flows.append(bool(event.flow_style))
            depth += 1
            if depth == 2:
                root_nodes += 1
                in_cards = cards_next and isinstance(event, yaml.SequenceStartEvent)
                cards_next = False
            elif in_cards and depth == 3:
                seen += 1
                if seen == index:
                    if not isinstance(event, yaml.MappingStartEvent) or event.flow_style:
                        return []
                    start = _index(event.start_mark)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            flow = flows.pop()
            depth -= 1
            if start is not None and depth >= 3 and flow:
                last_end = max(last_end, _index(event.end_mark))
            if start is not None and depth == 2:
                return _spans(text, start, last_end)
            if in_cards and depth == 1:
                return []
        elif isinstance(event, yaml.ScalarEvent):
            if start is not None:
                last_end = max(last_end, _index(event.end_mark))
            elif depth == 1:
                is_key = root_nodes % 2 == 0
                root_nodes += 1
                cards_next = is_key and event.value == "cards"
    return []


def _index(mark: Any) -> int:
    """A mark's offset (libyaml always gives marks; a missing one ends the search)."""
    if mark is None:
        raise InputError("cannot find the card in the file")
    return int(mark.index)


def _spans(text: str, mapping_start: int, last_end: int) -> list[tuple[int, int, int]]:
    line_start = text.rfind("\n", 0, mapping_start) + 1
    lead = _ENTRY_START.fullmatch(text, line_start, mapping_start)
    if lead is None:
        return []
    indent = text.index("-", line_start)
    end = last_end
    if end > 0 and text[end - 1] != "\n":
        newline = text.find("\n", end)
        end = len(text) if newline == -1 else newline + 1
    trimmed = end
    while trimmed > mapping_start:
        previous = text.rfind("\n", 0, trimmed - 1) + 1
        if text[previous:trimmed].strip():
            break
        trimmed = previous
    spans = [(line_start, trimmed, indent - line_start)]
    if trimmed != end:
        spans.append((line_start, end, indent - line_start))
    return spans
