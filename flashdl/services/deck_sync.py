"""Deck sync: deck files (the source of truth for content) into the store.

``sync_decks(store, decks, now) -> SyncReport``
    ``decks`` is a sequence of ``(Deck, path or None)``. One transaction for
    all of them: new cards are added, edited cards updated in place (their
    history kept), cards gone from a file retired, returning cards restored;
    a deck whose YAML file now holds another deck id has its cards retired.
    Re-importing an unchanged file changes nothing (idempotent).
``import_deck_files(store, paths, now) -> SyncReport``
    Parses every YAML deck named by ``paths`` (files, or folders of them)
    first; any error (naming file, line and column) aborts before anything
    is written. Two files with one deck id are refused, and so is a file whose deck id
    is the deck of another YAML file that still holds it (``sync_decks`` too).
``import_bundled_decks(store, now) -> SyncReport``
    The decks shipped with flashdl, through the user's copies of them
    (``services.bundled_copies``: copied on first import, merged on a new release).
``ensure_bundled_decks(store, now) -> SyncReport | None``
    For the TUI's start: imports the bundled decks only when the database
    has no deck at all; None when it had some. Other commands never import
    implicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from flashdl.deck.engine_families import ENGINE_FAMILIES, computed_problem
from flashdl.deck import files as deck_files
from flashdl.deck.files import DECK_SUFFIXES, bundled_decks_dir, deck_paths, load_deck_file, read_text_file
from flashdl.deck.yaml_deck import parse_deck
from flashdl.deck.yaml_syntax import locate
from flashdl.deck.model import Deck
from flashdl.deck.yaml_syntax import Progress
from flashdl.errors import FlashdlError, InputError, SourcePosition, UsageError
from flashdl.services.lookup import require_aware
from flashdl.services.views import DeckSyncResult, SyncReport
from flashdl.store import Store, Transaction, bulk, queries
from flashdl.store.card_content import DeckSyncCounts, retire_decks_no_longer_in, sync_deck
from flashdl.store.records import to_ms


def sync_decks(store: Store, decks: Sequence[tuple[Deck, str | None]], now: datetime) -> SyncReport:
    require_aware(now)
    seen: dict[str, str | None] = {}
    for deck, path in decks:
        if deck.id in seen:
            raise InputError(
                f"deck id {deck.id!r} is also the id of {seen[deck.id] or 'another deck'}",
                SourcePosition(path) if path else None,
            )
        seen[deck.id] = path
    now_ms = to_ms(now)
    results = []
    with store.write() as tx:
        refuse_decks_of_other_files(tx, decks)
        # Cards of decks the store does not have yet are all inserts: a large load of
        # them goes in with the card indexes rebuilt after (``bulk.indexes_rebuilt``).
        known = set(bulk.deck_slugs(tx))
        incoming = sum(len(deck.cards) for deck, _path in decks if deck.id not in known)
        with bulk.indexes_rebuilt(tx, "card", incoming):
            for deck, path in decks:
                counts = sync_deck(tx, deck, path, now_ms)
                results.append(_result(counts, path))
        for path in dict.fromkeys(p for _deck, p in decks if p is not None and _is_deck_file(p)):
            kept = {deck.id for deck, deck_path in decks if deck_path == path}
            results.extend(_result(counts, path) for counts in retire_decks_no_longer_in(tx, path, kept, now_ms))
    return SyncReport(decks=tuple(results))


def _result(counts: DeckSyncCounts, path: str | None) -> DeckSyncResult:
    return DeckSyncResult(
        deck=counts.deck, path=path, added=counts.added, updated=counts.updated,
        retired=counts.retired, restored=counts.restored, unchanged=counts.unchanged,
        created=counts.created,
    )


def _is_deck_file(path: str) -> bool:
    """A YAML deck file holds exactly one deck (a file of another format may hold several)."""
    return Path(path).suffix.lower() in DECK_SUFFIXES


def refuse_decks_of_other_files(tx: Transaction, decks: Sequence[tuple[Deck, str | None]]) -> None:
    """A YAML file whose deck id is already the deck of another YAML file, which still holds
    that deck, is refused: syncing it retired every card of the other file and gave this
    file's cards their histories (its ``001`` took over the other ``001``'s reviews).

    A deck whose old file is gone or now holds another deck has moved, and one imported from
    a flashdl package (this install's bundled decks or an older one's) or from another format
    (CSV, ``.apkg``) is taken over as before. The bundled decks' ids (``quiz-2``, ``lesson-6``)
    are ids a student's own deck may well have: ``import --bundled`` is held to this too.
    """
    homes = {record.slug: record.path for record in queries.decks(tx)}
    for deck, path in decks:
        home = homes.get(deck.id)
        if path is None or not _is_deck_file(path) or not home or home == path:
            continue
        if _holds_deck(Path(home), deck.id, Path(path)):
            raise InputError(
                f"deck id {deck.id!r} is already the deck of {home}, which still holds it; give "
                f"one of the two files another id, or move {home} away to import the deck from here",
                SourcePosition(path),
            )


def _holds_deck(home: Path, deck_id: str, other: Path) -> bool:
    """Is ``home`` a deck file of the user's own (not ``other`` itself) holding ``deck_id``?"""
    try:
        if (home.suffix.lower() not in DECK_SUFFIXES or not home.is_file() or _in_a_package(home)
                or (other.exists() and home.samefile(other))):
            return False
        return load_deck_file(home).id == deck_id
    except (FlashdlError, OSError):
        return False  # unreadable or broken: it holds no deck to lose


