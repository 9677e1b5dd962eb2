"""Import use cases: every format becomes one ``PreparedImport``, applied in one transaction.

``load_*`` functions read and validate their inputs completely (nothing
touches the database yet); ``apply_import`` then writes decks (the store
engineer's deck sync), review history and flags inside a single
``Store.write()``. Any error on the way — a card the history names but no
deck has, a duplicate id — rolls everything back: the database is exactly as
it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flashdl.deck.model import Deck
from flashdl.errors import InputError, SourcePosition
from flashdl.formats.history_json import SavedHistory
from flashdl.gc_pause import paused_gc
from flashdl.services.exchange.files import read_text, require_regular_file
from flashdl.services.exchange.media import PendingMedia
from flashdl.services.exchange.history import (
    HistoryCounts,
    Incoming,
    day_function,
    import_reviews,
    mark_replayed_leeches,
)
from flashdl.store import Store
from flashdl.store import bulk as store_access


@dataclass(frozen=True)
class PendingReviews:
    """Reviews for the card ``DECK/CARD``, and where in which file they came from."""

    file: str
    line: int | None
    reviews: list[Incoming]


@dataclass
class PreparedImport:
    decks: list[tuple[Deck, str | None]] = field(default_factory=list)
    reviews: dict[str, PendingReviews] = field(default_factory=dict)  # "DECK/CARD" -> reviews
    suspended: dict[str, bool] = field(default_factory=dict)  # "DECK/CARD" -> flag
    saved: list[tuple[SavedHistory, str]] = field(default_factory=list)  # exact side files
    notes: list[str] = field(default_factory=list)  # skipped items and warnings, for the user
    media: list[PendingMedia] = field(default_factory=list)  # package media the cards show
    leeches: set[str] = field(default_factory=set)  # "DECK/CARD" that came tagged leech (``_leeches``)

    def add_deck(self, deck: Deck, where: str) -> None:
        """A deck to sync, its cards' ``leech`` tags turned into the leech flag (``_leeches``)."""
        self.decks.append((_leeches(deck, self.leeches), where))


@dataclass(frozen=True)
class ImportReport:
    sync: object  # flashdl.services.views.SyncReport
    history: HistoryCounts | None
    notes: tuple[str, ...]


def apply_import(store: Store, prepared: PreparedImport, now: datetime, *,
                 local_time: bool = False) -> ImportReport:
    """Write a prepared import in one transaction (all or nothing).

    New reviews count for the study day of their moment in ``now``'s zone, or,
    with ``local_time``, in the machine's zone at that moment (summer time).
    """
    # paused_gc (here and in the loaders below) buys, measured: a 1,000,000-review revlog.csv
    # import spent 0.38-0.45 s CPU in the cyclic collector without it and 0.14-0.17 s with it
    # (6.07 -> 5.68 s CPU, median of 2), a 100,000-note .apkg import 0.20-0.44 s against 0.05 s
    # (2.06 -> 1.71 s CPU); benchmarks/bench_transfer.py's data, on 2 busy cores.
    staged = None
    if prepared.media:  # extracted before the transaction: a refused package changes nothing
        from flashdl.formats.anki_media import media_dir_for
        from flashdl.services.exchange.media import stage_media

        staged = stage_media(prepared.media, media_dir_for(store.path))
        if staged.renames:
            prepared.decks = [(_renamed(deck, staged.renames), where) for deck, where in prepared.decks]
        if staged.count:
            prepared.notes.append(f"{staged.count} media file(s) in {staged.media_dir}")
    try:
        report = _apply(store, prepared, now, local_time=local_time)
    except BaseException:
        if staged is not None:
            staged.discard()
        raise
    if staged is not None:
        staged.commit()
    return report


def _renamed(deck: Deck, renames: dict[str, str]) -> Deck:
    """``deck`` with its cards' media references pointing at the file names import chose."""
    from dataclasses import replace

    from flashdl.formats.anki_media import rename_references

    cards = tuple(replace(card, front=rename_references(card.front, renames),
                          back=rename_references(card.back, renames)) for card in deck.cards)
    return replace(deck, cards=cards)


