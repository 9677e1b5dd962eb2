"""Bundled decks become the user's own: copied beside the database, edited there, merged on upgrade.

The decks shipped with flashdl live inside the installed package, which a
reinstall replaces, so nothing ever writes there. The first import copies
each bundled deck to ``<DB>.decks/NAME.yaml`` (user data, beside the
database) and keeps the release it came from in ``<DB>.decks/.base/NAME.yaml``;
the deck's file in the database then points at the copy, so every edit
(``flashdl add``, the TUI) goes to the copy and the text files stay the truth.

``sync_bundled_decks(store, now, directory=None) -> BundledReport``
    ``flashdl import --bundled``: every bundled deck is copied (first time),
    merged into the user's copy (the release changed it since the copy's
    base: ``formats.release_merge``, conflicts kept the user's text and are
    reported) or left as it is; then all of them are synced into the store
    (history kept). Every file is read and merged before anything is written.
    Cards the student has studied whose front, back or computed example the
    merge changes are reported too (``LearntChange``): they may have learnt
    what the release corrected.
``refresh_bundled_copies(store, now, directory=None) -> BundledReport | None``
    For the TUI's start: the same, but only when a copied deck's release
    changed (a new flashdl); None when nothing did.
``released_card_ids(copy) -> frozenset[str] | None``
    The cards a bundled copy's release holds (the others the student added).
``deck_file_for_edit(store, deck_id, now) -> EditableDeck``
    The one way an editor finds the file to write a deck's change to: the
    deck's own file, or for a bundled deck its copy (made first if needed).
    Refuses a deck with no file, a file that is not a regular file, and any
    file inside the installed package.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import flashdl
from flashdl.deck import files as deck_files
from flashdl.deck.files import deck_paths, load_deck_file, read_text_file
from flashdl.deck.model import Deck
from flashdl.deck.yaml_deck import dump_deck, parse_deck
from flashdl.errors import FlashdlError, UsageError
from flashdl.formats.release_merge import Conflict, merge_release
from flashdl.services.deck_sync import refuse_decks_of_other_files, sync_decks
from flashdl.services.exchange.files import atomic_outputs, output_target
from flashdl.services.lookup import UnknownDeckError, require_aware, resolve_deck
from flashdl.services.views import SyncReport
from flashdl.store import Store, queries
from flashdl.store.connection import Transaction

COPIES_SUFFIX = ".decks"
BASE_FOLDER = ".base"

COPIED, MERGED, UNCHANGED = "copied", "merged", "unchanged"


@dataclass(frozen=True)
class EditableDeck:
    """Where an edit of a deck is written; ``bundled_copy``: the user's copy of a bundled deck."""

    path: Path
    bundled_copy: bool


@dataclass(frozen=True)
class BundledDeck:
    deck: str
    path: str  # the user's copy
    action: str  # COPIED, MERGED or UNCHANGED
    conflicts: tuple[Conflict, ...] = ()
    changed: tuple[LearntChange, ...] = ()  # cards the student studied whose text the release changed

    def conflict_lines(self) -> list[str]:
        return [conflict.message(self.deck) for conflict in self.conflicts]

    def changed_lines(self) -> list[str]:
        return [change.message(self.deck) for change in self.changed]


@dataclass(frozen=True)
class LearntChange:
    """A card the student has studied (it has a schedule) whose front, back or computed example a
    new release changed: what they memorised may be what the release corrected. Nothing is
    rescheduled (as in Anki, a note's edit keeps its cards' schedules); the student is told, and
    Forget (``flashdl card forget``, ``F``) makes the card new to learn it again."""

    card: str
    fields: tuple[str, ...]  # "front", "back", "computed example"

    def message(self, deck: str) -> str:
        return (f"{deck}/{self.card}: the new release changed its {' and '.join(self.fields)}, which you "
                f"have studied; to learn it anew: flashdl card forget {deck}/{self.card} (F on its card)")


@dataclass(frozen=True)
class BundledReport:
    sync: SyncReport
    decks: tuple[BundledDeck, ...]

    def slugs(self, action: str) -> list[str]:
        return [d.deck for d in self.decks if d.action == action]

    def conflict_lines(self) -> list[str]:
        return [line for d in self.decks for line in d.conflict_lines()]

    def changed_lines(self) -> list[str]:
        return [line for d in self.decks for line in d.changed_lines()]


@dataclass(frozen=True)
class _Plan:
    """One bundled deck, read and merged, before anything is written."""

    copy: Path
    base: Path
    deck: Deck
    action: str
    copy_text: str | None  # None: the copy stays as it is
    base_text: str | None  # None: the base stays as it is
    conflicts: tuple[Conflict, ...]


