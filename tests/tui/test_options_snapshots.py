"""SVG snapshots of the options screens at 80×24: the collection's defaults (``O`` on home),
with the FSRS parameters row and the ``ctrl+o`` key (update with ``pytest --snapshot-update``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from tui_helpers import SIZE, build_app, decks_listed, settle


def test_default_options(snap_compare: Any, db_path: Path) -> None:
    async def open_defaults(pilot: Pilot[Any]) -> None:
        await decks_listed(pilot)
        await pilot.press("O")
        await settle(pilot)

    assert snap_compare(build_app(db_path), terminal_size=SIZE, run_before=open_defaults)