def _apply(store: Store, prepared: PreparedImport, now: datetime, *, local_time: bool) -> ImportReport:
    from flashdl.services.deck_sync import sync_decks
    from flashdl.services.views import SyncReport
    from flashdl.store.settings import load_settings

    with paused_gc(), store.write() as conn:
        sync = sync_decks(store, prepared.decks, now) if prepared.decks else SyncReport(decks=())
        history = None
        if prepared.reviews or prepared.saved or prepared.suspended:
            from flashdl.services.deck_options import park_fsrs

            park_fsrs(conn)  # history is written to SM-2's columns; FSRS's state follows below
            db = conn
            ids = store_access.card_ids(db)
            day_of = day_function(None if local_time else now.tzinfo, load_settings(conn).rollover_hour)
            from flashdl.services.exchange.saved_history import split_saved

            incoming, exact = split_saved(db, prepared.saved, ids)
            for key, pending in prepared.reviews.items():
                card_id = ids.get(key)
                if card_id is None:
                    raise InputError(f"unknown card {key!r} (import its deck first, or use --deck)",
                                     SourcePosition(pending.file, pending.line))
                incoming.setdefault(card_id, []).extend(pending.reviews)
            history = import_reviews(db, incoming, day_of)
            mark_replayed_leeches(db, incoming)  # before the flags below: Anki's suspension wins
            if exact[0]:
                history = HistoryCounts(history.cards + exact[0], history.added + exact[1],
                                        history.duplicates)
            store_access.save_flags(db, [(int(flag), None, ids[key])
                                         for key, flag in prepared.suspended.items() if key in ids])
            from flashdl.services.deck_options import import_deck_options, unpark_fsrs

            for saved, where in prepared.saved:
                import_deck_options(conn, saved.deck, saved.options, where)
            unpark_fsrs(conn)
        if prepared.leeches:
            ids = store_access.card_ids(conn)
            store_access.save_leech_flags(conn, [(1, ids[key]) for key in prepared.leeches if key in ids])
    return ImportReport(sync, history, tuple(prepared.notes))


def preview_cards(store: Store, deck_slugs: Sequence[str], limit: int) -> list[tuple[str, str, str]]:
    """The first ``limit`` cards of the decks in order, as ``("DECK/CARD", front, back)``: what
    ``import --dry-run`` shows of the copy it imported into."""
    from flashdl.store import queries

    found: list[tuple[str, str, str]] = []
    with store.read() as tx:
        for slug in dict.fromkeys(deck_slugs):
            if len(found) >= limit:
                break
            found += [(f"{slug}/{card}", front, back)
                      for card, front, back in queries.first_cards(tx, slug, limit - len(found))]
    return found


def load_sources(paths: Sequence[Path], fmt: str, deck_id: str | None) -> PreparedImport:
    """Flashcard-export text (``brainscape``) or lecture notes (``notes``) via ``parse_source``."""
    from flashdl.formats import parse_source

    prepared = PreparedImport()
    if deck_id and len(paths) > 1:
        raise InputError("--deck names one deck; import one source file at a time with it")
    for path in paths:
        result = parse_source(read_text(path), str(path), fmt, deck_id)
        prepared.decks.append((result.deck, str(path)))
        prepared.notes += [f"{path}: skipped {note}" for note in result.skipped]
        prepared.notes += [f"{path}: {note}" for note in result.warnings]
    return prepared


def _ms(now: datetime | None) -> int | None:
    """``now`` for the format readers, which refuse reviews more than a day after it."""
    return None if now is None else int(now.timestamp() * 1000)


def load_apkg(paths: Sequence[Path], deck_id: str | None, *, with_history: bool,
              now: datetime | None = None) -> PreparedImport:
    """Anki packages: notes to cards; with history, the revlog and suspensions too."""
    prepared = PreparedImport()
    with paused_gc():  # 100,000 notes make half a million objects, no cycles (see apply_import)
        for path in paths:
            _load_package(prepared, path, deck_id, with_history=with_history, now=now)
    return prepared


def _load_package(prepared: PreparedImport, path: Path, deck_id: str | None, *,
                  with_history: bool, now: datetime | None) -> None:
    from flashdl.formats.anki_import import decks_from_collection, review_history
    from flashdl.services.exchange.anki_packages import read_package

    require_regular_file(path)  # a FIFO or device could block the zip reader, or never end
    package = read_package(path, str(path), with_reviews=with_history)
    result = decks_from_collection(package.collection, str(path), deck_id)
    prepared.notes += [f"{path}: skipped {note}" for note in result.skipped]
    if result.media:
        carried = {name: member for member, name in reversed(package.media_members)}  # the first wins
        wanted = [(carried[name], name) for name in result.media if name in carried]
        prepared.media.append(PendingMedia(path, package.layout, tuple(wanted)))
        absent = [name for name in result.media if name not in carried]
        if absent:
            prepared.notes.append(f"{path}: cards refer to {len(absent)} media file(s) the package "
                                  f"does not carry (e.g. {absent[0]!r}); they show as missing")
    history, before_reset = review_history(package.collection.reviews, str(path), _ms(now))
    by_card: dict[int, list[Incoming]] = {
        card: [(ms, grade, duration, None, None, None, None)  # type: ignore[misc]
               for ms, grade, duration in reviews]
        for card, reviews in history.items()}
    if before_reset and with_history:
        prepared.notes.append(_reset_note(path, before_reset))
    for imported in result.decks:
        prepared.add_deck(_validated(imported.deck, str(path)), str(path))
        if not with_history:
            continue
        for card, anki_card in zip(imported.deck.cards, imported.anki_cards):
            key = f"{imported.deck.id}/{card.id}"
            if anki_card.id in by_card:
                prepared.reviews[key] = PendingReviews(str(path), None, by_card[anki_card.id])
            prepared.suspended[key] = anki_card.queue == -1  # Anki's flag wins, either way


