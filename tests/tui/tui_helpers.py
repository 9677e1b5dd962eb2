"""Helpers of the terminal-UI tests: a fixed clock, fixed seeds, building and settling the app."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerCancelled

from flashdl.clock import FixedClock
from flashdl.tui.app import FlashdlApp, make_app

DECKS = Path(__file__).parent / "decks"
SAMPLE_DECK = DECKS / "tui-sample.yaml"
MATRIX_DECK = DECKS / "tui-matrix.yaml"
NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
SIZE = (80, 24)


def seconds_counter(step: float = 7.0) -> Callable[[], float]:
    """A fake monotonic clock: every reading is ``step`` seconds after the last."""
    counter = itertools.count(0.0, step)
    return lambda: next(counter)


def import_decks(db_path: Path, *decks: Path) -> None:
    from flashdl.services.deck_sync import import_deck_files
    from flashdl.store import open_store

    with open_store(db_path) as store:
        import_deck_files(store, list(decks), NOW)


def build_app(db_path: Path, *, seeds: Iterator[int] | None = None, theme: str = "textual-dark",
              **options: Any) -> FlashdlApp:
    options.setdefault("import_bundled", False)
    app = make_app(
        db_path, FixedClock(NOW), seeds=seeds or itertools.count(7), timer=seconds_counter(), **options
    )
    app.theme = theme
    return app


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until workers are done and their results are on screen."""
    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # the app is exiting
            return
        await pilot.pause()


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Settle until ``condition()`` holds (a worker's result is on screen), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await settle(pilot)
        await pilot.pause(0.05)


async def card_shown(pilot: Pilot[Any]) -> None:
    """Until the study screen shows its first card (its worker opened the session)."""
    from flashdl.tui.screens.study import Step

    await wait_for(pilot, lambda: getattr(pilot.app.screen, "step", None) not in (None, Step.LOADING),
                   "the first card")


async def decks_listed(pilot: Pilot[Any]) -> None:
    """Until the home screen lists the decks (its worker loaded the counts)."""
    from textual.widgets import DataTable

    await wait_for(pilot, lambda: bool(pilot.app.screen.query("#decks"))
                   and pilot.app.screen.query_one("#decks", DataTable).row_count > 0, "the deck list")


def shown(widget: Widget) -> str:
    """The text a widget shows on screen now (as the terminal would draw it). The region is the
    widget's outer size: its content size cut the last column of every padded line, so a path
    folded over two lines lost a character (only where the path was long: under pytest-xdist)."""
    region = Region(0, 0, *widget.outer_size)
    return "\n".join(strip.text.rstrip() for strip in widget.render_lines(region))


def unfolded(text: str) -> str:
    """``shown`` text with its lines joined, margins dropped: a long path folds wherever the
    width (the temporary folder's name) puts the fold."""
    return "".join(line.strip() for line in text.splitlines())


def details(db_path: Path, card: str) -> Any:
    """A card's ``CardDetails`` read back through the services (as the CLI would)."""
    from flashdl.services.browse import card_details
    from flashdl.store import open_store

    with open_store(db_path) as store:
        return card_details(store, card)


def grades(db_path: Path, card: str) -> list[int]:
    return [entry.grade for entry in details(db_path, card).history]