def _in_a_package(path: Path) -> bool:
    """Is ``path`` one of flashdl's bundled decks: this install's, an older install's
    (``.../flashdl/bundled_decks/``) or a checkout's (``cards/`` beside ``flashdl/bundled_decks``)?
    A database from before bundled copies points there; the copy takes the deck over."""
    folder = path.resolve().parent
    return (folder == deck_files.bundled_decks_dir().resolve()
            or (folder.name == "bundled_decks" and folder.parent.name == "flashdl")
            or (folder.parent / "flashdl" / "bundled_decks").is_dir())


def load_deck_files(
    paths: Iterable[Path], progress_for: Callable[[Path], Progress | None] | None = None
) -> list[tuple[Deck, str]]:
    """Every deck named by ``paths``, parsed and validated (nothing written).

    A computed card is held to what ``flashdl check`` holds it to: a family the engine has
    and params its own example can be worked from; otherwise the import is refused with the
    file and line (such a card was studied as a plain card, without a word).
    ``progress_for(path)`` may give a callback that hears how far the reading of that file is
    (``parse_deck``'s progress), for a progress line on a terminal.
    """
    files = deck_paths(paths)
    for path in files:
        if not path.exists():
            raise InputError("no such file or folder", SourcePosition(str(path)))
    decks = []
    for path in files:
        text = read_text_file(path)
        deck = parse_deck(text, str(path), known_families=ENGINE_FAMILIES,
                          progress=progress_for(path) if progress_for else None)
        for index, card in enumerate(deck.cards):
            if card.engine is not None and (
                    problem := computed_problem(card.engine.family, dict(card.engine.params))) is not None:
                where = locate(text, ("cards", index, "engine", "params"))
                raise InputError(f"card {card.id!r}: {problem}",
                                 SourcePosition(str(path), where[0] if where else None))
        decks.append((deck, str(path.resolve())))
    return decks


def import_deck_files(store: Store, paths: Iterable[Path], now: datetime) -> SyncReport:
    decks = load_deck_files(paths)
    if not decks:
        raise UsageError("no deck files (*.yaml, *.yml) found in the paths given")
    return sync_decks(store, decks, now)


def import_bundled_decks(store: Store, now: datetime, directory: Path | None = None) -> SyncReport:
    from flashdl.services.bundled_copies import sync_bundled_decks  # it builds on this module

    folder = directory or bundled_decks_dir()
    if not folder.is_dir() or not deck_paths([folder]):
        return SyncReport(decks=())
    return sync_bundled_decks(store, now, folder).sync


def ensure_bundled_decks(
    store: Store, now: datetime, directory: Path | None = None
) -> SyncReport | None:
    with store.read() as conn:
        if queries.decks(conn):
            return None
    return import_bundled_decks(store, now, directory)
