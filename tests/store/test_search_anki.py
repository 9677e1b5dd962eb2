"""Search words and ``tag:`` terms against the real Anki (the ``anki`` package): the same cards in
both, the same query, the same cards found. Anki is the bar where DESIGN §3 is silent: ``*``
stands for any run of characters, ``tag:dl`` finds ``dl::cnn`` too, case folds for ASCII only
(``école`` does not find ``École`` in either), ``%`` is a percent sign. Skipped without ``anki``."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import NOW

from flashdl.deck.model import Card, Deck
from flashdl.presentation.view_models import matches_tags, parse_search
from flashdl.services import browse, deck_sync
from flashdl.store import Store, open_store

anki_collection = pytest.importorskip("anki.collection")

# Words are written from TEXT, tags from letters TEXT lacks: a word then never matches a tag's
# text (flashdl's words also search tags; Anki's search only the fields), so the two agree.
TEXT = "abAB éÉσΣß%1*"
TAGS = ("xy", "XY::z", "xy::z::zz", "xyz", "z::xy", "Öx", "öx::y", "yx")


def _cards() -> list[tuple[str, str, tuple[str, ...]]]:
    rng = random.Random(2026)

    def text() -> str:
        return "".join(rng.choice(TEXT) for _ in range(rng.randint(0, 8))).strip() or "a"

    return [(text(), text(), tuple(sorted(set(rng.sample(TAGS, rng.randint(0, 2)))))) for _ in range(60)]


CARDS = _cards()


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Any, dict[int, str]]]:
    folder: Path = tmp_path_factory.mktemp("anki-search")
    col = anki_collection.Collection(str(folder / "collection.anki2"))
    basic = col.models.by_name("Basic")
    anki_deck = col.decks.id("Search")
    note_cards: dict[int, str] = {}
    deck = Deck(id="s", name="Search", cards=tuple(
        Card(id=f"{i:03d}", front=front, back=back, tags=tags) for i, (front, back, tags) in enumerate(CARDS)))
    for card in deck.cards:
        note = col.new_note(basic)
        note["Front"], note["Back"] = card.front, card.back
        note.tags = list(card.tags)
        col.add_note(note, anki_deck)
        note_cards[note.id] = f"s/{card.id}"
    with open_store(folder / "flashdl.sqlite3") as store:
        deck_sync.sync_decks(store, [(deck, None)], NOW - timedelta(days=1))
        yield store, col, note_cards
    col.close()


def _flashdl(store: Store, text: str) -> list[str]:
    query = parse_search(text)
    hits = browse.search_cards(store, query.text, deck=query.deck, limit=1000)
    return sorted(hit.card for hit in hits if matches_tags(hit.tags, query.tags))


def _anki(col: Any, note_cards: dict[int, str], text: str) -> list[str]:
    return sorted(note_cards[note] for note in col.find_notes(text))


WORDS = st.text(alphabet="abAB éÉσΣß%1*", min_size=1, max_size=3).map(lambda w: w.replace(" ", "")).filter(bool)
TAG_TERMS = st.builds(
    lambda name, cut, star, upper: "tag:" + (name[:cut] + ("*" if star else "")).swapcase() if upper
    else "tag:" + name[:cut] + ("*" if star else ""),
    st.sampled_from([*TAGS, "x", "z::x", "xy::z"]), st.integers(1, 9), st.booleans(), st.booleans(),
)


def test_the_cards_have_every_kind_of_text() -> None:
    """The property below is only worth something if the cards mix cases, scripts and tags."""
    every = "".join(front + back for front, back, _ in CARDS)
    assert all(char in every for char in "aAéÉσΣß%*")
    assert {tag for _, _, tags in CARDS for tag in tags} == set(TAGS)


@settings(max_examples=150, deadline=None)
@given(terms=st.lists(st.one_of(WORDS, TAG_TERMS), min_size=1, max_size=3))
def test_words_and_tags_find_what_anki_finds(both: tuple[Store, Any, dict[int, str]], terms: list[str]) -> None:
    store, col, note_cards = both
    text = " ".join(terms)
    assert _flashdl(store, text) == _anki(col, note_cards, text), text


@pytest.mark.parametrize("text", ["tag:xy", "tag:XY", "tag:xy::z", "tag:x*", "tag:öx", "tag:ÖX", "a*b", "σ", "É",
                                  "\\*", "a\\*", "%", '"tag:xy"', '"a"'])
def test_examples_find_what_anki_finds(both: tuple[Store, Any, dict[int, str]], text: str) -> None:
    store, col, note_cards = both
    found = _flashdl(store, text)
    assert found == _anki(col, note_cards, text) and found, text  # each finds some card
