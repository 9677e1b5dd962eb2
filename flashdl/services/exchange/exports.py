"""Export use cases: one deck of the database out as YAML (+ history), .apkg, CSV/TSV or a review log.

Each reads the deck in one read transaction, then writes the output
atomically (``files.atomic_output``); nothing else is written but the YAML
export's ``--with-history`` side file next to the deck file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flashdl.deck.model import MARKUP_MARKDOWN, Card, Deck
from flashdl.errors import UsageError
from flashdl.formats import anki_notetype
from flashdl.formats.revlog_csv import ExportRow
from flashdl.scheduler.leech import exported_tags
from flashdl.formats.anki_schedule import MANUAL as ANKI_MANUAL
from flashdl.scheduler.sm2 import GRADED_BELOW
from flashdl.services.exchange.files import atomic_output, atomic_outputs, output_target
from flashdl.store import Store
from flashdl.store import bulk as store_access
from flashdl.store.bulk import CardInfo, DeckInfo
from flashdl.store.records import engine_from_json, errata_from_json, text_day, to_ms

FSRS_SUFFIX = ".fsrs.csv"
FSRS_NAME = "revlog.csv"  # what ``python -m fsrs_optimizer revlog.csv`` reads


@dataclass(frozen=True)
class ExportResult:
    deck: str
    path: str
    cards: int
    reviews: int = 0  # graded reviews written
    history_path: str | None = None
    media: int = 0  # media files carried in an .apkg
    missing_media: tuple[str, ...] = ()  # files the cards refer to that the media folder lacks
    manual: int = 0  # Forget and Set due date rows written (log rows, no reviews)


def history_path_for(deck_path: Path) -> Path:
    """``quiz-3.yaml`` -> ``quiz-3.history.json`` (the ``--with-history`` side file)."""
    stem = deck_path.name[: -len(deck_path.suffix)] if deck_path.suffix else deck_path.name
    return deck_path.with_name(f"{stem}.history.json")


def deck_from_rows(info: DeckInfo, cards: list[CardInfo]) -> Deck:
    return Deck(
        id=info.slug, name=info.name, description=info.description or None,
        source=info.source or None, tags=tuple(json.loads(info.tags or "[]")),
        cards=tuple(Card(id=c.slug, front=c.front, back=c.back,
                         tags=_tags(c.tags),
                         engine=engine_from_json(c.engine), errata=errata_from_json(c.errata),
                         markup=c.markup)
                    for c in cards),
        markup=info.markup or MARKUP_MARKDOWN)


def _tags(text: str | None) -> tuple[str, ...]:
    """A stored tag list (compact JSON); tags hold no commas or spaces, so most split directly."""
    if not text or text == "[]":
        return ()
    if "\\" in text:
        return tuple(json.loads(text))
    return tuple(text[2:-2].split('","'))


def _load(store: Store, slug: str) -> tuple[DeckInfo, list[CardInfo]]:
    with store.read() as db:
        info = store_access.deck_info(db, slug)
        if info is None:
            known = ", ".join(store_access.deck_slugs(db)) or "none"
            raise UsageError(f"unknown deck {slug!r} (decks: {known})")
        return info, store_access.deck_cards(db, info.id)


def export_yaml(store: Store, slug: str, out: Path, *, with_history: bool = False) -> ExportResult:
    from flashdl.deck import dump_deck
    from flashdl.formats.history_json import dump_history

    info, cards = _load(store, slug)
    deck = deck_from_rows(info, cards)
    history_text, reviews, manual = None, 0, 0
    if with_history:
        saved = _saved_history(store, info, cards)
        manual = sum(review.kind >= GRADED_BELOW for card in saved.cards for review in card.reviews)
        reviews = sum(len(card.reviews) for card in saved.cards) - manual
        history_text = dump_history(saved)
    output_target(out)  # a folder ("--out .") is refused before a side file is named after it
    side = history_path_for(out) if with_history else None
    if side is not None and history_text is not None:
        with atomic_outputs([out, side], mode="w", database=store.path) as (deck_out, side_out):  # both, or neither
            deck_out.write(dump_deck(deck))
            side_out.write(history_text)
    else:
        with atomic_output(out, mode="w", database=store.path) as handle:
            handle.write(dump_deck(deck))  # type: ignore[arg-type]
    return ExportResult(slug, str(out), len(cards), reviews, str(side) if side else None, manual=manual)


def _saved_history(store: Store, info: DeckInfo, cards: list[CardInfo]) -> Any:
    from flashdl.formats.history_json import SavedCard, SavedHistory, SavedReview
    from flashdl.scheduler.sm2 import CardState, logged_after
    from flashdl.services.deck_options import deck_own_options

    by_card: dict[int, list[SavedReview]] = {}
    with store.read() as db:
        for row in store_access.deck_reviews(db, info.id):
            (_slug, card_id, ms, day, grade, rating, kind, n0, n1, e0, e1, i0, i1, due0, due1, last0,
             pending0, duration, params, typed, correct, leech_bits) = row
            study = text_day(day)
            assert study is not None
            before = CardState(n0, e0, i0, text_day(due0), text_day(last0), bool(pending0))
            by_card.setdefault(card_id, []).append(SavedReview(
                reviewed_ms=ms, study_day=study, grade=grade, rating=rating, kind=kind, before=before,
                after=logged_after(kind, before, n1, e1, i1, text_day(due1), study, grade),
                duration_ms=duration, variant_params=None if params is None else json.loads(params),
                typed_answer=typed, answer_correct=None if correct is None else bool(correct),
                leech_flags_before=leech_bits))
    saved = tuple(
        SavedCard(card=c.slug, state=CardState(c.repetitions, c.ease, c.interval, text_day(c.due),
                                               text_day(c.last_review), bool(c.repeat_pending)),
                  suspended=bool(c.suspended), buried_until=text_day(c.buried_until),
                  reviews=tuple(by_card.get(c.id, ())), leech=bool(c.leech))
        for c in cards
        if c.last_review is not None or c.suspended or c.buried_until or c.leech or c.id in by_card)
    with store.read() as db:
        options = deck_own_options(db, info.id)
    return SavedHistory(deck=info.slug, cards=saved, options=options)


def export_apkg(store: Store, slug: str, out: Path, now: datetime, *, with_history: bool = False) -> ExportResult:
    # No paused_gc here: exporting 100,000 notes spends 0.03 s of its 1.3 s CPU in the collector.
    from flashdl.formats.anki_export import NoteSource
    from flashdl.services.exchange.anki_packages import write_notes

    with store.read() as db:
        info = store_access.deck_info(db, slug)
        if info is None:
            known = ", ".join(store_access.deck_slugs(db)) or "none"
            raise UsageError(f"unknown deck {slug!r} (decks: {known})")
        rows = store_access.deck_card_texts(db, info.id)
        leeches = store_access.leech_ids(db, info.id)  # tagged `leech` in the package, as Anki tags them
    # Rows become note sources directly: a Card object only where the exporter needs one.
    tags_of: dict[str, tuple[str, ...]] = {}
    sources: list[NoteSource] = []
    append = sources.append
    for _position, card_id, card_slug, front, back, tags_text, engine, errata, markup in rows:
        tags = tags_of.get(tags_text)
        if tags is None:
            tags = tags_of[tags_text] = _tags(tags_text)
        if leeches:
            tags = exported_tags(tags, card_id in leeches)
        if engine is None and errata is None and markup is None:
            append((card_slug, front, back, tags, None))
        else:
            card = Card(id=card_slug, front=front, back=back, tags=tags,
                        engine=engine_from_json(engine), errata=errata_from_json(errata),
                        markup=markup)
            append((card_slug, front, back, tags,
                    card if card.engine is not None or card.errata or card.markup else None))
    deck = deck_from_rows(info, [])
    schedule = None
    if with_history:  # the cards' scheduling, review log and FSRS state (docs/fsrs.md §8)
        from flashdl.formats.anki_export import anki_deck_id
        from flashdl.services.exchange.anki_history import apkg_schedule

        positions = {row[1]: k for k, row in enumerate(rows)}
        schedule = apkg_schedule(store, info.id, info.name, anki_deck_id(slug), positions, now)
    from flashdl.formats.anki_media import referenced_media
    from flashdl.formats.anki_media import media_dir_for
    from flashdl.services.exchange.media import media_members

    members, missing = media_members(referenced_media(text for source in sources for text in source[1:3]),
                                     media_dir_for(store.path))
    with atomic_output(out, database=store.path) as handle:
        count = write_notes([(deck, sources)], handle, now_ms=to_ms(now),  # type: ignore[arg-type]
                            solution_for=worked_solution, schedule=schedule, media=members)
    manual = sum(row[-1] == ANKI_MANUAL for row in schedule.revlog) if schedule else 0
    return ExportResult(slug, str(out), count, reviews=len(schedule.revlog) - manual if schedule else 0,
                        media=len(members) - 1 if members else 0, missing_media=tuple(missing), manual=manual)


def worked_solution(card: Card) -> str | None:
    """A computed card's worked solution for its own example (None for plain cards)."""
    if card.engine is None:
        return None
    from flashdl.engine import EngineError, get_family

    try:
        return str(get_family(card.engine.family).solution(dict(card.engine.params)))
    except (EngineError, ValueError, TypeError, KeyError):
        return None


