"""`flashdl due` (streamed a chunk at a time) lists what a study session would study, in its order.

The reference is the session's own plan (``study.plan_today``: every candidate loaded, then
sorted and chosen by ``plan_queue``), each card's name and front read with plain sqlite3, and
the lines made by a simple loop: padded cells, as the table looked before it was streamed.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashdl.cli import main
from flashdl.deck.model import Card, Deck
from flashdl.presentation.card_media import media_lines
from flashdl.services import card_flags, deck_options, deck_sync, queue_listing
from flashdl.services.reviews import record_review
from flashdl.services.study import plan_today
from flashdl.store import open_store

NOW = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
SLUGS = ("a", "beta", "gamma-long-deck")

fronts = st.one_of(
    st.text(max_size=70),
    st.sampled_from(["", "  two\n\nlines\t", "x" * 59, "y" * 60, "z" * 61, "é " * 40,
                     "see ![a pic](pic.png) here", "[sound:a.mp3] and more", "tab\tand\u2028sep"]),
)
decks = st.lists(st.lists(fronts, min_size=1, max_size=7), min_size=1, max_size=3)
reviews = st.lists(  # deck, card, days before NOW (0: today, a learning card when graded < 4), grade
    st.tuples(st.integers(0, 2), st.integers(0, 6), st.sampled_from([0, 0, 1, 1, 1, 2, 8]), st.integers(0, 5)),
    max_size=25)
flags = st.lists(st.tuples(st.sampled_from(["suspend", "bury"]), st.integers(0, 2), st.integers(0, 6)),
                 max_size=4)
options = st.lists(st.fixed_dictionaries({}, optional={
    "new_per_day": st.integers(0, 4), "reviews_per_day": st.integers(0, 4) | st.none(),
    "new_order": st.sampled_from(["file", "random"])}), min_size=3, max_size=3)


def build(path: Path, deck_fronts: list[list[str]], done: list[tuple[int, int, int, int]],
          flagged: list[tuple[str, int, int]], chosen: list[dict[str, object]], reordered: bool) -> None:
    made = [Deck(id=slug, name=slug, cards=tuple(Card(id=f"c{i:02d}", front=front or "-", back="b")
                                                 for i, front in enumerate(cards)))
            for slug, cards in zip(SLUGS, deck_fronts)]
    with open_store(path) as store:
        deck_sync.sync_decks(store, [(deck, None) for deck in made], NOW - timedelta(days=30))
        if reordered:  # the files' order changed: positions no longer follow the card ids
            deck_sync.sync_decks(store, [(replace(deck, cards=deck.cards[::-1]), None) for deck in made],
                                 NOW - timedelta(days=29))
        if any(not front for cards in deck_fronts for front in cards):  # an empty front, as the store allows
            with contextlib.closing(sqlite3.connect(path)) as raw, raw:
                raw.execute("UPDATE card SET front = '' WHERE front = '-'")
        # oldest first, a second apart: each card's reviews in time order
        events = sorted(enumerate(done), key=lambda e: (-e[1][2], e[0]))
        for n, (_i, (deck, card, days, grade)) in enumerate(events):
            if name := card_name(deck_fronts, deck, card):
                record_review(store, name, grade, NOW - timedelta(days=days, hours=1) + timedelta(seconds=n))
        for action, deck, card in flagged:
            if name := card_name(deck_fronts, deck, card):
                card_flags.suspend_card(store, name) if action == "suspend" else card_flags.bury_card(store, name, NOW)
        for slug, changes in zip(SLUGS[:len(made)], chosen):
            if changes:
                deck_options.set_options(store, slug, **changes)


def card_name(deck_fronts: list[list[str]], deck: int, card: int) -> str | None:
    """The card the numbers point at (any numbers: modulo the decks and their cards), if any."""
    cards = deck_fronts[deck % len(deck_fronts)]
    return f"{SLUGS[deck % len(deck_fronts)]}/c{card % len(cards):02d}" if cards else None


def reference(path: Path, deck: str | None, limit: int | None) -> list[tuple[str, str, str, str]]:
    """(card, front, kind, due) of each card the session would study, in its order."""
    with open_store(path) as store:
        plan = plan_today(store, NOW, deck).entries
    with contextlib.closing(sqlite3.connect(path)) as raw:
        cards = {cid: (name, front) for cid, name, front in raw.execute(
            "SELECT c.id, d.slug || '/' || c.slug, c.front FROM card AS c JOIN deck AS d ON d.id = c.deck_id")}
    return [(*cards[e.card_id], e.kind.value, e.due.isoformat()) for e in plan[:limit]]


def one_line(text: str) -> str:
    if "![" in text or "[sound:" in text:
        text = media_lines(text)
    line = " ".join(text.split())
    return line if len(line) <= 60 else line[:59] + "…"


def reference_table(items: list[tuple[str, str, str, str]]) -> str:
    if not items:
        return "nothing due\n"
    rows = [[card, kind, due, one_line(front)] for card, front, kind, due in items]
    headers = ["card", "kind", "due", "front"]
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]
    return "".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() + "\n"
                   for row in [headers, ["-" * w for w in widths], *rows])


def flashdl(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deck_fronts=decks, done=reviews, flagged=flags, chosen=options, data=st.data())
def test_due_lists_the_sessions_queue(deck_fronts: list[list[str]], done: list[tuple[int, int, int, int]],
                                      flagged: list[tuple[str, int, int]], chosen: list[dict[str, object]],
                                      data: st.DataObject) -> None:
    chunk = data.draw(st.integers(1, 4), label="lines per chunk")
    deck = data.draw(st.none() | st.sampled_from(SLUGS[:len(deck_fronts)]), label="deck")
    limit = data.draw(st.none() | st.integers(1, 12), label="limit")
    reordered = data.draw(st.booleans(), label="cards reordered in their files")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "flashdl.sqlite3"
        build(path, deck_fronts, done, flagged, chosen, reordered)
        argv = ["--db", str(path), "--now", NOW.isoformat(), "due", *([deck] if deck else []),
                *(["--limit", str(limit)] if limit else [])]
        expected = reference(path, deck, limit)
        was, queue_listing.LINES_CHUNK = queue_listing.LINES_CHUNK, chunk  # chunk boundaries anywhere
        try:
            table, listed = flashdl(*argv), flashdl(*argv, "--json")
        finally:
            queue_listing.LINES_CHUNK = was
    assert table == reference_table(expected)
    keys = ("card", "front", "kind", "due")
    assert listed == json.dumps([dict(zip(keys, item)) for item in expected], ensure_ascii=False) + "\n"


def test_reviews_due_the_same_day_come_in_file_order(tmp_path: Path) -> None:
    """Positions, not card ids, order a deck's reviews due the same day (the files were reordered)."""
    path = tmp_path / "flashdl.sqlite3"
    build(path, [["a", "b", "c"]], [(0, card, 1, 4) for card in range(3)], [], [{}], reordered=True)
    expected = reference(path, None, None)
    assert [card for card, *_ in expected] == ["a/c02", "a/c01", "a/c00"]
    assert flashdl("--db", str(path), "--now", NOW.isoformat(), "due") == reference_table(expected)
