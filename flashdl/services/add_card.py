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
    nothing: an unknown deck, a deck with no file, empty text, and a file the
    new card cannot be appended to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from flashdl.deck.files import load_deck_file, read_text_file
from flashdl.deck.model import Card
from flashdl.deck.yaml_deck import parse_deck
from flashdl.deck.yaml_edit import card_entry, edit_problem
from flashdl.errors import UsageError
from flashdl.services.bundled_copies import deck_file_for_edit
from flashdl.services.deck_sync import sync_decks
from flashdl.services.exchange.files import rewrite_text
from flashdl.services.lookup import require_aware
from flashdl.store import Store, bulk

_ITEM = re.compile(r"^( *)- ", re.MULTILINE)


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
        text = read_text_file(path)
        before = load_deck_file(path)
        # retired cards' ids too: a new card given one would take over its review history
        stored = [full.partition("/")[2] for full in bulk.card_ids(tx, before.id)]
        card_id = _new_id(list(dict.fromkeys([*(card.id for card in before.cards), *stored])))
        found = _ITEM.search(text)
        indent = found.group(1) if found else "  "
        entry = card_entry(Card(id=card_id, front=front, back=back, tags=tuple(tags)), len(indent))
        new_text = text.rstrip("\n") + "\n" + entry
        after = parse_deck(new_text, str(path))
        wanted = Card(id=card_id, front=front, back=back, tags=tuple(tags))
        added = after.cards[-1] if len(after.cards) == len(before.cards) + 1 else None
        if (after.cards[:-1] != before.cards or added is None
                or (added.id, added.front, added.back, added.tags)
                != (wanted.id, wanted.front, wanted.back, wanted.tags)):
            raise UsageError(f"{path}: cannot append a card to this file's layout (cards: must be the last key)")
        rewrite_text(path, new_text)
        sync_decks(store, [(after, str(path.resolve()))], now)
    return f"{after.id}/{card_id}"


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