def export_text(store: Store, slug: str, out: Path, separator: str) -> ExportResult:
    """The note type's fields as an .apkg export holds them (``#html:true``: the HTML flashdl
    renders, the Markdown in the hidden field), so importing the file into Anki onto the notes
    of an .apkg export leaves them as they are; with raw Markdown fields (``#html:false``) Anki
    showed `$..$` math and `**` as typed. flashdl reads its own text back from the hidden field."""
    from flashdl.formats.anki_export import fields_html, note_guid, solution_html
    from flashdl.formats.anki_text import write_text_notes

    info, cards = _load(store, slug)
    deck = deck_from_rows(info, cards)
    rendered = fields_html(deck, [(card.id, card.front, card.back, card.tags, card) for card in deck.cards])
    count = len(deck.cards)
    rows = []
    leeches = {c.slug for c in cards if c.leech}  # tagged `leech`, as in an .apkg export
    for index, card in enumerate(deck.cards):
        front_html, back_html = rendered[index], rendered[count + index]
        data = anki_notetype.card_data(card, index, (front_html, back_html), deck if index == 0 else None)
        tags = " ".join(dict.fromkeys(exported_tags(deck.tags + card.tags, card.id in leeches)))
        rows.append((note_guid(deck.id, card.id), front_html, back_html,
                     solution_html(card, deck, worked_solution(card)), f"{deck.id}/{card.id}", data, tags))
    text = write_text_notes(("GUID", *anki_notetype.FIELDS, "Tags"), rows, separator=separator,
                            deck=deck.name, notetype=anki_notetype.NOTETYPE_NAME, guid_column=1,
                            tags_column=len(anki_notetype.FIELDS) + 2, html=True)
    with atomic_output(out, mode="w", database=store.path) as handle:
        handle.write(text)  # type: ignore[arg-type]
    return ExportResult(slug, str(out), len(deck.cards))


