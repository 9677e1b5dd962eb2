"""Anki packages read and written whole: the format modules' parts joined to the store's file I/O.

``flashdl.formats`` knows what a package holds (zip layout, note types,
notes as rows, GUIDs); ``flashdl.store.anki_collection`` reads and builds the
SQLite collection file inside it. The core may not import the store, so the
two meet here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from flashdl.deck.model import Deck
from flashdl.formats.anki_export import NoteSource, SolutionFor, collection_plan, note_sources, write_zip
from flashdl.formats.anki_package import AnkiPackage
from flashdl.formats.anki_schedule import SchedulePlan
from flashdl.formats.anki_package import read_package as _read_package
from flashdl.formats.safe_zip import DEFAULT_LIMITS, ZipLimits
from flashdl.store.anki_collection import build_collection, read_collection


def read_package(source: Path | BinaryIO, name: str, *, with_reviews: bool = False,
                 limits: ZipLimits = DEFAULT_LIMITS) -> AnkiPackage:
    """Read the notes (and, if asked, the review log) of an Anki package."""
    return _read_package(source, name, read_collection=read_collection, with_reviews=with_reviews,
                         limits=limits)


def write_package(decks: Sequence[Deck], out: BinaryIO, *, now_ms: int,
                  solution_for: SolutionFor = lambda card: None) -> int:
    """Write ``decks`` as one .apkg to ``out``; returns the number of notes."""
    return write_notes([(deck, note_sources(deck.cards)) for deck in decks], out, now_ms=now_ms,
                       solution_for=solution_for)


def write_notes(decks: Sequence[tuple[Deck, Sequence[NoteSource]]], out: BinaryIO, *, now_ms: int,
                solution_for: SolutionFor = lambda card: None, schedule: SchedulePlan | None = None,
                media: Sequence[tuple[str, bytes]] = ()) -> int:
    """Write one .apkg of each deck (its own cards ignored) with the notes given for it.

    What ``write_package`` does, for callers that hold card rows rather than
    ``Card`` objects (an export reads 100,000 from the store). The
    collection is built in memory and zipped from there: it never needs a
    file of its own. ``media`` are the ``media`` map and numbered members
    (``flashdl.services.exchange.media.media_members``); none gives an empty map.
    """
    plan = collection_plan(decks, now_ms, solution_for)
    if schedule is not None:  # --with-history: the cards' scheduling and review log too
        plan = replace(plan, schedule=schedule)
    data = build_collection(plan)
    write_zip(out, [("collection.anki2", data), *(media or [("media", b"{}")])], now_ms)
    return plan.note_count
