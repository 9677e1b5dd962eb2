"""The TUI and bundled decks: ``E`` ($EDITOR) edits the user's copy; a new release's conflicts are a toast."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import pytest
from textual.widgets import Static
from tui_helpers import NOW, SAMPLE_DECK, build_app, decks_listed, details, settle, shown, unfolded

from flashdl.deck import files
from flashdl.deck.files import load_deck_file
from flashdl.services.deck_sync import sync_decks
from flashdl.store import open_store
from flashdl.tui.screens.card import CardScreen


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the installed package's bundled decks."""
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "sample.yaml").write_text(SAMPLE_DECK.read_text())
    monkeypatch.setattr(files, "bundled_decks_dir", lambda: folder)
    return folder


async def test_E_on_a_bundled_deck_edits_the_users_copy(
    tmp_path: Path, release: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "edit.sqlite3"
    with open_store(db) as store:  # as a database from before copies: the deck's file is the package's
        sync_decks(store, [(load_deck_file(release / "sample.yaml"), str(release / "sample.yaml"))], NOW)
    editor = tmp_path / "editor.py"
    editor.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text().replace('rounded down.', 'rounded down (mine).'))\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    app = build_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(app, "suspend", nullcontext)  # a test driver cannot suspend
        await decks_listed(pilot)
        app.push_screen(CardScreen(details(db, "tui-sample/size").id))
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        copy = Path(f"{db}.decks") / "sample.yaml"
        assert str(copy) in unfolded(shown(app.screen.query_one("#card-file", Static)))
    assert (release / "sample.yaml").read_text() == SAMPLE_DECK.read_text()  # the package untouched
    assert "rounded down (mine)." in copy.read_text()
    assert "rounded down (mine)." in details(db, "tui-sample/size").back


async def test_a_new_release_with_conflicts_shows_a_toast(tmp_path: Path, release: Path) -> None:
    db = tmp_path / "toast.sqlite3"
    app = build_app(db, import_bundled=True, bundled_dir=release)
    async with app.run_test(size=(100, 30)) as pilot:  # first start: the copy is made
        await decks_listed(pilot)
    copy = Path(f"{db}.decks") / "sample.yaml"
    assert copy.read_text() == SAMPLE_DECK.read_text()
    copy.write_text(copy.read_text().replace("rounded down.", "rounded down (mine)."))
    (release / "sample.yaml").write_text(SAMPLE_DECK.read_text().replace("rounded down.", "rounded down (new)."))
    app = build_app(db, import_bundled=True, bundled_dir=release)
    async with app.run_test(size=(100, 30)) as pilot:
        await decks_listed(pilot)
        await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert any("tui-sample/size: back changed by you and by the new release; kept yours" in t
                   for t in toasts), toasts
    assert "rounded down (mine)." in details(db, "tui-sample/size").back


async def test_a_new_release_that_changes_a_studied_card_says_so_in_the_toast(tmp_path: Path, release: Path) -> None:
    from flashdl.services.reviews import record_review

    db = tmp_path / "learnt.sqlite3"
    app = build_app(db, import_bundled=True, bundled_dir=release)
    async with app.run_test(size=(100, 30)) as pilot:  # first start: the copy is made
        await decks_listed(pilot)
    with open_store(db) as store:
        record_review(store, "tui-sample/size", 4, NOW)
    (release / "sample.yaml").write_text(SAMPLE_DECK.read_text().replace("rounded down.", "rounded down (new)."))
    app = build_app(db, import_bundled=True, bundled_dir=release)
    async with app.run_test(size=(100, 30)) as pilot:
        await decks_listed(pilot)
        await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert any("tui-sample/size: the new release changed its back, which you have studied" in t
                   for t in toasts), toasts
    assert "rounded down (new)." in details(db, "tui-sample/size").back