def _reset_note(path: Path, count: int) -> str:
    return (f"{path}: {count} review(s) made before their card was reset (Forget) in Anki not imported: "
            "Anki schedules from the reviews after")


def load_revlog(paths: Sequence[Path], deck_id: str | None, *,
                now: datetime | None = None) -> PreparedImport:
    """Review-history CSVs (Anki revlog columns or fsrs-optimizer layout)."""
    from flashdl.formats.revlog_csv import read_revlog

    prepared = PreparedImport()
    with paused_gc():  # a million reviews are a million tuples, no cycles (see apply_import)
        for path in paths:
            revlog = read_revlog(read_text(path), str(path), now_ms=_ms(now))
            if revlog.before_reset:
                prepared.notes.append(_reset_note(path, revlog.before_reset))
            for card, history in revlog.cards.items():
                key = card if "/" in card else (f"{deck_id}/{card}" if deck_id else None)
                if key is None:
                    raise InputError(f"card {card!r} is not DECK/CARD; name its deck with --deck",
                                     SourcePosition(str(path), history.line))
                pending = prepared.reviews.get(key)
                if pending is None:
                    pending = prepared.reviews[key] = PendingReviews(str(path), history.line, [])
                pending.reviews.extend([(ms, grade, duration, None, None, None, None)  # type: ignore[misc]
                                        for ms, grade, duration in history.reviews])
    return prepared


def load_text(paths: Sequence[Path], deck_id: str | None, separator: str,
              chosen: str | None = None, rows: str | None = None) -> PreparedImport:
    """CSV/TSV notes (Anki plain text, flashdl's own columns, or two-column front/back);
    ``chosen`` is the separator the user named (``import --separator``), over ``separator``,
    the format's default; a file's ``#separator:`` header wins over both (``parse_text_notes``).
    ``rows``: the character between rows (``--row-separator``), when not a new line."""
    from flashdl.formats.anki_text import parse_text_notes
    from flashdl.formats.text_decks import decks_from_text

    prepared = PreparedImport()
    for path in paths:
        notes = parse_text_notes(read_text(path), str(path), separator=separator, chosen=chosen,
                                 rows=rows)
        skipped: list[str] = []
        for deck in decks_from_text(notes, str(path), deck_id, skipped):
            prepared.add_deck(_validated(deck, str(path)), str(path))
        prepared.notes += [f"{path}: skipped {note}" for note in skipped]
    return prepared


def _leeches(deck: Deck, found: set[str]) -> Deck:
    """``deck`` without Anki's ``leech`` note tag on its cards, their keys added to ``found``:
    in flashdl a leech is a flag on the card (``scheduler.leech``), which every export writes
    as that tag, so an Anki leech or flashdl's own export comes back a leech (it came back an
    ordinary tag, or none, and the statistics counted no leech)."""
    from dataclasses import replace

    from flashdl.scheduler.leech import LEECH_TAG

    if not any(LEECH_TAG in card.tags for card in deck.cards):
        return deck
    cards = []
    for card in deck.cards:
        if LEECH_TAG in card.tags:
            found.add(f"{deck.id}/{card.id}")
            card = replace(card, tags=tuple(tag for tag in card.tags if tag != LEECH_TAG))
        cards.append(card)
    return replace(deck, cards=tuple(cards))


def _validated(deck: Deck, filename: str) -> Deck:
    """Hold the deck to the YAML deck rules (ids, tags, engine blocks, errata), naming the file.

    Only the deck itself and the cards that could break a rule go through the
    full validation: on a 100,000-card import that is seconds saved.
    """
    from dataclasses import replace

    from flashdl.deck.yaml_deck import (
        ID_PATTERN,
        TAG_PATTERN,
        deck_from_mapping,
        deck_to_data,
    )

    tags_ok: dict[tuple[str, ...], bool] = {}  # decks repeat a few tag sets many times
    suspect = []
    for card in deck.cards:
        ok = tags_ok.get(card.tags)
        if ok is None:
            ok = tags_ok[card.tags] = all(map(TAG_PATTERN.match, card.tags))
        if (card.engine or card.errata or not ok or not ID_PATTERN.match(card.id)
                or not (card.front.strip() or card.back.strip())):
            suspect.append(card)
    try:
        deck_from_mapping(deck_to_data(replace(deck, cards=tuple(suspect))))
    except InputError as error:
        raise InputError(error.message, SourcePosition(filename)) from None
    return deck


def load_history_side_file(path: Path, *, now: datetime | None = None) -> tuple[SavedHistory, str]:
    from flashdl.formats.history_json import parse_history

    return parse_history(read_text(path), str(path), now_ms=_ms(now)), str(path)