def copies_dir(db_path: Path) -> Path:
    """The user's copies of bundled decks for the database at ``db_path``."""
    return db_path.with_name(db_path.name + COPIES_SUFFIX)


def sync_bundled_decks(store: Store, now: datetime, directory: Path | None = None) -> BundledReport:
    require_aware(now)
    folder = directory or deck_files.bundled_decks_dir()
    releases = deck_paths([folder]) if folder.is_dir() else []
    if not releases:
        raise UsageError(f"no bundled decks found (looked in {folder})")
    return _apply(store, [_plan(store, release) for release in releases], now)


def refresh_bundled_copies(store: Store, now: datetime, directory: Path | None = None) -> BundledReport | None:
    require_aware(now)
    folder = directory or deck_files.bundled_decks_dir()
    copies = copies_dir(store.path)
    if not folder.is_dir() or not copies.is_dir():
        return None
    changed = [release for release in deck_paths([folder])
               if (copies / release.name).is_file() and _differs(copies / BASE_FOLDER / release.name, release)]
    if not changed:
        return None
    return _apply(store, [_plan(store, release) for release in changed], now)


def deck_file_for_edit(store: Store, deck_id: int | str, now: datetime) -> EditableDeck:
    require_aware(now)
    with store.read() as conn:
        number = deck_id if isinstance(deck_id, int) else resolve_deck(conn, deck_id)
        record = next((d for d in queries.decks(conn) if d.id == number), None)
    if record is None:
        raise UnknownDeckError(f"unknown deck {deck_id!r}")
    if not record.path:
        raise UsageError(f"deck {record.slug!r} has no deck file to edit; " + _as_yaml(record.slug))
    path = Path(record.path)
    if path.suffix.lower() not in _YAML_SUFFIXES and not _inside(path, deck_files.bundled_decks_dir()):
        # a CSV or an Anki package is the user's own file in another format: never rewritten here
        raise UsageError(f"deck {record.slug!r} was imported from {path}, not a flashdl YAML deck; "
                         + _as_yaml(record.slug))
    copies = copies_dir(store.path)
    release = _bundled_release(path)
    if release is not None:
        copy = copies / path.name
        if os.path.lexists(copy):
            _require_regular(copy)
            deck = load_deck_file(copy)
        else:
            plan = _first_copy(copy, copies / BASE_FOLDER / path.name, read_text_file(release), release)
            _write([plan])
            deck = plan.deck
        if deck.id != record.slug:
            raise UsageError(f"{copy}: holds deck {deck.id!r}, not {record.slug!r}; move it away and retry")
        sync_decks(store, [(deck, str(copy.resolve()))], now)
        path = copy
    if _inside(path, Path(flashdl.__file__).parent) or _inside(path, deck_files.bundled_decks_dir()):
        raise UsageError(f"{path}: inside the installed flashdl package (lost on reinstall); "
                         "refusing to write there")
    if not path.exists():
        again = "flashdl import --bundled copies it again" if _inside(path, copies) else "import the deck again"
        raise UsageError(f"{path}: the deck's file is missing; {again}")
    _require_regular(path)
    return EditableDeck(path=path, bundled_copy=_inside(path, copies))


def _bundled_release(path: Path) -> Path | None:
    """The release a legacy deck's file is, when it is a bundled deck: in this install's package,
    or in another install's (``.../flashdl/bundled_decks/NAME.yaml``: a database from before
    copies, made by a flashdl since replaced by one in another place, a new virtualenv or Python).
    Another install's file is the release the copy is made from while it is there (the deck's
    text in the database is that release's), else this install's deck of that name; None when
    the deck is not one this flashdl ships. Writing to another install's file put the student's
    cards in a folder its uninstall removes."""
    bundled = deck_files.bundled_decks_dir()
    if _inside(path, bundled):
        return path
    installed = bundled / path.name
    if (path.parent.name, path.parent.parent.name) != ("bundled_decks", "flashdl") or not installed.is_file():
        return None  # not an install's layout, or no deck flashdl ships
    return path if path.is_file() else installed


def released_card_ids(copy: Path) -> frozenset[str] | None:
    """The ids of the cards flashdl shipped in the deck ``copy`` is the user's copy of (the
    release it was copied or merged from, and the installed one); None when neither is there.
    A card outside them is one the student added: its text is their own, not the source's."""
    files = [path for path in (copy.parent / BASE_FOLDER / copy.name, deck_files.bundled_decks_dir() / copy.name)
             if path.is_file()]
    if not files:
        return None
    return frozenset(card.id for path in files for card in load_deck_file(path).cards)


