"""Adding a card to a deck: the YAML file stays the truth, the store follows it.

``add_card(store, deck, front, back, tags, now) -> str``
    Appends the card to the deck's file in the file's own layout (its list
    indent) with a new id that no card of the file or of the store has (a retired card
    keeps its id and history), checks that the file
    parses back with the old cards unchanged and the new card as given, writes
    it atomically, then syncs that deck into the store (history kept).
    Returns the new card's ``DECK/CARD``. A bundled deck's card goes to the
    user's copy of it (``bundled_copies.deck_file_for_edit``, which makes the
    copy first if needed), never into the installed package. Refuses, writing
    nothing: an unknown deck, a deck with no file, empty text, a file whose deck
    id no longer matches, and a file the new card cannot be appended to.
"""

from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from flashdl.deck.files import read_text_and_layout
from flashdl.deck.model import Card, Deck
from flashdl.deck.yaml_deck import parse_deck
from flashdl.deck.yaml_edit import card_entry, edit_problem, entry_spans
from flashdl.errors import InputError, UsageError
from flashdl.services.bundled_copies import deck_file_for_edit
from flashdl.services.deck_sync import sync_decks
from flashdl.services.exchange.files import atomic_output
from flashdl.services.lookup import require_aware
from flashdl.store import Store, bulk

_ITEM = re.compile(r"^( *)- ", re.MULTILINE)
_EMPTY_CARDS = re.compile(r"^cards:[ \t]*\[[ \t]*\]([ \t]+#[^\n]*)?(?:\n|\Z)", re.MULTILINE)


def add_card(
    store: Store, deck: str, front: str, back: str, tags: Sequence[str], now: datetime
) -> str:
    require_aware(now)
    problem = edit_problem(front, back, tags)  # the rules an edit is held to, before the file is read
    if problem is not None:
        raise UsageError(problem)
    # The deck file is read, given a new id and written under the database's write lock: two adds
    # at once (two processes) each took the same next id and the last rename won, losing a card.
    with store.write() as tx:
        path = deck_file_for_edit(store, deck, now).path
        text, layout = read_text_and_layout(path)
        before = parse_deck(text, str(path))
        if before.id != deck:  # as edit_card: never a silent import of another deck's file
            raise UsageError(f"{path}: holds deck {before.id!r} now, not {deck!r}; re-import it first")
        # retired cards' ids too: a new card given one would take over its review history
        stored = [full.partition("/")[2] for full in bulk.card_ids(tx, before.id)]
        card_id = _new_id(list(dict.fromkeys([*(card.id for card in before.cards), *stored])))
        wanted = Card(id=card_id, front=front, back=back, tags=tuple(tags))
        for new_text in _appends(text, wanted, len(before.cards)):
            if (after := _appended(new_text, path, before, wanted)) is not None:
                break
        else:
            raise UsageError(f"{path}: cannot add a card to this file's layout (its cards are not a "
                             "block list of block mappings); add it by hand")
        with atomic_output(path, mode="wb") as out:
            out.write(layout.encode(new_text))  # a CRLF file stays CRLF, a BOM stays
        sync_decks(store, [(after, str(path.resolve()))], now)
    return f"{after.id}/{card_id}"


def _appends(text: str, card: Card, count: int) -> list[str]:
    """The file with ``card`` after its last card (of ``count``), best guess first.

    Every byte of the file is kept, blank lines at its end included: they may be the text
    of a last ``|+`` block, and a YAML document end (``...``, which flashdl writes after
    such a block) is dropped so the list goes on. Else the old way: trailing blank lines
    trimmed. An empty deck's ``cards: []`` (as the docs and ``dump_deck`` write it) becomes
    a block list holding the card, in ``dump_deck``'s layout. Last, right after the last card's
    entry: a file whose ``cards:`` is followed by other keys (``tags:``) was refused.
    """
    found = _ITEM.search(text)
    entry = card_entry(card, len(found.group(1)) if found else 2)
    body = text[:-4] if text.endswith("\n...\n") else text
    kept = body if body.endswith("\n") or not body else body + "\n"
    candidates = [kept + entry, text.rstrip("\n") + "\n" + entry]
    if (empty := _EMPTY_CARDS.search(text)) is not None:
        candidates.insert(0, text[:empty.start()] + "cards:" + (empty.group(1) or "") + "\n"
                          + card_entry(card, 0) + text[empty.end():])
    if count:
        candidates += [text[:end] + card_entry(card, indent) + text[end:]
                       for _start, end, indent in entry_spans(text, count - 1)]
    return list(dict.fromkeys(candidates))


def _appended(text: str, path: Path, before: Deck, wanted: Card) -> Deck | None:
    """``text``'s deck, if it holds ``before``'s cards unchanged and then ``wanted``."""
    try:
        after = parse_deck(text, str(path))
    except InputError:
        return None
    if len(after.cards) != len(before.cards) + 1 or after.cards[:-1] != before.cards:
        return None
    if replace(after, cards=before.cards) != before:  # the deck's own keys (a tags: after cards:)
        return None
    added = after.cards[-1]
    if (added.id, added.front, added.back, added.tags) != (wanted.id, wanted.front, wanted.back, wanted.tags):
        return None
    return after


def _new_id(taken: Sequence[str]) -> str:
    """The next number after the file's numeric ids, as wide as they are; else ``card-N``."""
    numbers = [card_id for card_id in taken if card_id.isdigit()]
    if numbers and len(numbers) == len(taken):
        width = max(len(n) for n in numbers)
        return f"{max(int(n) for n in numbers) + 1:0{width}d}"
    n = len(taken) + 1
    while f"card-{n}" in taken:
        n += 1
    return f"card-{n}"
