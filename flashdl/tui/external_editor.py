"""``E``: a deck file in ``$EDITOR`` (the app suspended while it runs), then re-read into the store.

The whole file, for edits the card editor does not make (several cards at
once, engine blocks, comments). Re-reading keeps every card's id and history
(DESIGN §2); a file left broken is reported and the store keeps what it had.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from flashdl.errors import FlashdlError
from flashdl.presentation.view_models import plural
from flashdl.tui.collection import Collection


def editor_command() -> str | None:
    return os.environ.get("EDITOR") or os.environ.get("VISUAL")


def edit_deck_file(screen: Screen[Any], collection: Collection, path: str | None,
                   after: Callable[[], object] | None = None, report: Callable[[str], None] | None = None) -> None:
    """Run ``$EDITOR`` on ``path``, then re-read it in a worker; ``after`` runs on the UI thread.

    ``report`` shows how the re-read went (default: a toast; the study screen
    keeps its grade legend clear and uses its title line).
    """
    editor = editor_command()
    if path is None:
        screen.notify("This card's deck has no file to edit.", severity="warning")
        return
    if not editor:
        screen.notify(f"Set $EDITOR to edit here. The deck file is {path}", timeout=8)
        return
    try:
        with screen.app.suspend():
            subprocess.run([*shlex.split(editor), path], check=False)
    except Exception as error:  # noqa: BLE001 (e.g. SuspendNotSupported in a test driver, no such editor)
        screen.notify(f"Could not run {editor}: {error}", severity="error")
        return

    def reload() -> None:
        try:
            synced = collection.reload_deck_file(path)
        except FlashdlError as error:
            screen.app.call_from_thread(screen.notify, f"Not re-imported: {error}", severity="error", timeout=10)
            return
        message = (f"Re-read the deck: {plural(synced.updated, 'card')} updated, "
                   f"{synced.added} added, {synced.retired} retired.")
        screen.app.call_from_thread(report or screen.notify, message)
        if after is not None:
            screen.app.call_from_thread(after)

    screen.run_worker(reload, thread=True, group="deck-file", exclusive=True)


def deck_path(collection: Collection, deck: str) -> str | None:
    """The file to edit for ``deck``: a bundled deck's copy in the user's data directory (made now
    if needed), never the installed package's file; None when the deck has no file."""
    if next((summary.path for summary in collection.decks() if summary.id == deck), None) is None:
        return None
    return str(collection.deck_file_for_edit(deck))


def edit_deck(screen: Screen[Any], collection: Collection, deck: str,
              after: Callable[[], object] | None = None, report: Callable[[str], None] | None = None) -> None:
    """``E`` on a card of ``deck``: its editable file (a bundled deck's copy) in ``$EDITOR``."""
    try:
        path = deck_path(collection, deck)
    except FlashdlError as error:
        screen.notify(f"Cannot edit: {error}", severity="error", timeout=10)
        return
    edit_deck_file(screen, collection, path, after=after, report=report)
