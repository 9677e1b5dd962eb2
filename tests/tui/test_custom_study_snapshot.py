"""SVG snapshot of the custom study form (``c`` on home) at 80×24, search chosen and typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, RadioButton
from tui_helpers import SIZE, build_app, decks_listed, settle


async def _form(pilot: Pilot[Any]) -> None:
    await decks_listed(pilot)
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    screen.query_one("#cs-kind-search", RadioButton).value = True
    screen.query_one("#cs-search", Input).value = "tag:conv prop:ease<2"
    screen.query_one("#cs-cram", Checkbox).value = True
    await settle(pilot)


def test_custom_study_form(snap_compare: Any, db_path: Path) -> None:
    assert snap_compare(build_app(db_path), terminal_size=SIZE, run_before=_form)
