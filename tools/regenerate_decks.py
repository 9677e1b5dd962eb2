"""Regenerate the bundled decks (``cards/*.yaml``) from their source documents (a maintainer tool).

    python tools/regenerate_decks.py [--seeds DIR] [--cards DIR] [--check] [--drop-missing]

Each source is parsed and merged into the committed deck (``deck_merge``), so
card ids, engine blocks, errata and added tags survive. A file is written only
when its deck actually changed, so hand-formatted decks are left alone.
``--check`` writes nothing and exits 1 if any deck is out of date.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# The parsers of this checkout, whatever flashdl the interpreter has installed: the decks in
# REPO_ROOT/cards are checked against the code beside them.
sys.path.insert(0, str(REPO_ROOT))

from flashdl.deck.files import read_text_file
from flashdl.deck.model import Deck
from flashdl.deck.yaml_deck import dump_deck, parse_deck
from flashdl.errors import InputError
from flashdl.formats import ParseResult, parse_source
from flashdl.formats.deck_merge import MergeReport, merge_deck

SEEDS_ENV = "FLASHDL_SEEDS"
DEFAULT_CARDS_DIR = REPO_ROOT / "cards"
DECK_SUFFIX = ".yaml"


@dataclass(frozen=True)
class BundledSource:
    filename: str
    deck_id: str


BUNDLED_SOURCES = (
    BundledSource("000_0a81d32002206609.txt", "quiz-2"),
    BundledSource("001_2c970f0f399beb0a.txt", "quiz-3"),
    BundledSource("002_59db08f5f8a9fa17.txt", "lesson-6"),
    BundledSource("003_b2e4bc6009d699a8.txt", "dl-xgb-bert"),
    BundledSource("004_5ca024d9f9d695b4.txt", "csw182-notes"),
)

# Decks in cards/ written by hand for flashdl: no source document, so never regenerated.
HAND_WRITTEN_DECKS = ("dl-exercises",)


def default_seeds_dir() -> Path:
    """``$FLASHDL_SEEDS``, else the shared seeds folder beside the checkout."""
    env = os.environ.get(SEEDS_ENV)
    return Path(env) if env else REPO_ROOT / ".." / "shared" / "seeds"


def parse_bundled_source(seeds: Path, source: BundledSource) -> ParseResult:
    path = seeds / source.filename
    return parse_source(read_text_file(path), str(path), deck_id=source.deck_id)


@dataclass(frozen=True)
class Outcome:
    source: BundledSource
    parsed: ParseResult
    deck: Deck
    report: MergeReport
    out_of_date: bool


def regenerate(
    seeds: Path, cards: Path, *, write: bool, drop_missing: bool = False
) -> list[Outcome]:
    outcomes = []
    for source in BUNDLED_SOURCES:
        parsed = parse_bundled_source(seeds, source)
        deck_path = cards / f"{source.deck_id}{DECK_SUFFIX}"
        committed = (
            parse_deck(read_text_file(deck_path), str(deck_path)) if deck_path.exists() else None
        )
        merged = merge_deck(committed, parsed.deck, drop_missing=drop_missing)
        out_of_date = committed is None or merged.deck != committed
        if write and out_of_date:
            deck_path.write_text(dump_deck(merged.deck), encoding="utf-8")
        outcomes.append(Outcome(source, parsed, merged.deck, merged.report, out_of_date))
    return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/regenerate_decks.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=Path, default=None, help=f"source folder (env {SEEDS_ENV})")
    parser.add_argument("--cards", type=Path, default=DEFAULT_CARDS_DIR, help="deck folder")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if out of date")
    parser.add_argument("--drop-missing", action="store_true",
                        help="remove committed cards the source no longer has (reported)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list skipped items and warnings")
    args = parser.parse_args(argv)
    try:
        outcomes = regenerate(args.seeds or default_seeds_dir(), args.cards,
                              write=not args.check, drop_missing=args.drop_missing)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for outcome in outcomes:
        state = ("out of date" if args.check else "written") if outcome.out_of_date else "up to date"
        print(f"{outcome.source.deck_id}: {len(outcome.deck.cards)} cards, {state} "
              f"({len(outcome.parsed.skipped)} skipped, {len(outcome.parsed.warnings)} warnings)")
        for line in outcome.report.lines():
            print(f"  {line}")
        if args.verbose:
            for note in outcome.parsed.skipped:
                print(f"  skipped {note}")
            for note in outcome.parsed.warnings:
                print(f"  warning {note}")
    return 1 if args.check and any(o.out_of_date for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
