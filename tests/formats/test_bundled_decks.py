"""The committed decks in cards/ are exactly what the parsers make of the seed documents.

Compared through ``Card.source_text``, so hand-made corrections (errata keep
the source text) and engine blocks never break the comparison; a real drift
between a seed and its deck does. Cards flashdl added (``added_by_flashdl``)
are curation, not parser output, and are left out of the comparison.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from flashdl.deck.files import read_text_file
from flashdl.deck.model import TAG_INCOMPLETE, Card, Deck
from flashdl.deck.yaml_deck import dump_deck, parse_deck
from flashdl.formats import parse_source
from flashdl.formats.deck_merge import added_by_flashdl, merge_deck

REPO_ROOT = Path(__file__).parents[2]


def _load_tool(name: str) -> ModuleType:
    """A maintainer tool from tools/, which is not part of the installed package."""
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module   # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


regenerate_decks = _load_tool("regenerate_decks")
BUNDLED_SOURCES = regenerate_decks.BUNDLED_SOURCES
HAND_WRITTEN_DECKS = regenerate_decks.HAND_WRITTEN_DECKS
BundledSource = regenerate_decks.BundledSource
CARDS_DIR = REPO_ROOT / "cards"
SEEDS_DIR = Path(os.environ.get("FLASHDL_SEEDS") or REPO_ROOT / ".." / "shared" / "seeds")

# Counted without the parsers, straight from the seeds:
#   quiz-2:       `grep -c '^Q$'` finds 104 question markers; card 67 is "67 / Q / A" with no
#                 text on either side, so it is skipped: 103.
#   quiz-3:       24 '^Q$' markers (cards 1-24), then one-line cards numbered 25 to 83
#                 (59 number lines, each followed by one question and one answer line): 83.
#   lesson-6:     21 '^Q$' markers, numbered 1-21: 21.
#   dl-xgb-bert:  109 '^Q$' markers, numbered 1-109 (cards 4, 42, 85 have no answer, kept): 109.
#   csw182-notes: 55 bullet lines directly followed by a deeper-indented item (a bullet with
#                 sub-bullets), less the 2 of them inside the block at lines 123-128 that
#                 repeats lines 82-85: 53.
EXPECTED_CARDS = {
    "quiz-2": 103,
    "quiz-3": 83,
    "lesson-6": 21,
    "dl-xgb-bert": 109,
    "csw182-notes": 53,
}
EXPECTED_INCOMPLETE = {"dl-xgb-bert": ["004", "042", "085"]}

needs_seeds = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(), reason=f"seed documents not found at {SEEDS_DIR} (set FLASHDL_SEEDS)"
)
SOURCE_IDS = [source.deck_id for source in BUNDLED_SOURCES]


def committed(deck_id: str) -> Deck:
    path = CARDS_DIR / f"{deck_id}.yaml"
    return parse_deck(read_text_file(path), str(path))


def from_source(deck: Deck) -> list[Card]:
    """The cards of ``deck`` that came from its source (not added by flashdl)."""
    return [card for card in deck.cards if not added_by_flashdl(card)]


def parsed(source: BundledSource) -> Deck:
    path = SEEDS_DIR / source.filename
    return parse_source(read_text_file(path), str(path), deck_id=source.deck_id).deck


def test_every_bundled_source_has_its_deck_and_nothing_else_is_there() -> None:
    """Besides the parsed decks, only the hand-written ones (which have no source)."""
    assert sorted(path.stem for path in CARDS_DIR.glob("*.yaml")) == sorted([*SOURCE_IDS, *HAND_WRITTEN_DECKS])


@pytest.mark.parametrize("deck_id", HAND_WRITTEN_DECKS)
def test_hand_written_decks_claim_no_source(deck_id: str) -> None:
    deck = committed(deck_id)
    assert deck.id == deck_id and deck.source is None and deck.cards


@pytest.mark.parametrize("deck_id", SOURCE_IDS)
def test_card_counts(deck_id: str) -> None:
    deck = committed(deck_id)
    assert len(from_source(deck)) == EXPECTED_CARDS[deck_id]
    incomplete = [card.id for card in from_source(deck) if TAG_INCOMPLETE in card.tags]
    assert incomplete == EXPECTED_INCOMPLETE.get(deck_id, [])


@pytest.mark.parametrize("deck_id", SOURCE_IDS)
def test_load_dump_load_is_identity(deck_id: str) -> None:
    deck = committed(deck_id)
    assert parse_deck(dump_deck(deck), f"{deck_id}.yaml") == deck


@needs_seeds
@pytest.mark.parametrize("source", BUNDLED_SOURCES, ids=SOURCE_IDS)
def test_committed_deck_is_what_the_parser_makes_of_its_seed(source: BundledSource) -> None:
    deck, fresh = committed(source.deck_id), parsed(source)
    assert (deck.id, deck.source) == (source.deck_id, source.filename)
    assert [card.id for card in from_source(deck)] == [card.id for card in fresh.cards]
    for mine, theirs in zip(from_source(deck), fresh.cards, strict=True):
        for side in ("front", "back"):
            assert mine.source_text(side) == theirs.source_text(side), f"{deck.id}/{mine.id} {side}"


@needs_seeds
@pytest.mark.parametrize("source", BUNDLED_SOURCES, ids=SOURCE_IDS)
def test_regenerating_changes_nothing(source: BundledSource) -> None:
    """The merge keeps every curated key, so a regeneration over the committed deck is a no-op."""
    deck = committed(source.deck_id)
    result = merge_deck(deck, parsed(source))
    assert result.deck == deck
    assert not result.report.changed and not result.report.missing


@needs_seeds
def test_the_maintainer_tool_finds_every_deck_up_to_date() -> None:
    """``python tools/regenerate_decks.py --check``, as a maintainer runs it."""
    tool = REPO_ROOT / "tools" / "regenerate_decks.py"
    done = subprocess.run([sys.executable, str(tool), "--check", "--seeds", str(SEEDS_DIR)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("up to date") == len(BUNDLED_SOURCES)