def revlog_layout(out: Path) -> str:
    """``fsrs`` for ``revlog.csv`` / ``*.fsrs.csv`` (the optimizer's layout), else ``anki``."""
    name = out.name.lower()
    return "fsrs" if name == FSRS_NAME or name.endswith(FSRS_SUFFIX) else "anki"


def export_revlog(store: Store, slug: str, out: Path) -> ExportResult:
    from flashdl.formats.revlog_csv import write_history

    info, cards = _load(store, slug)
    count = [0, 0]  # graded reviews, Forget and Set due date rows
    layout = revlog_layout(out)
    graded_only = layout != "anki"  # the fsrs-optimizer layout leaves Forget and Set due date rows out

    def counted(rows: Iterator[ExportRow]) -> Iterator[ExportRow]:
        for row in rows:
            if row.kind < GRADED_BELOW:
                count[0] += 1
            elif not graded_only:
                count[1] += 1
            yield row

    with store.read() as db, atomic_output(out, mode="w", database=store.path) as handle:
        rows = _export_rows(store_access.deck_reviews(db, info.id), slug)
        for chunk in write_history(counted(rows), layout):
            handle.write(chunk)  # type: ignore[arg-type]
    return ExportResult(slug, str(out), len(cards), count[0], manual=count[1])


def _export_rows(rows: Iterator[tuple[Any, ...]], deck: str) -> Iterator[ExportRow]:
    for (slug, card_id, ms, _day, grade, rating, kind, n0, _n1, _e0, e1, i0, i1, *_rest) in rows:
        last_review_before, duration = _rest[2], _rest[4]
        yield ExportRow(f"{deck}/{slug}", card_id, ms, grade, rating, kind, i0, i1, n0, e1, duration,
                        last_review_before is None)