_YAML_SUFFIXES = (".yaml", ".yml")


def _as_yaml(slug: str) -> str:
    """How to make a deck from another format editable, its cards and history kept."""
    return (f"to add or edit its cards, make it a YAML deck: flashdl export {slug} --format yaml "
            f"--out {slug}.yaml, then flashdl import {slug}.yaml (its cards and their history stay)")


def _plan(store: Store, release: Path) -> _Plan:
    copies = copies_dir(store.path)
    copy, base = copies / release.name, copies / BASE_FOLDER / release.name
    release_text = read_text_file(release)
    if not os.path.lexists(copy):
        return _first_copy(copy, base, release_text, release)
    _require_regular(copy)
    ours_text = read_text_file(copy)
    ours = parse_deck(ours_text, str(copy))
    base_text = read_text_file(base) if os.path.lexists(base) else None
    if base_text == release_text:
        return _Plan(copy, base, ours, UNCHANGED, None, None, ())
    theirs = parse_deck(release_text, str(release))
    if ours.id != theirs.id:
        raise UsageError(f"{copy}: holds deck {ours.id!r}, but the release's {release.name} is "
                         f"{theirs.id!r}; move the copy away and import again")
    if base_text is not None and ours_text == base_text:  # never edited: the release as it is
        return _Plan(copy, base, theirs, MERGED, release_text, release_text, ())
    # No base (removed by hand): the copy wins every field it has; the release adds its new cards
    # (a base of the release's cards the copy has: the release's others are new to the copy).
    if base_text is not None:
        previous = parse_deck(base_text, str(base))
    else:
        kept = {card.id for card in ours.cards}
        previous = replace(theirs, cards=tuple(card for card in theirs.cards if card.id in kept))
    result = merge_release(previous, ours, theirs)
    text = ours_text if result.deck == ours else dump_deck(result.deck)
    return _Plan(copy, base, result.deck, MERGED, text if text != ours_text else None, release_text,
                 result.conflicts)


def _first_copy(copy: Path, base: Path, release_text: str, release: Path) -> _Plan:
    deck = parse_deck(release_text, str(release))
    return _Plan(copy, base, deck, COPIED, release_text, release_text, ())


def _apply(store: Store, plans: list[_Plan], now: datetime) -> BundledReport:
    synced: list[tuple[Deck, str | None]] = [(plan.deck, str(plan.copy.resolve())) for plan in plans]
    with store.read() as tx:  # before any copy is written: a deck of the user's own file is not taken
        refuse_decks_of_other_files(tx, synced)
        changed = [_learnt_changes(tx, plan) for plan in plans]
    _write(plans)
    sync = sync_decks(store, synced, now)
    decks = tuple(BundledDeck(plan.deck.id, str(plan.copy.resolve()), plan.action, plan.conflicts, learnt)
                  for plan, learnt in zip(plans, changed))
    return BundledReport(sync=sync, decks=decks)


def _learnt_changes(tx: Transaction, plan: _Plan) -> tuple[LearntChange, ...]:
    """The studied cards of a merged deck whose front, back or engine the merge changes: the
    database holds the text the student studied, the plan the text they will see from now."""
    if plan.action != MERGED:
        return ()
    studied = queries.studied_cards(tx, plan.deck.id)
    changes = []
    for card in plan.deck.cards:
        before = studied.get(card.id)
        if before is None:
            continue
        fields = tuple(name for name, old, new in zip(_LEARNT, before, (card.front, card.back, card.engine))
                       if old != new)
        if fields:
            changes.append(LearntChange(card.id, fields))
    return tuple(changes)


_LEARNT = ("front", "back", "computed example")


def _write(plans: list[_Plan]) -> None:
    """Each plan's copy and base together (both or neither), atomically; only regular files replaced."""
    for plan in plans:
        writes = [(path, text) for path, text in ((plan.copy, plan.copy_text), (plan.base, plan.base_text))
                  if text is not None]
        if not writes:
            continue
        plan.base.parent.mkdir(parents=True, exist_ok=True)
        for path, _text in writes:
            output_target(path)  # a device, FIFO or folder is refused, never replaced
        with atomic_outputs([path for path, _text in writes], mode="w") as outs:
            for out, (_path, text) in zip(outs, writes):
                out.write(text)


def _differs(base: Path, release: Path) -> bool:
    """Has the release changed since the copy's base? (Text as read, so a BOM or CRLF is no change.)"""
    try:
        return read_text_file(base) != read_text_file(release)
    except FlashdlError:
        return True


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _require_regular(path: Path) -> None:
    try:
        info = path.stat()
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path}: not a regular file; refusing to use it as a deck file")
